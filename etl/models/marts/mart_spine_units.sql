-- Every headline measure over each financial year for every area of each kind: every English social care
-- council (its residents, is_residents) and every practice (its patients). The spine chart
-- (dashboard/components/spine.py, through dashboard/queries/spine__units.sql) takes the selected area's row,
-- the spread of all of them and England (all of them added up) from one year's rows. Made here rather than
-- per request: it is the same for every area of a kind, and summing a year of every practice's months took
-- 100-300 ms of each practice profile at England scale.
-- Rates are sum(numerator) / sum(denominator) over the year's months (a monthly rate for the monthly
-- measures, as the Overview's), never a mean of rates; only months with both parts count.
with measures as (
    select
        indicator_id as measure_id,
        name,
        unit,
        multiplier,
        polarity,
        display_order
    from {{ ref('ref_indicators') }}
    where is_headline
),

outcomes as (
    select
        true as is_residents,
        outcomes.measure_id,
        outcomes.council_code as area_code,
        null::varchar as icb_code,
        outcomes.period_start,
        outcomes.numerator,
        outcomes.denominator
    from {{ ref('mart_outcomes_council') }} as outcomes
    inner join {{ ref('dim_council') }} as councils using (council_code)
    where
        councils.is_social_care_council and councils.is_english
        and outcomes.period_type = 'month'

    union all

    select
        false as is_residents,
        outcomes.measure_id,
        outcomes.practice_code as area_code,
        practices.icb_code,
        outcomes.period_start,
        outcomes.numerator,
        outcomes.denominator
    from {{ ref('mart_outcomes_practice') }} as outcomes
    inner join {{ ref('dim_practice') }} as practices using (practice_code)
    where outcomes.period_type = 'month'
),

yearly as (
    select
        is_residents,
        financial_year_of(period_start) as financial_year,
        measure_id,
        area_code,
        any_value(icb_code) as icb_code,
        -- a council's numerators are fractions of practices' counts: added up exactly (macros.sql)
        sum(exact(numerator))::double as numerator,
        sum(exact(denominator))::double as denominator,
        max(period_start) as last_month
    from outcomes
    where
        measure_id in (select measure_id from measures)
        and numerator is not null
        and denominator > 0
    group by all
),

final as (
    select
        yearly.is_residents,
        yearly.financial_year,
        measures.measure_id,
        measures.name,
        measures.unit,
        measures.polarity,
        measures.multiplier,
        measures.display_order,
        yearly.area_code,
        yearly.icb_code,
        yearly.numerator,
        yearly.denominator,
        yearly.numerator / yearly.denominator * measures.multiplier as rate,
        yearly.last_month
    from measures
    inner join yearly using (measure_id)
)

select * from final
-- stored by year and kind: the dashboard reads one year of one kind at a time
order by is_residents, financial_year, display_order, measure_id, area_code
