-- The comparator for each headline measure over the year's months: with $residents, every council's
-- residents (all councils); otherwise every practice based in the selected practices' council(s); with
-- $compare = 'peers', the council's similar areas or the practice's similar practices, where it has them.
-- Pooled as sum(numerator) / sum(denominator) of comparison_units, with the comparator's name.
select
    units.measure_id,
    case
        when any_value(units.unit_set) = 'peers' and $residents
            then 'Similar areas (' || count(distinct units.unit_code) || ' councils)'
        when any_value(units.unit_set) = 'peers'
            then 'Similar practices (' || count(distinct units.unit_code) || ' practices)'
        when $residents then 'All councils'
        else
            'Practices based in ' || (
                select string_agg(council_name, ', ' order by council_name)
                from dim_council
                where
                    council_code in (
                        select council_code from selected_councils(
                            $council, $locality, $sub_icb, $pcn, $practice, group_practices := $group_practices
                        )
                    )
            )
    end as comparator,
    any_value(ref_indicators.multiplier) as multiplier,
    sum(units.numerator) as comparator_numerator,
    sum(units.denominator) as comparator_denominator,
    sum(units.numerator) / nullif(sum(units.denominator), 0) * any_value(ref_indicators.multiplier) as comparator_rate
from
    comparison_units(
        $residents, $council, $locality, $sub_icb, $pcn, $practice, $period, compare := $compare,
        group_practices := $group_practices
    ) as units
inner join ref_indicators on ref_indicators.indicator_id = units.measure_id
group by units.measure_id
order by units.measure_id
