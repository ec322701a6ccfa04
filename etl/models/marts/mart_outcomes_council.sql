-- Outcome measures per council and period: numerator, denominator and rate.
--   published: ASCOF (yearly), as the council reported it.
--   counted: social care events from the council's own extract (monthly, every client whether or not
--     their practice is known), per 100,000 registered residents aged 65+.
--   apportioned: practice hospital activity (monthly) shared out to councils through where each
--     practice's patients live: council c gets sum over p of share(p, c) x count(p), where share(p, c)
--     is the share of practice p's list living in c; the denominator is the same sum of list sizes.
with indicators as (
    select
        indicator_id,
        name,
        unit,
        multiplier,
        source
    from {{ ref('ref_indicators') }}
    where kind = 'outcome'
),

council_population as (
    select * from {{ ref('int_council_quarter__population') }}
),

ascof as (
    select
        area_code as council_code,
        year_start as period_start,
        'ascof_' || measure_id as measure_id,
        numerator,
        denominator,
        value as published_value
    from {{ ref('fct_ascof') }}
    where geographical_level = 'Council' and disaggregation = 'Total' and is_mapped
),

event_months as (
    select
        council_code,
        event_month as period_start,
        coalesce(sum(clients) filter (where event = 'residential_admission'), 0) as residential,
        coalesce(sum(clients) filter (where event = 'nursing_admission'), 0) as nursing,
        coalesce(sum(clients) filter (where event = 'reablement_start'), 0) as reablement_starts,
        coalesce(sum(clients) filter (where event = 'at_home_91_days'), 0) as at_home_91
    from {{ ref('stg_local__social_care_events') }}
    group by council_code, event_month
),

earliest_population as (
    select
        council_code,
        arg_min(residents_65_plus, quarter) as residents_65_plus
    from council_population
    group by council_code
),

event_population as (
    -- the latest release at or before the month; the earliest for months before it
    select
        event_months.*,
        coalesce(population.residents_65_plus, earliest.residents_65_plus) as residents_65_plus
    from event_months
    asof left join council_population as population
        on event_months.council_code = population.council_code and event_months.period_start >= population.quarter
    left join earliest_population as earliest on event_months.council_code = earliest.council_code
),

event_measures as (
    select
        council_code,
        period_start,
        measure_id,
        numerator::double as numerator,
        denominator::double as denominator,
        null::double as published_value
    from event_population,
        lateral (
            values
            ('residential_admissions', residential, residents_65_plus),
            ('nursing_admissions', nursing, residents_65_plus),
            ('care_home_admissions', residential + nursing, residents_65_plus),
            ('reablement_starts', reablement_starts, residents_65_plus),
            ('reablement_at_home_91', at_home_91, reablement_starts)
        ) as measures (measure_id, numerator, denominator)
),

activity as (
    select
        activity.practice_code,
        activity.activity_month,
        activity.measure_id,
        activity.activity_count,
        activity.denominator,
        activity.denominator_release
    from {{ ref('fct_practice_activity') }} as activity
),

apportioned as (
    select
        weights.council_code,
        activity.activity_month as period_start,
        activity.measure_id,
        sum(exact(activity.activity_count * weights.share_of_practice))::double as numerator,
        sum(exact(activity.denominator * weights.share_of_practice))::double as denominator,
        null::double as published_value
    from activity
    inner join {{ ref('int_practice_council__weights') }} as weights
        on activity.practice_code = weights.practice_code and activity.denominator_release = weights.quarter
    group by all
),

combined as (
    select
        *,
        'financial year' as period_type,
        'published by the council (ASCOF)' as method
    from ascof
    union all
    select
        *,
        'month',
        'counted by the council (its extract)'
    from event_measures
    union all
    select
        *,
        'month',
        'apportioned from practices by where their patients live'
    from apportioned
)

select
    combined.council_code,
    councils.council_name,
    combined.measure_id,
    indicators.name as measure_name,
    combined.period_type,
    combined.period_start,
    period_label(combined.period_type, combined.period_start) as period_label,
    combined.numerator,
    combined.denominator,
    coalesce(combined.published_value, indicators.multiplier * combined.numerator / nullif(combined.denominator, 0))
        as rate,
    indicators.unit,
    combined.method,
    indicators.source
from combined
inner join indicators on combined.measure_id = indicators.indicator_id
left join {{ ref('dim_council') }} as councils on combined.council_code = councils.council_code
