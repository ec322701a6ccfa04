-- Each joint-working indicator with its definition (ref_indicators) and the selected practices'
-- returns for one quarter: how many returned it, the share answering yes (yes/no indicators), the
-- median value (the others) and the mean 0-100 score.
with indicators as (
    select * from ref_indicators
    where kind = 'joint_working'
),

returns as (
    select
        indicator_id,
        value,
        score
    from fct_joint_working
    where
        quarter_start = $quarter::date
        and practice_code in (
            select practice_code from selected_practices(
                $council, $locality, $sub_icb, $pcn, $practice, deprivation := $deprivation,
                group_practices := $group_practices
            )
        )
),

summaries as (
    select
        indicator_id,
        count(value) as practices_returning,
        count(*) filter (where value = 1) as practices_yes,
        100.0 * count(*) filter (where value = 1) / nullif(count(value), 0) as percent_yes,
        median(value) as median_value,
        avg(score) as mean_score
    from returns
    group by indicator_id
),

final as (
    select
        indicators.indicator_id,
        indicators.name,
        indicators.domain,
        indicators.definition,
        indicators.numerator,
        indicators.denominator,
        indicators.unit,
        indicators.scoring_kind,
        indicators.scoring_target,
        indicators.why_it_matters,
        coalesce(summaries.practices_returning, 0) as practices_returning,
        coalesce(summaries.practices_yes, 0) as practices_yes,
        summaries.percent_yes,
        summaries.median_value,
        summaries.mean_score
    from indicators
    left join summaries using (indicator_id)
)

select * from final
order by indicator_id
