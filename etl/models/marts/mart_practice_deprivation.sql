-- One row per practice with registered patients: the deprivation of its patients, the method of the
-- Fingertips GP profiles' "Deprivation score (IMD 2019)" (indicator 93553): the mean of the IMD scores of
-- the LSOAs its patients live in, weighted by how many of its patients live in each (the practice's
-- latest registrations release). Patients outside England, or in an LSOA with no score (CLOSED, EMPTY),
-- are left out of the mean; share_scored says how many were kept.
-- The decile ranks the practices of the latest release: 1 is the most deprived tenth, by rank r of n
-- (1 the highest score; tied scores share the lower rank), decile = floor(10 (r - 1) / n) + 1, so that
-- with n a multiple of ten each decile holds n / 10 practices (dplyr's ntile, as fingertipsR's
-- deprivation_decile uses it, reversed so 1 is the most deprived). A practice absent from the latest
-- release (closed) keeps its score but has no decile.
with practices as (
    select
        practice_code,
        last_registration_quarter as quarter
    from {{ ref('dim_practice') }}
    where last_registration_quarter is not null
),

registrations as (
    select
        practice_code,
        quarter,
        lsoa_code,
        patients
    from {{ ref('fct_registrations') }}
),

lsoas as (
    select * from {{ ref('int_lsoa__deprivation') }}
),

latest as (
    select max(quarter) as quarter from registrations
),

scored as (
    select
        practices.practice_code,
        practices.quarter,
        sum(registrations.patients) as patients_total,
        coalesce(sum(registrations.patients) filter (where lsoas.imd_score is not null), 0) as patients_scored,
        (
            sum(exact(registrations.patients * lsoas.imd_score)) filter (where lsoas.imd_score is not null)
            / sum(registrations.patients) filter (where lsoas.imd_score is not null)
        )::double as imd_score,
        any_value(lsoas.release) as release
    from practices
    inner join registrations using (practice_code, quarter)
    left join lsoas on registrations.lsoa_code = lsoas.lsoa_code
    group by practices.practice_code, practices.quarter
),

ranked as (
    select
        practice_code,
        rank() over (order by imd_score desc) as deprivation_rank,
        count(*) over () as practices_ranked
    from scored
    where imd_score is not null and quarter = (select quarter from latest)
),

final as (
    select
        scored.practice_code,
        scored.quarter,
        scored.patients_total,
        scored.patients_scored,
        scored.patients_scored / nullif(scored.patients_total, 0) as share_scored,
        scored.imd_score,
        scored.release,
        ranked.deprivation_rank,
        ranked.practices_ranked,
        (floor(10 * (ranked.deprivation_rank - 1) / ranked.practices_ranked) + 1)::integer as deprivation_decile
    from scored
    left join ranked using (practice_code)
)

select * from final
