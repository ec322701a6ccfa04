-- Practice to PCN, sub-ICB, ICB and region, one row per practice per published extract.
with valid as (
    select * from {{ valid_rows('practice_map') }}
),

typed as (
    select
        file_id,
        parse_any_date(extract_date) as extract_date,
        upper(trim(practice_code)) as practice_code,
        nullif(trim(practice_name), '') as practice_name,
        nullif(upper(trim(practice_postcode)), '') as practice_postcode,
        upper(trim(pcn_code)) as pcn_code,
        nullif(trim(pcn_name), '') as pcn_name,
        nullif(trim(ons_sub_icb_code), '') as ons_sub_icb_code,
        upper(trim(sub_icb_code)) as sub_icb_code,
        nullif(trim(sub_icb_name), '') as sub_icb_name,
        nullif(trim(ons_icb_code), '') as ons_icb_code,
        upper(trim(icb_code)) as icb_code,
        nullif(trim(icb_name), '') as icb_name,
        nullif(trim(ons_region_code), '') as ons_region_code,
        nullif(trim(region_code), '') as region_code,
        nullif(trim(region_name), '') as region_name,
        nullif(trim(supplier_name), '') as supplier_name
    from valid
)

select * from typed
