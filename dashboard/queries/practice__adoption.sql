-- The quarter a practice joined joint working: the first quarter its return says it has an attached
-- social worker (mart_joint_working_index.has_attached_social_worker). No row if it never has.
select
    quarter_start,
    quarter_label
from mart_joint_working_index
where practice_code = $code and has_attached_social_worker
order by quarter_start
limit 1
