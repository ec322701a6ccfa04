-- The outcome measures the page can show: name, unit, polarity, multiplier and source from
-- ref_indicators, whether they are monthly or yearly, and whether the warehouse has any rows. In their
-- declared order (`order:` in their definition files, etl/indicators: the case studies' measures first);
-- any without one follow by name.
with available as (
    select
        measure_id,
        any_value(period_type) as period_type,
        max(period_start) as last_period
    from mart_outcomes_council
    group by measure_id
    union all
    select
        measure_id,
        any_value(period_type),
        max(period_start)
    from mart_outcomes_practice
    group by measure_id
),

per_measure as (
    select
        measure_id,
        any_value(period_type) as period_type,
        max(last_period) as last_period
    from available
    group by measure_id
),

final as (
    select
        indicators.indicator_id as measure_id,
        indicators.name,
        indicators.definition,
        indicators.denominator,
        indicators.unit,
        indicators.multiplier,
        indicators.polarity,
        indicators.source,
        -- ASCOF is published per financial year; everything else is counted monthly
        coalesce(per_measure.period_type, case when indicators.source = 'ascof' then 'financial year' else 'month' end)
            as period_type,
        per_measure.last_period,
        per_measure.measure_id is not null as has_data,
        indicators.display_order
    from ref_indicators as indicators
    left join per_measure on indicators.indicator_id = per_measure.measure_id
    where indicators.kind = 'outcome'
)

select * from final
order by display_order nulls last, name
