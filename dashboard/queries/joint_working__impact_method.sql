-- The impact model's method sentence and settings, for the Data and methods page (one row).
select
    method,
    bootstrap_reps,
    periods,
    first_month,
    last_month
from mart_joint_working_impact
order by area_type = 'all' desc
limit 1
