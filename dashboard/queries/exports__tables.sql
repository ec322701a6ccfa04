-- The warehouse's table names: lets the downloads include a mart only when the build made it
-- (mart_joint_working_impact is newer than some warehouses).
select table_name
from information_schema.tables
where table_schema = 'main'
