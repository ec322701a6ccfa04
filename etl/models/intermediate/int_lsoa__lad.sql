-- One row per 2021 LSOA known to any source: its district and the rule that decided it.
-- Order of trust: an ONS LSOA21 -> LAD lookup (newest vintage), then the LAD on the 2011 -> 2021
-- lookup, then the ONS naming rule (an LSOA's name is its district's name plus " 012A").
with lookup as (
    select
        lsoa21_code,
        lsoa21_name,
        lad_code,
        row_number() over (partition by lsoa21_code order by vintage desc nulls last, file_id desc) as recency
    from {{ ref('stg_ons__lsoa_lad') }}
),

bridge as (
    select
        lsoa21_code,
        max(lsoa21_name) as lsoa21_name,
        max(lad_code) as lad_code
    from {{ ref('stg_ons__lsoa11_lsoa21') }}
    group by lsoa21_code
),

names_seen as (
    select
        lsoa21_code,
        lsoa21_name
    from {{ ref('stg_ons__lsoa_lad') }}
    union all
    select
        lsoa21_code,
        lsoa21_name
    from {{ ref('stg_ons__lsoa11_lsoa21') }}
    union all
    select
        lsoa21_code,
        lsoa21_name
    from {{ ref('stg_ons__lsoa_boundaries') }}
    union all
    select
        lsoa21_code,
        null as lsoa21_name
    from {{ ref('stg_local__council_localities') }}
),

lsoas as (
    select
        lsoa21_code,
        max(lsoa21_name) as lsoa21_name
    from names_seen
    group by lsoa21_code
),

lad_names as (
    -- only names that identify one district, so the naming rule never picks between two
    select
        lad_name,
        min(lad_code) as lad_code
    from {{ ref('int_lad__upper_tier') }}
    where lad_name is not null
    group by lad_name
    having count(*) = 1
),

by_name as (
    select
        lsoas.lsoa21_code,
        lad_names.lad_code
    from lsoas
    inner join lad_names
        on regexp_replace(lsoas.lsoa21_name, ' [0-9]{3}[A-Z]$', '') = lad_names.lad_name
),

resolved as (
    select
        lsoas.lsoa21_code,
        coalesce(lookup.lsoa21_name, lsoas.lsoa21_name) as lsoa21_name,
        coalesce(lookup.lad_code, bridge.lad_code, by_name.lad_code) as lad_code,
        case
            when lookup.lad_code is not null then 'LSOA to district lookup'
            when bridge.lad_code is not null then 'LSOA 2011 to 2021 lookup'
            when by_name.lad_code is not null then 'district name in the LSOA name'
        end as lad_rule
    from lsoas
    left join lookup on lsoas.lsoa21_code = lookup.lsoa21_code and lookup.recency = 1
    left join bridge on lsoas.lsoa21_code = bridge.lsoa21_code
    left join by_name on lsoas.lsoa21_code = by_name.lsoa21_code
)

select * from resolved
