-- Planned and actual Better Care Fund pounds for the selection and year by scheme type (named as in
-- the year's list) within its group. Lines only in the year-end return get their type's group from
-- the list too; planned lines the return left out are totalled apart, as unknown rather than nil.
with councils as (
    select council_code from selected_councils(
        $council, $locality, $sub_icb, $pcn, $practice, group_practices := $group_practices
    )
),

lines as (
    select * from fct_bcf_expenditure
    where financial_year = $period and hwb_code in (select council_code from councils)
),

type_names as (
    select
        label_key(scheme_type) as type_key,
        first_year,
        last_year,
        scheme_type,
        scheme_type_group
    from ref_bcf_scheme_types
),

named as (
    select
        coalesce(lines.scheme_type_group, type_names.scheme_type_group, 'Scheme type not stated') as scheme_type_group,
        coalesce(type_names.scheme_type, nullif(trim(lines.scheme_type), ''), 'Scheme type not stated') as scheme_type,
        lines.planned_gbp,
        lines.actual_gbp,
        lines.actual_status
    from lines
    left join type_names
        on
            label_key(lines.scheme_type) = type_names.type_key
            and lines.financial_year between type_names.first_year and type_names.last_year
),

final as (
    select
        scheme_type_group,
        scheme_type,
        count(*) as scheme_lines,
        sum(planned_gbp) as planned_gbp,
        case when bool_or(actual_gbp is not null) then sum(actual_gbp) end as actual_gbp,
        sum(actual_gbp) / nullif(sum(planned_gbp) filter (where actual_gbp is not null), 0) as actual_to_planned,
        -- nil once a return is in; unknown (null) while none is
        case
            when bool_or(actual_status <> 'no end-of-year return loaded for the year')
                then
                    coalesce(sum(planned_gbp) filter (where actual_status = 'not in the end-of-year return'), 0)
        end as planned_not_in_return_gbp,
        case
            when bool_or(actual_status <> 'no end-of-year return loaded for the year')
                then
                    coalesce(sum(actual_gbp) filter (where planned_gbp is null), 0)
        end as actual_not_in_plan_gbp
    from named
    group by scheme_type_group, scheme_type
)

select * from final
order by scheme_type_group, planned_gbp desc nulls last, scheme_type
