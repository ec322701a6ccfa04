-- Every headline measure over a financial year for every area of one kind: with $residents, every
-- English social care council (its residents); otherwise every practice. The spine chart
-- (dashboard/components/spine.py) takes the selected area's row, the spread of all of them and
-- England (all of them added up) from this one answer, so it is the same for every area of the kind.
-- The sums are made by the build (etl/models/marts/mart_spine_units.sql): rates are sum(numerator) /
-- sum(denominator) over the year's months, never a mean of rates.
select
    measure_id,
    name,
    unit,
    polarity,
    multiplier,
    display_order,
    area_code,
    icb_code,
    numerator,
    denominator,
    rate,
    last_month
from mart_spine_units
where is_residents = $residents and financial_year = $period
order by display_order, measure_id, area_code
