-- The 2011 -> 2021 LSOA bridge, with the weight each 2021 part takes of its 2011 LSOA's patients.
-- ONS gives no population split, so a split LSOA (CHGIND S, or X) shares its patients equally
-- between its parts; fct_registrations rounds that to whole patients.
with pairs as (
    select
        lsoa11_code,
        lsoa21_code,
        max(change_indicator) as change_indicator
    from {{ ref('stg_ons__lsoa11_lsoa21') }}
    group by lsoa11_code, lsoa21_code
),

weighted as (
    select
        lsoa11_code,
        lsoa21_code,
        change_indicator,
        count(*) over (partition by lsoa11_code) as parts,
        1.0 / count(*) over (partition by lsoa11_code) as weight
    from pairs
)

select * from weighted
