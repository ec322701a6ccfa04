-- Every HWB's planned Better Care Fund spend per head beside the outcomes BCF plans are meant to
-- move, in the period's financial year and the year before it, one row per HWB and year:
--   emergency admissions: apportioned from practices by where their patients live (the months of
--     the year pooled: sum of counts over sum of lists x 1,000, a rate a month averaged over the year);
--   permanent admissions to care homes aged 65+ and at home 91 days after reablement: ASCOF, as the
--     council published them.
-- Spend is all planned spend, or one scheme-type group's ($scheme_group, as mart_bcf_breakdown
-- groups them; an HWB with a plan but nothing in the group spends 0). Per head divides by the
-- registered residents mart_bcf_summary divides by (int_council_year__population: the release in
-- force on 1 October of the year), all ages and aged 65+.
-- The comparators are the selection's similar areas (mart_council_peers); a selection without peers
-- falls back to the other councils of its ICB (a council's ICB: the one whose practices hold most of
-- its registered residents), and comparator_basis says which.
with years as (
    select
        $period as financial_year,
        true as is_period
    union all
    select
        financial_year_of(financial_year_start($period) - interval 1 year),
        false
),

councils as (
    select council_code from selected_councils(
        $council, $locality, $sub_icb, $pcn, $practice, group_practices := $group_practices
    )
),

filtered as (
    select not($council is null and $locality is null and $sub_icb is null and $pcn is null and $practice is null)
        as has_area_filter
),

release as (
    select release_for_period(quarter, $period) as quarter from int_practice_council__weights
),

council_icb_residents as (
    select
        weights.council_code,
        practices.icb_code,
        any_value(practices.icb_name) as icb_name,
        sum(weights.residents) as residents
    from int_practice_council__weights as weights
    inner join dim_practice as practices using (practice_code)
    where weights.quarter = (select quarter from release) and practices.icb_code is not null
    group by weights.council_code, practices.icb_code
),

council_icbs as (
    select
        council_code,
        arg_max(icb_code, residents order by icb_code desc) as icb_code,
        arg_max(icb_name, residents order by icb_code desc) as icb_name
    from council_icb_residents
    group by council_code
),

selected_icbs as (
    select distinct council_icbs.icb_code
    from council_icbs
    cross join filtered
    where filtered.has_area_filter and council_icbs.council_code in (select council_code from councils)
),

peers as (
    select distinct peers.peer_code as council_code
    from mart_council_peers as peers
    cross join filtered
    where filtered.has_area_filter and peers.council_code in (select council_code from councils)
),

comparators as (
    select
        council_code,
        'similar areas' as basis
    from peers
    union all
    select
        council_code,
        'ICB'
    from council_icbs
    where
        icb_code in (select icb_code from selected_icbs)
        and not exists (select 1 from peers)
),

spend as (
    select
        hwb_code,
        financial_year,
        sum(planned_gbp) as planned_gbp
    from mart_bcf_breakdown
    where
        dimension = 'scheme type'
        and ($scheme_group is null or category = $scheme_group)
        and financial_year in (select financial_year from years)
    group by hwb_code, financial_year
),

emergency as (
    select
        council_code,
        financial_year_of(period_start) as financial_year,
        1000 * sum(numerator) / nullif(sum(denominator), 0) as rate,
        count(*) as months
    from mart_outcomes_council
    where
        measure_id = 'emergency_admissions'
        and period_type = 'month'
        and financial_year_of(period_start) in (select financial_year from years)
        and numerator is not null and denominator is not null
    group by council_code, financial_year_of(period_start)
),

ascof as (
    select
        council_code,
        period_label as financial_year,
        max(rate) filter (where measure_id = 'ascof_admissions_65_plus') as admissions_65_plus,
        max(rate) filter (where measure_id = 'ascof_reablement_91_days') as at_home_91_days
    from mart_outcomes_council
    where
        measure_id in ('ascof_admissions_65_plus', 'ascof_reablement_91_days')
        and period_type = 'financial year'
        and period_label in (select financial_year from years)
    group by council_code, period_label
),

final as (
    select
        summary.hwb_code,
        summary.hwb_name,
        summary.financial_year,
        years.is_period,
        filtered.has_area_filter and summary.hwb_code in (select council_code from councils) as is_selected,
        summary.hwb_code in (select council_code from comparators)
        and not (filtered.has_area_filter and summary.hwb_code in (select council_code from councils))
            as is_comparator,
        (select any_value(basis) from comparators) as comparator_basis,
        council_icbs.icb_name,
        coalesce(spend.planned_gbp, 0) as planned_gbp,
        summary.residents,
        summary.residents_65_plus,
        summary.population_release,
        round(coalesce(spend.planned_gbp, 0) / nullif(summary.residents, 0), 2) as per_head_gbp,
        round(coalesce(spend.planned_gbp, 0) / nullif(summary.residents_65_plus, 0), 2) as per_head_65_plus_gbp,
        round(emergency.rate, 2) as emergency_admissions,
        emergency.months as emergency_admission_months,
        ascof.admissions_65_plus,
        ascof.at_home_91_days
    from mart_bcf_summary as summary
    inner join years using (financial_year)
    cross join filtered
    left join spend using (hwb_code, financial_year)
    left join council_icbs on summary.hwb_code = council_icbs.council_code
    left join emergency
        on summary.hwb_code = emergency.council_code and summary.financial_year = emergency.financial_year
    left join ascof on summary.hwb_code = ascof.council_code and summary.financial_year = ascof.financial_year
    where summary.planned_gbp is not null
)

select * from final
order by hwb_name, financial_year
