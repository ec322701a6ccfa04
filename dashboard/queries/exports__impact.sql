-- The measured impact of joint working on each outcome for the selected councils (the council a practice is
-- based in), from mart_joint_working_impact: effect, its 95% interval, the placebo check and the implied
-- annual change in activity and cost. Only run when the mart exists (see exports__tables).
select
    impact.outcome,
    impact.outcome_name,
    impact.area_name,
    impact.effect_pct,
    impact.ci_low_pct,
    impact.ci_high_pct,
    impact.practices_adopting,
    impact.practices_comparison,
    impact.annual_activity_change,
    impact.annual_cost_change_gbp,
    impact.placebo_pct,
    impact.method,
    impact.note
from mart_joint_working_impact as impact
where
    impact.area_type = 'council'
    and impact.area_code in (select council_code from selected_councils(
        $council, $locality, $sub_icb, $pcn, $practice, group_practices := $group_practices
    ))
order by impact.area_name, impact.outcome_name
