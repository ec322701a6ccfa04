-- Planned Better Care Fund pounds for the selection and year as the links of a Sankey diagram:
-- source of funding -> scheme type (stage 1) and scheme type -> provider (stage 2). Scheme types are
-- named as in the year's list; with more than 10 of them their groups are used, so it stays readable.
with councils as (
    select council_code from selected_councils(
        $council, $locality, $sub_icb, $pcn, $practice, group_practices := $group_practices
    )
),

lines as (
    select * from fct_bcf_expenditure
    where financial_year = $period and hwb_code in (select council_code from councils) and planned_gbp > 0
),

type_names as (
    select
        label_key(scheme_type) as type_key,
        first_year,
        last_year,
        scheme_type
    from ref_bcf_scheme_types
),

named as (
    select
        lines.funding_source,
        coalesce(type_names.scheme_type, nullif(trim(lines.scheme_type), ''), 'Scheme type not stated') as scheme_type,
        coalesce(lines.scheme_type_group, 'Scheme type not stated') as scheme_type_group,
        coalesce(nullif(trim(lines.provider), ''), 'Provider not stated') as provider,
        lines.planned_gbp
    from lines
    left join type_names
        on
            label_key(lines.scheme_type) = type_names.type_key
            and lines.financial_year between type_names.first_year and type_names.last_year
),

level as (
    select case when count(distinct scheme_type) > 10 then 'scheme type group' else 'scheme type' end as scheme_level
    from named
),

schemes as (
    select
        named.funding_source,
        case when level.scheme_level = 'scheme type group' then named.scheme_type_group else named.scheme_type end
            as scheme,
        named.provider,
        level.scheme_level,
        named.planned_gbp
    from named
    cross join level
),

final as (
    select
        1 as stage,
        funding_source as source_label,
        scheme as target_label,
        scheme_level,
        sum(planned_gbp) as planned_gbp
    from schemes
    group by all
    union all
    select
        2,
        scheme,
        provider,
        scheme_level,
        sum(planned_gbp)
    from schemes
    group by all
)

select * from final
order by stage, planned_gbp desc, source_label, target_label
