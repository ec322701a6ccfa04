-- The Better Care Fund of the selected councils (health and wellbeing board areas) in the period's
-- financial year: planned and actual spend, NHS and council shares, social care share and spend per head.
select
    bcf.hwb_code,
    bcf.hwb_name,
    bcf.financial_year,
    bcf.schemes,
    bcf.planned_gbp,
    bcf.actual_gbp,
    bcf.actual_to_planned,
    bcf.planned_nhs_gbp,
    bcf.planned_la_gbp,
    bcf.share_social_care,
    bcf.residents,
    bcf.planned_per_head_gbp,
    bcf.actual_per_head_gbp
from mart_bcf_summary as bcf
where
    bcf.financial_year = $period
    and bcf.hwb_code in (select council_code from selected_councils(
        $council, $locality, $sub_icb, $pcn, $practice, group_practices := $group_practices
    ))
order by bcf.hwb_name
