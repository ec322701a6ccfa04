-- The comparator for each headline measure over the year's months: with $residents, every council's
-- residents (all councils); otherwise every practice based in the selected practices' council(s).
-- Pooled as sum(numerator) / sum(denominator), with the comparator's name.
with measures as (
    select indicator_id as measure_id, multiplier
    from ref_indicators
    where indicator_id in (select measure_id from headline_measures())
),

councils as (
    select council_code from selected_councils($council, $locality, $sub_icb, $pcn, $practice)
),

outcomes as (
    select measure_id, period_type, period_start, numerator, denominator
    from mart_outcomes_council
    where $residents

    union all

    select measure_id, period_type, period_start, numerator, denominator
    from mart_outcomes_practice
    where not $residents
        and practice_code in (
            select practice_code from dim_practice where home_council_code in (select council_code from councils))
),

final as (
    select
        measures.measure_id,
        case when $residents then 'All councils'
            else 'Practices based in ' || (
                select string_agg(council_name, ', ' order by council_name)
                from dim_council where council_code in (select council_code from councils))
        end as comparator,
        any_value(measures.multiplier) as multiplier,
        sum(outcomes.numerator) as comparator_numerator,
        sum(outcomes.denominator) as comparator_denominator,
        sum(outcomes.numerator) / nullif(sum(outcomes.denominator), 0) * any_value(measures.multiplier)
            as comparator_rate
    from measures
    inner join outcomes using (measure_id)
    where outcomes.period_type = 'month'
        and outcomes.period_start between period_first_day($period) and period_last_day($period)
    group by measures.measure_id
)

select * from final
order by measure_id
