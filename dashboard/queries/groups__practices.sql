-- The practices of a group, one row per practice: a shared group's ($group_code: mart_practice_group), or a
-- user's own group's members (comma-separated codes) resolved by the rules the filters use: a practice is
-- itself, a PCN its practices in the latest practice map, a council locality the practices most of whose
-- patients live in it (dim_practice_locality), as int_practice_group__resolved does for shared groups.
with shared as (
    select practice_code from mart_practice_group
    where group_code = $group_code
),

own as (
    select practice_code from dim_practice
    where
        list_contains(string_split(coalesce($member_practices, ''), ','), practice_code)
        or list_contains(string_split(coalesce($member_pcns, ''), ','), pcn_code)
    union
    select practice_code from dim_practice_locality
    where list_contains(string_split(coalesce($member_localities, ''), ','), upper(main_locality_code))
),

final as (
    select practice_code from shared
    union
    select practice_code from own
)

select practice_code from final
order by practice_code
