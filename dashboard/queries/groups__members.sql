-- A user's own group's members (comma-separated codes of each kind) with what each holds today: its name,
-- its practices (by the rules of groups__practices) and their registered patients in each practice's latest
-- registrations release. One row per member; a member's practices may overlap another's.
with latest_lists as (
    select
        practice_code,
        patients_total
    from mart_catchment_practice
    qualify quarter = max(quarter) over (partition by practice_code)
),

practice_members as (
    select
        'practice' as member_type,
        practice_code as member_code,
        practice_name as member_name,
        practice_code
    from dim_practice
    where list_contains(string_split(coalesce($member_practices, ''), ','), practice_code)
),

pcn_members as (
    select
        'pcn' as member_type,
        pcns.pcn_code as member_code,
        pcns.pcn_name as member_name,
        practices.practice_code
    from dim_pcn as pcns
    left join dim_practice as practices using (pcn_code)
    where list_contains(string_split(coalesce($member_pcns, ''), ','), pcns.pcn_code)
),

locality_members as (
    select
        'locality' as member_type,
        upper(localities.locality_code) as member_code,
        localities.locality_name || ' (' || localities.council_name || ')' as member_name,
        practices.practice_code
    from dim_locality as localities
    left join dim_practice_locality as practices
        on upper(localities.locality_code) = upper(practices.main_locality_code)
    where list_contains(string_split(coalesce($member_localities, ''), ','), upper(localities.locality_code))
),

members as (
    select * from practice_members
    union all
    select * from pcn_members
    union all
    select * from locality_members
),

final as (
    select
        members.member_type,
        members.member_code,
        any_value(members.member_name) as member_name,
        count(members.practice_code) as practices,
        sum(latest_lists.patients_total) as registered_patients
    from members
    left join latest_lists using (practice_code)
    group by members.member_type, members.member_code
)

select * from final
