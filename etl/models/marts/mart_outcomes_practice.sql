-- Outcome measures per practice and period: numerator, denominator and rate.
--   counted: hospital activity (SUS, monthly) and social care events by the client's practice
--     (monthly, zero months included). Events only come from councils that sent an extract, so their
--     denominator is the practice's patients aged 65+ living in those councils (coverage says what share).
--   apportioned: council ASCOF measures (yearly) shared out to practices through where the practice's
--     patients live. Of council c's registered residents, share w(p, c) are with practice p; the practice
--     gets sum over c of w(p, c) x numerator(c) and the same of the denominator, and its rate is the ratio.
with indicators as (
    select
        indicator_id,
        name,
        unit,
        multiplier,
        source,
        denominator_kind
    from {{ ref('ref_indicators') }}
    where kind = 'outcome'
),

denominators as (
    select * from {{ ref('int_practice_month__denominators') }}
),

activity as (
    select
        practice_code,
        activity_month as period_start,
        measure_id,
        activity_count::double as numerator,
        denominator::double as denominator,
        1.0 as coverage
    from {{ ref('fct_practice_activity') }}
),

reporting_councils as (
    select distinct council_code from {{ ref('stg_local__social_care_events') }}
),

event_coverage as (
    -- share of the practice's residents (in English councils) who live in a council that sent an extract
    select
        weights.practice_code,
        weights.quarter,
        sum(weights.residents) filter (where reporting.council_code is not null) / sum(weights.residents) as coverage
    from {{ ref('int_practice_council__weights') }} as weights
    left join reporting_councils as reporting using (council_code)
    group by weights.practice_code, weights.quarter
),

events as (
    select
        practice_code,
        event_month as period_start,
        sum(clients) filter (where event = 'residential_admission') as residential,
        sum(clients) filter (where event = 'nursing_admission') as nursing,
        sum(clients) filter (where event = 'reablement_start') as reablement_starts,
        sum(clients) filter (where event = 'at_home_91_days') as at_home_91
    from {{ ref('stg_local__social_care_events') }}
    where practice_code is not null
    group by practice_code, event_month
),

practice_months as (
    select
        denominators.practice_code,
        denominators.month as period_start,
        coalesce(events.residential, 0) as residential,
        coalesce(events.nursing, 0) as nursing,
        coalesce(events.reablement_starts, 0) as reablement_starts,
        coalesce(events.at_home_91, 0) as at_home_91,
        coalesce(event_coverage.coverage, 0) as coverage,
        denominators.patients_65_plus * coalesce(event_coverage.coverage, 0) as population_65_plus
    from denominators
    left join events on denominators.practice_code = events.practice_code and denominators.month = events.period_start
    left join event_coverage
        on
            denominators.practice_code = event_coverage.practice_code
            and denominators.release_quarter = event_coverage.quarter
    where exists (select 1 from reporting_councils)
),

event_measures as (
    select
        practice_code,
        period_start,
        measure_id,
        numerator::double as numerator,
        denominator,
        coverage
    from practice_months,
        lateral (
            values
            ('residential_admissions', residential, population_65_plus),
            ('nursing_admissions', nursing, population_65_plus),
            ('care_home_admissions', residential + nursing, population_65_plus),
            ('reablement_starts', reablement_starts, population_65_plus),
            ('reablement_at_home_91', at_home_91, reablement_starts::double)
        ) as measures (measure_id, numerator, denominator)
),

ascof as (
    select
        area_code as council_code,
        financial_year,
        measure_id,
        numerator,
        denominator
    from {{ ref('fct_ascof') }}
    where geographical_level = 'Council' and disaggregation = 'Total' and is_mapped
),

practice_residents as (
    select
        practice_code,
        quarter,
        sum(residents) as residents
    from {{ ref('int_practice_council__weights') }}
    group by all
),

ascof_weights as (
    select
        population.council_code,
        population.financial_year,
        weights.practice_code,
        weights.quarter,
        weights.share_of_council,
        weights.residents
    from {{ ref('int_council_year__population') }} as population
    inner join {{ ref('int_practice_council__weights') }} as weights
        on population.council_code = weights.council_code and population.population_release = weights.quarter
),

apportioned as (
    select
        ascof_weights.practice_code,
        financial_year_start(ascof.financial_year) as period_start,
        'ascof_' || ascof.measure_id as measure_id,
        sum(exact(ascof.numerator * ascof_weights.share_of_council))::double as numerator,
        sum(exact(ascof.denominator * ascof_weights.share_of_council))::double as denominator,
        -- of the practice's patients living in English councils, the share whose council published the measure
        coalesce(
            sum(ascof_weights.residents) filter (where ascof.numerator is not null and ascof.denominator is not null), 0
        )
        / any_value(practice_residents.residents) as coverage
    from ascof
    inner join ascof_weights
        on ascof.council_code = ascof_weights.council_code and ascof.financial_year = ascof_weights.financial_year
    inner join practice_residents
        on
            ascof_weights.practice_code = practice_residents.practice_code
            and ascof_weights.quarter = practice_residents.quarter
    group by ascof_weights.practice_code, ascof.financial_year, ascof.measure_id
),

combined as (
    select
        *,
        'month' as period_type,
        'counted at the practice' as method
    from activity
    union all
    select
        *,
        'month',
        'counted at the practice (council extracts)'
    from event_measures
    union all
    select
        *,
        'financial year',
        'apportioned from councils by where the practice''s patients live'
    from apportioned
)

select
    combined.practice_code,
    combined.measure_id,
    indicators.name as measure_name,
    combined.period_type,
    combined.period_start,
    period_label(combined.period_type, combined.period_start) as period_label,
    combined.numerator,
    combined.denominator,
    indicators.multiplier * combined.numerator / nullif(combined.denominator, 0) as rate,
    indicators.unit,
    combined.coverage,
    combined.method,
    indicators.source
from combined
inner join indicators on combined.measure_id = indicators.indicator_id
-- stored by measure: the dashboard reads one measure at a time, and DuckDB skips the row groups of the others
order by combined.measure_id, combined.period_type, combined.practice_code, combined.period_start
