-- Each shared group member resolved to the practices it stands for, by the rules the dashboard's filters
-- use: a practice is itself, a PCN its practices in the latest practice map (dim_practice.pcn_code), a
-- council locality the practices most of whose patients live in it (dim_practice_locality).
with members as (
    select * from {{ ref('stg_local__practice_groups') }}
),

practices as (
    select
        practice_code,
        pcn_code
    from {{ ref('dim_practice') }}
),

localities as (
    select
        practice_code,
        upper(main_locality_code) as locality_code
    from {{ ref('dim_practice_locality') }}
),

resolved as (
    select
        members.group_code,
        members.member_type,
        members.member_code,
        practices.practice_code
    from members
    inner join practices
        on
            (members.member_type = 'practice' and practices.practice_code = members.member_code)
            or (members.member_type = 'pcn' and practices.pcn_code = members.member_code)
    union all
    select
        members.group_code,
        members.member_type,
        members.member_code,
        localities.practice_code
    from members
    inner join localities
        on members.member_type = 'locality' and localities.locality_code = members.member_code
)

select * from resolved
