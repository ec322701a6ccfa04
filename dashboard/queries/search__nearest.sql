-- The practices nearest a postcode ($postcode_key, upper case without spaces) or, when it is null, the
-- middle of an outward code ($outward_code: the mean place of its live postcodes), nearest first, with the
-- distance along the Earth's surface (haversine_km, _macros.sql). No rows when the postcode directory does
-- not place the postcode or outward code (or this build has none).
with origin as (
    select
        avg(latitude) as latitude,
        avg(longitude) as longitude
    from dim_postcode
    where
        postcode_key = $postcode_key
        or ($postcode_key is null and outward_code = $outward_code and not is_terminated)
    having count(*) > 0
),

final as (
    select
        entries.kind,
        entries.code,
        entries.name,
        entries.detail,
        entries.link_key,
        entries.link_code,
        haversine_km(origin.latitude, origin.longitude, entries.latitude, entries.longitude) as distance_km
    from mart_search_index as entries
    cross join origin
    where entries.kind = 'practice' and entries.latitude is not null
    order by distance_km, entries.name, entries.code
    limit $max_rows
)

select * from final
