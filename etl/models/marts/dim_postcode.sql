-- One row per postcode with a grid reference: where it is, for the dashboard's nearest practices to a
-- postcode or an outward code. Ordered by postcode, so a look-up of one postcode or one outward code
-- reads a few of DuckDB's row groups, not the whole of the directory (1.8 million live postcodes in the UK).
with postcodes as (
    select * from {{ ref('stg_ons__postcodes') }}
),

located as (
    select
        postcode_key,
        postcode,
        -- the inward code is always its last three characters (a digit and two letters)
        left(postcode_key, length(postcode_key) - 3) as outward_code,
        is_terminated,
        latitude,
        longitude
    from postcodes
    where latitude is not null and length(postcode_key) between 5 and 7
    -- one row per postcode even from two directories: the live one, else the newest file (as dim_practice)
    qualify row_number() over (partition by postcode_key order by is_terminated, file_id desc) = 1
),

final as (
    select *
    from located
    order by outward_code, postcode_key
)

select * from final
