-- The joint-working quarter the page shows for a financial year: the latest quarter with any return
-- at or before the year's last day (inside the year when there is one). One row; quarter_start is
-- null when every return is later than the year.
with returned_quarters as (
    select distinct
        quarter_start,
        quarter_label
    from mart_joint_working_index
),

chosen as (
    select max(quarter_start) as quarter_start
    from returned_quarters
    where quarter_start <= period_last_day($period)
),

final as (
    select
        chosen.quarter_start,
        returned_quarters.quarter_label,
        chosen.quarter_start >= period_first_day($period) as is_inside_period,
        (select min(earliest.quarter_start) from returned_quarters as earliest) as first_quarter
    from chosen
    left join returned_quarters using (quarter_start)
)

select * from final
