-- One row per local authority district: its upper tier, which is the social care council and the
-- health and wellbeing board area. The newest lower-to-upper-tier lookup wins; a district missing
-- from it falls back to the district-to-county lookup (E10 counties only: its metropolitan counties,
-- E11, and Inner/Outer London, E13, are not social care councils); unitary-type codes (E06, E08,
-- E09, W06) are their own upper tier even when no lookup lists them.
with upper_tier_lookup as (
    select
        lad_code,
        lad_name,
        upper_tier_code,
        upper_tier_name,
        row_number() over (partition by lad_code order by vintage desc nulls last, file_id desc) as recency
    from {{ ref('stg_ons__lad_upper_tier') }}
),

county_lookup as (
    select
        lad_code,
        lad_name,
        county_code as upper_tier_code,
        county_name as upper_tier_name,
        row_number() over (partition by lad_code order by vintage desc nulls last, file_id desc) as recency
    from {{ ref('stg_ons__lad_county') }}
    where county_code like 'E10%'
),

lads_seen as (
    select
        lad_code,
        lad_name
    from {{ ref('stg_ons__lsoa_lad') }}
    union all
    select
        lad_code,
        lad_name
    from {{ ref('stg_ons__lsoa11_lsoa21') }}
    where lad_code is not null
    union all
    select
        lad_code,
        null as lad_name
    from {{ ref('stg_ons__postcodes') }}
    where lad_code is not null
    union all
    select
        lad_code,
        lad_name
    from {{ ref('stg_ons__lad_upper_tier') }}
    union all
    select
        lad_code,
        lad_name
    from {{ ref('stg_ons__lad_county') }}
),

lads as (
    select
        lad_code,
        max(lad_name) as lad_name
    from lads_seen
    -- ONSPD writes E99999999-style placeholders where a postcode has no district
    where regexp_full_match(lad_code, '[EWSN][0-9]{8}') and lad_code not like '_99999999'
    group by lad_code
),

resolved as (
    select
        lads.lad_code,
        coalesce(upper_tier.lad_name, county.lad_name, lads.lad_name) as lad_name,
        coalesce(
            upper_tier.upper_tier_code,
            county.upper_tier_code,
            case when left(lads.lad_code, 3) in ('E06', 'E08', 'E09', 'W06') then lads.lad_code end
        ) as upper_tier_code,
        coalesce(
            upper_tier.upper_tier_name,
            county.upper_tier_name,
            case when left(lads.lad_code, 3) in ('E06', 'E08', 'E09', 'W06') then lads.lad_name end
        ) as upper_tier_name,
        case
            when upper_tier.lad_code is not null then 'lower to upper tier lookup'
            when county.lad_code is not null then 'district to county lookup'
            when left(lads.lad_code, 3) in ('E06', 'E08', 'E09', 'W06') then 'unitary: its own upper tier'
        end as upper_tier_rule
    from lads
    left join upper_tier_lookup as upper_tier
        on lads.lad_code = upper_tier.lad_code and upper_tier.recency = 1
    left join county_lookup as county
        on lads.lad_code = county.lad_code and county.recency = 1
)

select * from resolved
