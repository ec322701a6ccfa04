-- Why pages count different numbers of practices: each count with what it counts, in the order a
-- reader meets them (the directory, then each source's latest period). One row per count.
with latest_registrations as (
    select max(quarter) as quarter from fct_registrations
),

latest_return as (
    select
        max(quarter_start) as quarter_start,
        max_by(quarter_label, quarter_start) as quarter_label
    from fct_joint_working
),

latest_outcomes as (
    select max(period_start) as period_start from mart_outcomes_practice
    where period_type = 'month'
)

select
    1 as count_order,
    'In the practice directory' as counted,
    count(*) as practices,
    'Every practice in the practice map or the ODS directory, open or closed ('
    || count(*) filter (where status = 'closed') || ' closed).' as why
from dim_practice
union all
select
    2,
    'With registered patients, ' || strftime((select quarter from latest_registrations), '%B %Y') || ' release',
    count(distinct practice_code),
    'Catchment and the council figures: a practice that has closed, or has not yet registered anyone, '
    || 'is in no release.'
from fct_registrations
where quarter = (select quarter from latest_registrations)
union all
select
    3,
    'With registered patients in any release',
    count(*),
    'Outcomes over several years include practices that have since closed.'
from dim_practice
where last_registration_quarter is not null
union all
select
    4,
    'With outcome figures, ' || strftime((select period_start from latest_outcomes), '%B %Y'),
    count(distinct practice_code),
    'Outcomes: practices with a figure for that month (the activity extract and the councils'' figures '
    || 'shared out to practices).'
from mart_outcomes_practice
where period_type = 'month' and period_start = (select period_start from latest_outcomes)
union all
select
    5,
    'Returned the joint-working return, ' || (select quarter_label from latest_return),
    count(distinct practice_code),
    'Joint working and the Overview''s coverage: only practices that sent the quarter''s return.'
from fct_joint_working
where quarter_start = (select quarter_start from latest_return)
order by count_order
