-- How the joint-working index is worked out, as the build recorded it (etl/method.yml).
select
    name,
    value,
    meaning
from meta_method
where method_group = 'joint_working'
