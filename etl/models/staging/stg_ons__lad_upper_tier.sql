-- Lower tier to upper tier local authority, from ONS LTLAyy_UTLAyy lookups.
with valid as (
    select * from {{ valid_rows('lad_upper_tier') }}
),

typed as (
    select
        file_id,
        _vintage as vintage,
        upper(trim(lad_code)) as lad_code,
        nullif(trim(lad_name), '') as lad_name,
        upper(trim(upper_tier_code)) as upper_tier_code,
        nullif(trim(upper_tier_name), '') as upper_tier_name
    from valid
)

select * from typed
