-- The practices in the selection in the registrations release the period uses (release_for_period):
-- organisation, home council, registered patients, the share
-- living under another council and whether each is a boundary practice. One row per practice.
with practices as (
    select distinct practice_code from selected_practices(
        $council, $locality, $sub_icb, $pcn, $practice, deprivation := $deprivation, group_practices := $group_practices
    )
),

releases as (
    select distinct quarter from mart_catchment_practice
),

chosen as (
    select release_for_period(quarter, $period) as quarter
    from releases
),

catchment as (
    select catchment.*
    from mart_catchment_practice as catchment
    inner join chosen using (quarter)
),

final as (
    select
        dim.practice_code,
        dim.practice_name,
        dim.status,
        dim.pcn_code,
        dim.pcn_name,
        dim.sub_icb_code,
        dim.sub_icb_name,
        dim.icb_name,
        dim.home_council_code,
        dim.home_council_name,
        strftime((select quarter from chosen), '%B %Y') as release,
        (select quarter from chosen) > period_last_day($period) as release_after_period,
        catchment.patients_total as patients,
        catchment.patients_home_council,
        catchment.patients_other_council + catchment.patients_outside_england as patients_elsewhere,
        catchment.share_other_council,
        catchment.councils_served,
        case when catchment.is_boundary_practice then 'Yes' when catchment.practice_code is not null then 'No' end
            as boundary_practice
    from dim_practice as dim
    inner join practices using (practice_code)
    left join catchment using (practice_code)
)

select * from final
order by practice_name, practice_code
