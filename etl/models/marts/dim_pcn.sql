-- One row per primary care network in the latest practice map: its sub-ICB and ICB, member
-- practices, and the home councils of its members (a PCN can straddle councils).
with latest as (
    select * from {{ ref('stg_nhs__practice_map') }}
    where extract_date = (select max(releases.extract_date) from {{ ref('stg_nhs__practice_map') }} as releases)
),

members as (
    select
        latest.*,
        practices.home_council_code
    from latest
    left join {{ ref('dim_practice') }} as practices using (practice_code)
),

final as (
    select
        pcn_code,
        max(pcn_name) as pcn_name,
        mode(sub_icb_code) as sub_icb_code,
        mode(icb_code) as icb_code,
        max(extract_date) as map_extract_date,
        count(distinct practice_code) as practice_count,
        count(distinct home_council_code) as home_council_count,
        list(distinct home_council_code order by home_council_code) filter (where home_council_code is not null)
            as home_council_codes,
        count(distinct home_council_code) > 1 as straddles_councils
    from members
    group by pcn_code
)

select * from final
