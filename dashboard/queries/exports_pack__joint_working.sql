-- The joint working of every practice serving $council (as exports_pack__practices): its latest return at
-- or before the end of $period, with the joint-working index, the four domain scores and whether it has a
-- named or attached social worker. One row per practice with a return (none for the others).
with latest as (
    select
        jw.practice_code,
        max(jw.quarter_start) as quarter_start
    from mart_joint_working_index as jw
    inner join pack_serving_practices($council, $period) using (practice_code)
    where jw.quarter_start <= period_last_day($period)
    group by jw.practice_code
)

select
    jw.practice_code,
    jw.quarter_label,
    jw.joint_working_index,
    jw.time_and_space,
    jw.trust_and_roles,
    jw.shared_priorities,
    jw.practical_support,
    jw.indicators_scored,
    jw.has_attached_social_worker
from mart_joint_working_index as jw
inner join latest using (practice_code, quarter_start)
order by jw.practice_code
