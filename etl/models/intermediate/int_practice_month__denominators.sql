-- The denominators of every practice and month in the activity and events data, zero months
-- included: the registered list (and those aged 65+) of the latest release at or before the month,
-- or of the earliest release for months before it. A practice counts from its open date until
-- two months after the last release that lists it (it closed before the next one).
with months as (
    select distinct activity_month as month from {{ ref('stg_sus__practice_activity') }}
    union
    select distinct event_month from {{ ref('stg_local__social_care_events') }}
),

releases as (
    select * from {{ ref('int_practice_quarter__population') }}
),

spans as (
    select
        releases.practice_code,
        min(releases.quarter) as first_release,
        max(releases.quarter) as last_release,
        any_value(practices.open_date) as open_date
    from releases
    left join {{ ref('dim_practice') }} as practices using (practice_code)
    group by releases.practice_code
),

latest_release as (
    select max(quarter) as quarter from releases
),

spine as (
    select
        spans.practice_code,
        months.month
    from spans
    cross join months
    cross join latest_release
    where
        (spans.open_date is null or months.month >= date_trunc('month', spans.open_date))
        and (spans.last_release = latest_release.quarter or months.month <= spans.last_release + interval 2 month)
    union
    select distinct
        practice_code,
        activity_month
    from {{ ref('stg_sus__practice_activity') }}
    union
    select distinct
        practice_code,
        event_month
    from {{ ref('stg_local__social_care_events') }}
    where practice_code is not null
),

latest_before as (
    select
        spine.practice_code,
        spine.month,
        releases.quarter,
        releases.patients,
        releases.patients_65_plus
    from spine
    asof left join releases
        on spine.practice_code = releases.practice_code and spine.month >= releases.quarter
)

select
    latest_before.practice_code,
    latest_before.month,
    coalesce(latest_before.quarter, spans.first_release) as release_quarter,
    coalesce(latest_before.patients, first_release.patients) as patients,
    coalesce(latest_before.patients_65_plus, first_release.patients_65_plus) as patients_65_plus,
    case
        when latest_before.quarter is not null then 'latest release at or before the month'
        when spans.first_release is not null then 'earliest release (the month is before the first release loaded)'
        else 'no registrations loaded for the practice'
    end as denominator_rule
from latest_before
left join spans on latest_before.practice_code = spans.practice_code and latest_before.quarter is null
left join releases as first_release
    on first_release.practice_code = spans.practice_code and first_release.quarter = spans.first_release
