-- Plan lines, one row per scheme line and financial year, with scheme types, funding sources and
-- areas of spend normalised across the list versions. A two-year plan (2023-25) has one
-- expenditure column per year; each becomes a row of its own year.
with plans as (
    select
        *,
        cast(left(plan_period, 4) as integer) as first_year,
        (cast(right(plan_period, 2) as integer) - cast(left(plan_period, 4) as integer) % 100 + 100) % 100 as span_years
    from {{ ref('stg_bcf__plans') }}
),

by_year as (
    select
        *,
        1 as year_of_plan,
        expenditure as planned_gbp
    from plans
    union all
    select
        *,
        2 as year_of_plan,
        expenditure_second_year as planned_gbp
    from plans
    where span_years = 2 and expenditure_second_year is not null
),

with_year as (
    select
        *,
        (first_year + year_of_plan - 1)::varchar || '-' || lpad(((first_year + year_of_plan) % 100)::varchar, 2, '0')
            as financial_year
    from by_year
),

scheme_types as (
    select
        label_key(scheme_type) as type_key,
        first_year,
        last_year,
        list_version,
        scheme_type_group
    from {{ ref('ref_bcf_scheme_types') }}
),

any_version as (
    -- a type from another year's list is still understood; the newest list's grouping wins
    select
        type_key,
        arg_max(scheme_type_group, list_version) as scheme_type_group
    from scheme_types
    group by type_key
),

hwbs as (
    select * from {{ ref('int_bcf__hwb') }}
)

select
    hwbs.council_code as hwb_code,
    with_year.hwb_name,
    with_year.financial_year,
    with_year.plan_period,
    with_year.scheme_id,
    row_number() over (
        partition by hwbs.council_code, with_year.financial_year, with_year.scheme_id, funding.funding_source_id
        order by with_year.file_id, with_year.line
    ) as scheme_line,
    with_year.scheme_name,
    with_year.scheme_type,
    coalesce(versioned.scheme_type_group, any_version.scheme_type_group) as scheme_type_group,
    versioned.list_version as scheme_type_list,
    with_year.sub_type,
    with_year.area_of_spend,
    areas.is_social_care,
    with_year.commissioner,
    with_year.share_nhs,
    with_year.share_la,
    with_year.provider,
    with_year.source_of_funding,
    funding.funding_source_id,
    funding.funding_source,
    funding.contributor,
    with_year.planned_gbp,
    with_year.file_id,
    with_year.line
from with_year
left join hwbs on label_key(with_year.hwb_name) = hwbs.name_key
left join scheme_types as versioned
    on
        label_key(with_year.scheme_type) = versioned.type_key
        and with_year.financial_year between versioned.first_year and versioned.last_year
left join any_version on label_key(with_year.scheme_type) = any_version.type_key
left join
    {{ ref('ref_bcf_funding_sources') }} as funding
    on label_key(with_year.source_of_funding) = label_key(funding.source_of_funding)
left join
    {{ ref('ref_bcf_areas_of_spend') }} as areas
    on label_key(with_year.area_of_spend) = label_key(areas.area_of_spend)
