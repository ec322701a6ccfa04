-- Each seasonal measure's month-of-year index (mart_seasonal_index): what its SPC charts divide each
-- month's rate by, when adjusted is true, and why not when it is false. One row per measure and month.
select
    measure_id,
    measure_name,
    calendar_month,
    month_name,
    seasonal_index,
    months,
    ratios,
    f_statistic,
    p_value,
    adjusted,
    first_month,
    last_month,
    method,
    note
from mart_seasonal_index
order by measure_id, calendar_month
