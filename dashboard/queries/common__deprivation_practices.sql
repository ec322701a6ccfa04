-- The deprivation of the selection's practices (mart_practice_deprivation), one row: how many there
-- are and how many are ranked, the patient-weighted IMD score of all their patients together (each
-- practice's score weighted by its patients in scored LSOAs: the mean over all their patients), and,
-- for a selection of one practice, its own rank and decile.
with chosen as (
    select practice_code
    from selected_practices(
        $council, $locality, $sub_icb, $pcn, $practice, deprivation := $deprivation, group_practices := $group_practices
    )
),

scored as (
    select deprivation.*
    from mart_practice_deprivation as deprivation
    inner join chosen using (practice_code)
    where deprivation.imd_score is not null
),

final as (
    select
        (select count(*) from chosen) as practices,
        count(*) as practices_scored,
        count(deprivation_decile) as practices_in_deciles,
        count(*) filter (where deprivation_decile <= 2) as practices_most_deprived_fifth,
        sum(patients_scored) as patients_scored,
        sum(patients_scored * imd_score) / nullif(sum(patients_scored), 0) as imd_score,
        case when count(*) = 1 then any_value(deprivation_decile) end as deprivation_decile,
        case when count(*) = 1 then any_value(deprivation_rank) end as deprivation_rank,
        max(practices_ranked) as practices_ranked,
        any_value(release) as release
    from scored
)

select * from final
