-- Each council's own neighbourhood-team localities, as LSOA lists (local file).
with valid as (
    select * from {{ valid_rows('council_localities') }}
),

typed as (
    select
        file_id,
        upper(trim(lsoa21_code)) as lsoa21_code,
        trim(locality_code) as locality_code,
        trim(locality_name) as locality_name,
        nullif(upper(trim(council_code)), '') as council_code,
        nullif(trim(council_name), '') as council_name
    from valid
)

select * from typed
