-- One row per HWB and year: planned and actual totals, by source of funding, per head of registered
-- residents and per head aged 65+, and the share planned for social care.
with lines as (
    select * from {{ ref('fct_bcf_expenditure') }}
),

totals as (
    select
        hwb_code,
        financial_year,
        any_value(hwb_name) as hwb_name,
        count(*) filter (where planned_gbp is not null) as scheme_lines,
        count(distinct scheme_id) as schemes,
        sum(exact(planned_gbp))::double as planned_gbp,
        -- actual only when the year's return is loaded, so a missing return never reads as nil spend
        case when bool_or(actual_gbp is not null) then sum(exact(actual_gbp))::double end as actual_gbp,
        sum(exact(planned_gbp)) filter (where funding_source_id = 'minimum_nhs')::double as planned_minimum_nhs_gbp,
        sum(exact(planned_gbp)) filter (where funding_source_id = 'ibcf')::double as planned_ibcf_gbp,
        sum(exact(planned_gbp)) filter (where funding_source_id = 'dfg')::double as planned_dfg_gbp,
        sum(exact(planned_gbp)) filter (where funding_source_id = 'winter_pressures')::double
            as planned_winter_pressures_gbp,
        sum(exact(planned_gbp)) filter (where funding_source_id = 'additional_la')::double as planned_additional_la_gbp,
        sum(exact(planned_gbp)) filter (where funding_source_id = 'additional_nhs')::double
            as planned_additional_nhs_gbp,
        sum(exact(planned_gbp)) filter (where funding_source_id in ('discharge_la', 'discharge_icb'))::double
            as planned_discharge_gbp,
        sum(exact(planned_gbp)) filter (where contributor = 'NHS')::double as planned_nhs_gbp,
        sum(exact(planned_gbp)) filter (where contributor = 'LA')::double as planned_la_gbp,
        sum(exact(planned_gbp)) filter (where is_social_care)::double as planned_social_care_gbp
    from lines
    group by hwb_code, financial_year
)

select
    totals.*,
    totals.planned_social_care_gbp / nullif(totals.planned_gbp, 0) as share_social_care,
    totals.actual_gbp / nullif(totals.planned_gbp, 0) as actual_to_planned,
    population.residents,
    population.residents_65_plus,
    round(totals.planned_gbp / nullif(population.residents, 0), 2) as planned_per_head_gbp,
    round(totals.actual_gbp / nullif(population.residents, 0), 2) as actual_per_head_gbp,
    round(totals.planned_gbp / nullif(population.residents_65_plus, 0), 2) as planned_per_head_65_plus_gbp,
    round(totals.actual_gbp / nullif(population.residents_65_plus, 0), 2) as actual_per_head_65_plus_gbp,
    population.population_release,
    population.population_rule
from totals
left join {{ ref('int_council_year__population') }} as population
    on totals.hwb_code = population.council_code and totals.financial_year = population.financial_year
