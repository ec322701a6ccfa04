-- What changed for the selection, newest build first (mart_changes; the rules are in etl/changes.py).
-- An entry is shown when it is about one of the selection's practices, or about an area they belong to
-- (their PCN, their sub-ICB) or a council the selection covers; a practice no longer listed is matched by
-- the codes it had. With every practice selected (nothing chosen), every entry. $since: entries of builds
-- on or after that day (null: all).
with chosen as (
    select practice_code
    from selected_practices(
        $council, $locality, $sub_icb, $pcn, $practice, deprivation := $deprivation, group_practices := $group_practices
    )
),

everything as (
    select (select count(*) from chosen) = (select count(*) from dim_practice) as is_everything
),

chosen_areas as (
    select
        'practice' as area_type,
        practice_code as area_code
    from chosen

    union

    select
        'pcn' as area_type,
        practices.pcn_code as area_code
    from dim_practice as practices
    semi join chosen using (practice_code)

    union

    select
        'sub_icb' as area_type,
        practices.sub_icb_code as area_code
    from dim_practice as practices
    semi join chosen using (practice_code)

    union

    select
        'council' as area_type,
        council_code as area_code
    from selected_councils($council, $locality, $sub_icb, $pcn, $practice, group_practices := $group_practices)
),

entries as (
    select changes.*
    from mart_changes as changes
    where
        changes.kind <> 'release'
        and ($since is null or changes.built_at >= cast($since as date))
),

shown as (
    select entries.*
    from entries
    where
        (select is_everything from everything)
        or exists (
            select 1 from chosen_areas
            where chosen_areas.area_type = entries.area_type and chosen_areas.area_code = entries.area_code
        )
        or (entries.area_type = 'practice' and (
            entries.pcn_code = $pcn or entries.sub_icb_code = $sub_icb or entries.council_code = $council
        ))
)

select
    built_at,
    entry_id,
    kind,
    direction,
    area_type,
    area_code,
    area_name,
    practice_code,
    measure_id,
    measure_name,
    old_period,
    period,
    period_label,
    old_state,
    new_state,
    old_label,
    new_label,
    old_value,
    new_value,
    planned_gbp,
    actual_gbp
from shown
order by built_at desc, kind, area_type, area_name, measure_name, entry_id
