-- A practice's joint-working index and its four domain scores (0-100) for every quarter it made a
-- return, up to the end of the period. One row per quarter.
select
    quarter_start,
    quarter_label,
    joint_working_index,
    time_and_space,
    trust_and_roles,
    shared_priorities,
    practical_support,
    indicators_scored,
    has_attached_social_worker
from mart_joint_working_index
where practice_code = $code and quarter_start <= period_last_day($period)
order by quarter_start
