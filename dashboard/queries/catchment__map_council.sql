-- One row per LSOA of the selected locality (else of the selected council): its residents
-- registered with any practice in the quarter, how many of them are registered with practices
-- based in another council (the rule of mart_catchment_council, LSOA by LSOA) and that share, and
-- the practice registering most of its residents. LSOAs with no registered residents keep a row
-- with nulls, so the map can grey them rather than leave holes.
with area as (
    select
        lsoa_code,
        lsoa_name,
        council_code
    from dim_lsoa
    where
        country = 'England'
        and (locality_code = $locality or ($locality is null and council_code = $council))
),

practices as (
    select
        practice_code,
        practice_name,
        home_council_code
    from dim_practice
),

residents as (
    select
        registrations.lsoa_code,
        registrations.practice_code,
        registrations.patients,
        practices.practice_name,
        (practices.home_council_code is distinct from area.council_code) as is_elsewhere
    from fct_registrations as registrations
    inner join area using (lsoa_code)
    left join practices using (practice_code)
    where registrations.quarter = $quarter
),

by_lsoa as (
    select
        lsoa_code,
        sum(patients) as residents,
        coalesce(sum(patients) filter (where is_elsewhere), 0) as residents_elsewhere,
        count(*) as practices
    from residents
    group by lsoa_code
),

main_practice as (
    select
        lsoa_code,
        practice_code,
        practice_name,
        patients
    from residents
    qualify row_number() over (partition by lsoa_code order by patients desc, practice_code) = 1
),

final as (
    select
        area.lsoa_code,
        area.lsoa_name,
        by_lsoa.residents::integer as residents,
        by_lsoa.residents_elsewhere::integer as residents_elsewhere,
        by_lsoa.residents_elsewhere / by_lsoa.residents as share_elsewhere,
        by_lsoa.practices::integer as practices,
        main_practice.practice_code as main_practice_code,
        coalesce(main_practice.practice_name, main_practice.practice_code) as main_practice_name,
        main_practice.patients / by_lsoa.residents as main_practice_share
    from area
    left join by_lsoa using (lsoa_code)
    left join main_practice using (lsoa_code)
)

select * from final
order by share_elsewhere desc nulls last, lsoa_code
