-- The practices of each shared group: the union of its members' practices (a practice two members share
-- counts once). The dashboard's group filter selects these practices.
with resolved as (
    select
        group_code,
        practice_code,
        member_type || ':' || member_code as member
    from {{ ref('int_practice_group__resolved') }}
),

names as (
    select distinct
        group_code,
        group_name
    from {{ ref('stg_local__practice_groups') }}
),

final as (
    select
        resolved.group_code,
        names.group_name,
        resolved.practice_code,
        list(distinct resolved.member order by resolved.member) as via_members
    from resolved
    inner join names using (group_code)
    group by all
)

select * from final
