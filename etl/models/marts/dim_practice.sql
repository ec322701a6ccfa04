-- One row per GP practice: identity, status, network and commissioner, and its home council.
-- Practices are those in any practice map, epraccur's GP practices (prescribing setting 4), or
-- the registration and age files. The home council is the upper-tier council of the practice's
-- postcode (ONS postcode directory) where one is present, else the council where most of its
-- patients live in its latest quarter; home_council_rule says which.
with map_rows as (
    select
        *,
        row_number() over (partition by practice_code order by extract_date desc, file_id desc) as recency
    from {{ ref('stg_nhs__practice_map') }}
),

latest_map as (
    select * from map_rows
    where recency = 1
),

ods as (
    select * from {{ ref('stg_ods__epraccur') }}
),

registered as (
    select
        practice_code,
        max(quarter) as last_quarter,
        min(quarter) as first_quarter
    from {{ ref('fct_registrations') }}
    group by practice_code
),

registration_names as (
    select
        practice_code,
        max(practice_name) as practice_name
    from {{ ref('stg_nhs__registrations') }}
    group by practice_code
),

practices as (
    select practice_code from latest_map
    union
    select practice_code from ods
    where prescribing_setting = 4
    union
    select practice_code from registered
    union
    select distinct practice_code from {{ ref('fct_practice_population') }}
),

postcodes as (
    select
        postcode_key,
        lad_code,
        row_number() over (partition by postcode_key order by is_terminated, file_id desc) as preference
    from {{ ref('stg_ons__postcodes') }}
),

identity as (
    select
        practices.practice_code,
        coalesce(latest_map.practice_name, ods.practice_name, registration_names.practice_name) as practice_name,
        coalesce(ods.postcode, latest_map.practice_postcode) as postcode
    from practices
    left join latest_map using (practice_code)
    left join ods using (practice_code)
    left join registration_names using (practice_code)
),

by_postcode as (
    select
        identity.practice_code,
        postcodes.lad_code,
        lads.upper_tier_code
    from identity
    inner join postcodes on postcode_key(identity.postcode) = postcodes.postcode_key and postcodes.preference = 1
    inner join {{ ref('int_lad__upper_tier') }} as lads on postcodes.lad_code = lads.lad_code
    where lads.upper_tier_code is not null
),

latest_residence as (
    select
        registrations.practice_code,
        lsoas.council_code,
        sum(registrations.patients) as patients
    from {{ ref('fct_registrations') }} as registrations
    inner join registered
        on
            registrations.practice_code = registered.practice_code
            and registrations.quarter = registered.last_quarter
    inner join {{ ref('dim_lsoa') }} as lsoas on registrations.lsoa_code = lsoas.lsoa_code
    where lsoas.country = 'England' and lsoas.council_code is not null
    group by registrations.practice_code, lsoas.council_code
),

by_largest_share as (
    select
        practice_code,
        council_code
    from latest_residence
    qualify row_number() over (partition by practice_code order by patients desc, council_code) = 1
),

final as (
    select
        identity.practice_code,
        identity.practice_name,
        identity.postcode,
        coalesce(
            ods.status,
            case
                when latest_map.extract_date = (select max(newest.extract_date) from latest_map as newest)
                    then 'active'
            end,
            'unknown'
        ) as status,
        ods.open_date,
        ods.close_date,
        ods.prescribing_setting,
        latest_map.pcn_code,
        latest_map.pcn_name,
        coalesce(latest_map.sub_icb_code, ods.commissioner_code) as sub_icb_code,
        latest_map.sub_icb_name,
        coalesce(latest_map.icb_code, ods.icb_code) as icb_code,
        latest_map.icb_name,
        coalesce(latest_map.region_code, ods.national_grouping_code) as region_code,
        latest_map.region_name,
        latest_map.extract_date as map_extract_date,
        by_postcode.lad_code as home_lad_code,
        coalesce(by_postcode.upper_tier_code, by_largest_share.council_code) as home_council_code,
        councils.council_name as home_council_name,
        case
            when by_postcode.upper_tier_code is not null then 'postcode'
            when by_largest_share.council_code is not null then 'largest share of patients'
        end as home_council_rule,
        registered.first_quarter as first_registration_quarter,
        registered.last_quarter as last_registration_quarter
    from identity
    left join latest_map using (practice_code)
    left join ods using (practice_code)
    left join registered using (practice_code)
    left join by_postcode using (practice_code)
    left join by_largest_share using (practice_code)
    left join {{ ref('dim_council') }} as councils
        on coalesce(by_postcode.upper_tier_code, by_largest_share.council_code) = councils.council_code
)

select * from final
