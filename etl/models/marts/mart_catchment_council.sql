-- One row per English upper-tier (social care) council and quarter: where its residents are
-- registered. A practice "serves" the council when the council's residents are at least
-- serve_min_share of its list or at least serve_min_patients patients (etl/method.yml), the same
-- rule as councils_served in mart_catchment_practice.
with shares as (
    select * from {{ ref('mart_practice_council_share') }}
    where area_kind = 'council'
),

practices as (
    select
        practice_code,
        home_council_code,
        pcn_code
    from {{ ref('dim_practice') }}
),

residents as (
    select
        shares.area_code as council_code,
        shares.quarter,
        shares.practice_code,
        shares.patients,
        practices.pcn_code,
        practices.home_council_code,
        shares.share >= getvariable('serve_min_share') or shares.patients >= getvariable('serve_min_patients')
            as practice_serves
    from shares
    left join practices using (practice_code)
),

final as (
    select
        residents.council_code,
        any_value(councils.council_name) as council_name,
        residents.quarter,
        sum(residents.patients)::integer as residents_registered,
        coalesce(sum(residents.patients) filter (
            where residents.home_council_code is distinct from residents.council_code
        ), 0)::integer as residents_at_practices_elsewhere,
        coalesce(sum(residents.patients) filter (
            where residents.home_council_code is distinct from residents.council_code
        ), 0) / sum(residents.patients) as share_at_practices_elsewhere,
        count(*) as practices_with_residents,
        count(*) filter (where residents.practice_serves) as practices_serving,
        count(distinct residents.pcn_code) filter (where residents.practice_serves) as pcns_serving,
        count(*) filter (where residents.home_council_code = residents.council_code) as practices_based_in_council,
        list(residents.practice_code order by residents.patients desc, residents.practice_code)
        filter (where residents.practice_serves) as practice_codes_serving,
        list(distinct residents.pcn_code order by residents.pcn_code)
        filter (where residents.practice_serves and residents.pcn_code is not null)
            as pcn_codes_serving
    from residents
    left join {{ ref('dim_council') }} as councils on residents.council_code = councils.council_code
    group by residents.council_code, residents.quarter
)

select * from final
