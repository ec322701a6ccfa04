-- Two-tier district to county, from ONS LADyy_CTYyy lookups (districts only).
with valid as (
    select * from {{ valid_rows('lad_county') }}
),

typed as (
    select
        file_id,
        _vintage as vintage,
        upper(trim(lad_code)) as lad_code,
        nullif(trim(lad_name), '') as lad_name,
        upper(trim(county_code)) as county_code,
        nullif(trim(county_name), '') as county_name
    from valid
)

select * from typed
