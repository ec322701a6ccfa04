-- The joint-working index per practice and quarter: four domain scores (the mean of each domain's
-- scored indicators) and the 0-100 index (their weighted sum, weights in etl/method.yml), empty
-- when any domain has no scored indicator.
with scores as (
    select * from {{ ref('fct_joint_working') }}
    where score is not null
),

domains as (
    select
        practice_code,
        quarter_start,
        any_value(quarter_label) as quarter_label,
        avg(score) filter (where domain = 'time and space') as time_and_space,
        avg(score) filter (where domain = 'trust and awareness of roles') as trust_and_roles,
        avg(score) filter (where domain = 'shared priorities and outcomes') as shared_priorities,
        avg(score) filter (where domain = 'practical support') as practical_support,
        count(*) as indicators_scored,
        bool_or(indicator_id = 'JW01' and value = 1) as has_attached_social_worker
    from scores
    group by practice_code, quarter_start
)

select
    practice_code,
    quarter_start,
    quarter_label,
    round(time_and_space, 2) as time_and_space,
    round(trust_and_roles, 2) as trust_and_roles,
    round(shared_priorities, 2) as shared_priorities,
    round(practical_support, 2) as practical_support,
    round(
        getvariable('joint_working_domain_weight')
        * (time_and_space + trust_and_roles + shared_priorities + practical_support), 2
    ) as joint_working_index,
    (time_and_space is not null)::integer + (trust_and_roles is not null)::integer
    + (shared_priorities is not null)::integer + (practical_support is not null)::integer as domains_scored,
    indicators_scored,
    coalesce(has_attached_social_worker, false) as has_attached_social_worker
from domains
