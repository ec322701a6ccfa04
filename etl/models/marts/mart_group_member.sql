-- Each shared group's members as the groups file lists them, with how many practices each stands for
-- (0 when a PCN or locality has none today: kept, so the group's definition is shown whole).
with members as (
    select * from {{ ref('stg_local__practice_groups') }}
),

resolved as (
    select
        group_code,
        member_type,
        member_code,
        count(*) as practice_count
    from {{ ref('int_practice_group__resolved') }}
    group by all
),

final as (
    select
        members.group_code,
        members.group_name,
        members.member_type,
        members.member_code,
        coalesce(resolved.practice_count, 0) as practice_count,
        members.line as file_line
    from members
    left join resolved using (group_code, member_type, member_code)
)

select * from final
