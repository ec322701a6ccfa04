-- The social care (upper-tier) council of every LSOA with a boundary: maps dissolve a council's LSOA
-- boundaries into its outline, for the councils whose LSOAs they draw (dashboard/geometry.py).
with boundaries as (
    select lsoa_code from geo_lsoa
),

lsoas as (
    select
        lsoa_code,
        council_code,
        council_name
    from dim_lsoa
    where council_code is not null
),

final as (
    select
        lsoas.lsoa_code,
        lsoas.council_code,
        lsoas.council_name
    from lsoas
    inner join boundaries using (lsoa_code)
)

select * from final
order by council_code, lsoa_code
