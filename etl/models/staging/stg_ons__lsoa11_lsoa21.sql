-- 2011 to 2021 LSOA lookup (exact fit with CHGIND, or best fit without it).
with valid as (
    select * from {{ valid_rows('lsoa11_lsoa21') }}
),

typed as (
    select
        file_id,
        upper(trim(lsoa11_code)) as lsoa11_code,
        nullif(trim(lsoa11_name), '') as lsoa11_name,
        upper(trim(lsoa21_code)) as lsoa21_code,
        nullif(trim(lsoa21_name), '') as lsoa21_name,
        nullif(upper(trim(change_indicator)), '') as change_indicator,
        nullif(upper(trim(lad_code)), '') as lad_code,
        nullif(trim(lad_name), '') as lad_name
    from valid
)

select * from typed
