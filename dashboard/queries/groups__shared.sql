-- The shared groups of practices (the groups file), one row per group: its name, its members in words
-- ('2 PCNs, 1 locality') and how many practices they hold today.
with members as (
    select
        group_code,
        any_value(group_name) as group_name,
        count(*) filter (where member_type = 'practice') as practice_members,
        count(*) filter (where member_type = 'pcn') as pcn_members,
        count(*) filter (where member_type = 'locality') as locality_members
    from mart_group_member
    group by group_code
),

practices as (
    select
        group_code,
        count(*) as practice_count
    from mart_practice_group
    group by group_code
),

final as (
    select
        members.group_code,
        members.group_name,
        members.practice_members,
        members.pcn_members,
        members.locality_members,
        coalesce(practices.practice_count, 0) as practice_count
    from members
    left join practices using (group_code)
)

select * from final
order by group_name, group_code
