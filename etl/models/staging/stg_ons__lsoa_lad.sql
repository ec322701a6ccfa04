-- 2021 LSOA to local authority district, from ONS lookups; vintage from the LADyyCD column.
with valid as (
    select * from {{ valid_rows('lsoa_lad') }}
),

typed as (
    select
        file_id,
        _vintage as vintage,
        upper(trim(lsoa21_code)) as lsoa21_code,
        nullif(trim(lsoa21_name), '') as lsoa21_name,
        upper(trim(lad_code)) as lad_code,
        nullif(trim(lad_name), '') as lad_name
    from valid
)

select * from typed
