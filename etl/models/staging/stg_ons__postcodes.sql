-- Postcode to local authority district (and county, LSOA), from ONSPD or NSPL or an extract.
with valid as (
    select * from {{ valid_rows('postcode_directory') }}
),

typed as (
    select
        file_id,
        postcode_key(postcode) as postcode_key,
        upper(trim(postcode)) as postcode,
        nullif(trim(date_terminated), '') is not null as is_terminated,
        nullif(upper(trim(lad_code)), '') as lad_code,
        nullif(upper(trim(county_code)), '') as county_code,
        nullif(upper(trim(lsoa21_code)), '') as lsoa21_code,
        -- ONSPD's "no grid reference" (lat 99.999999, long 0) and anything else off Great Britain is no place
        case when parse_number(latitude) between 49.5 and 61 then parse_number(latitude) end as latitude,
        case when parse_number(latitude) between 49.5 and 61 then parse_number(longitude) end as longitude
    from valid
)

select * from typed
