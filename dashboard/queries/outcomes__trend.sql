-- One outcome measure over time for the selection and its comparators, every period up to the end
-- of the selected financial year. One row per series and period: series_order (legend order),
-- series_kind, series, period_start, numerator, denominator, rate.
--   a practice: the practice, its PCN, its home council, its ICB;
--   a PCN, sub-ICB, locality, group of practices or deprivation decile (with or without a council): its
--   practices together, its council(s), its ICB(s);
--   a council alone: the council, the ICB(s) of the practices based in it, and all councils together;
--   nothing: each council, and all councils together.
-- With $compare = 'peers', a practice's or a council's similar ones, pooled, are added (mart_practice_peers,
-- mart_council_peers): "Similar practices (10 together)", "Similar areas (15 councils together)".
-- Council lines are left out when there would be more than max_councils of them (England has 150):
-- the page then draws their spread from outcomes__council_spread instead.
-- Groups of practices or councils are pooled: sum(numerator) / sum(denominator) x the measure's
-- multiplier, never a mean of rates. A single council's rate is the mart's (ASCOF as published).
with indicator as (
    select multiplier from ref_indicators
    where indicator_id = $measure
),

kind as (
    select case
        when $practice is not null then 'practice'
        when
            $locality is not null or $sub_icb is not null or $pcn is not null or $deprivation is not null
            or $group_practices is not null
            then 'group'
        when $council is not null then 'council'
        else 'everything'
    end as selection_kind
),

chosen as (
    select practice_code from selected_practices(
        $council, $locality, $sub_icb, $pcn, $practice, deprivation := $deprivation, group_practices := $group_practices
    )
),

the_practice as (
    select * from dim_practice
    where practice_code = $practice
),

group_name as (
    select coalesce(
        $group_label,
        (
            select any_value(pcn_name) from dim_pcn
            where pcn_code = $pcn
        ),
        (
            select any_value(locality_name) || ' locality' from dim_locality
            where locality_code = $locality
        ),
        (
            select any_value(sub_icb_name) from dim_sub_icb
            where sub_icb_code = $sub_icb
        ),
        'Practices in deprivation decile ' || $deprivation
    ) || ' (' || (
        select count(*)
        from chosen) || (
        case
            when (select count(*) from chosen) = 1 then ' practice)'
            else ' practices)'
        end
    ) as series
),

-- which practices make up each practice-based series
practice_series as (
    select
        0 as series_order,
        'practice' as series_kind,
        practice_name || ' (practice)' as series,
        practice_code
    from the_practice
    union all
    select
        1,
        'pcn',
        practices.pcn_name,
        practices.practice_code
    from dim_practice as practices
    where practices.pcn_code = (select pcn_code from the_practice)
    union all
    select
        1,
        'group',
        (select series from group_name),
        practice_code
    from chosen
    where (select selection_kind from kind) = 'group'
    union all
    -- the practice's similar practices, pooled (compare=peers)
    select
        5,
        'peers',
        'Similar practices (' || count(*) over () || ' together)',
        peers.peer_code
    from mart_practice_peers as peers
    where peers.practice_code = $practice and $compare = 'peers'
    union all
    -- the ICB(s) of the selected practices, every practice in them
    select
        10 + dense_rank() over (order by practices.icb_code),
        'icb',
        practices.icb_name,
        practices.practice_code
    from dim_practice as practices
    where
        (select selection_kind from kind) <> 'everything'
        and practices.icb_code in (
            select icb_code from dim_practice
            where practice_code in (select practice_code from chosen)
        )
),

practice_values as (
    select
        outcomes.practice_code,
        outcomes.period_start,
        outcomes.numerator,
        outcomes.denominator
    from mart_outcomes_practice as outcomes
    where
        outcomes.measure_id = $measure
        and outcomes.period_start <= period_last_day($period)
        -- both parts known: a month without an age file has no 65+ denominator
        and outcomes.numerator is not null and outcomes.denominator is not null
        -- only the practices some series needs (none for the whole area): filtered before the sums,
        -- which DuckDB would otherwise work out for every practice in England
        and outcomes.practice_code in (select practice_series.practice_code from practice_series)
),

practice_rates as (
    select
        practice_series.series_order,
        practice_series.series_kind,
        practice_series.series,
        practice_values.period_start,
        sum(practice_values.numerator) as numerator,
        sum(practice_values.denominator) as denominator,
        (select multiplier from indicator) * sum(practice_values.numerator)
        / nullif(sum(practice_values.denominator), 0) as rate
    from practice_series
    inner join practice_values using (practice_code)
    group by all
),

councils_shown as (
    select council_code from dim_council
    where
        is_social_care_council and is_english
        and case (select selection_kind from kind)
            when 'practice' then council_code = (select home_council_code from the_practice)
            when 'group'
                then
                    council_code in (
                        select council_code from selected_councils(
                            $council, $locality, $sub_icb, $pcn, $practice, group_practices := $group_practices
                        )
                    )
            when 'council' then council_code = $council
            else true
        end
),

council_values as (
    select
        outcomes.council_code,
        outcomes.council_name,
        outcomes.period_start,
        outcomes.numerator,
        outcomes.denominator,
        outcomes.rate
    from mart_outcomes_council as outcomes
    inner join dim_council as councils using (council_code)
    where
        outcomes.measure_id = $measure
        and outcomes.period_start <= period_last_day($period)
        and councils.is_social_care_council and councils.is_english
),

council_rates as (
    select
        2 + dense_rank() over (order by council_name, council_code) as series_order,
        'council' as series_kind,
        council_name || ' (council)' as series,
        period_start,
        numerator,
        denominator,
        rate
    from council_values
    where
        council_code in (select council_code from councils_shown)
        and (select count(*) from councils_shown) <= $max_councils
),

peer_councils as (
    select peer_code as council_code from mart_council_peers
    where council_code = $council and $compare = 'peers' and (select selection_kind from kind) = 'council'
),

peer_area as (
    -- the council's similar areas, pooled from the parts that are known
    select
        50 as series_order,
        'peers' as series_kind,
        'Similar areas (' || (select count(*) from peer_councils) || ' councils together)' as series,
        period_start,
        sum(numerator) filter (where denominator is not null) as numerator,
        sum(denominator) filter (where numerator is not null) as denominator,
        (select multiplier from indicator) * sum(numerator) filter (where denominator is not null)
        / nullif(sum(denominator) filter (where numerator is not null), 0) as rate
    from council_values
    where council_code in (select council_code from peer_councils)
    group by period_start
),

whole_area as (
    -- every council together, pooled from the parts that are known
    select
        100 as series_order,
        'all councils' as series_kind,
        'All councils together' as series,
        period_start,
        sum(numerator) filter (where denominator is not null) as numerator,
        sum(denominator) filter (where numerator is not null) as denominator,
        (select multiplier from indicator) * sum(numerator) filter (where denominator is not null)
        / nullif(sum(denominator) filter (where numerator is not null), 0) as rate
    from council_values
    where (select selection_kind from kind) in ('council', 'everything')
    group by period_start
),

final as (
    select * from practice_rates
    union all
    select * from council_rates
    union all
    select * from peer_area
    union all
    select * from whole_area
)

select * from final
order by series_order, series, period_start
