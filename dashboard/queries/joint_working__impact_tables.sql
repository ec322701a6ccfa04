-- Which of the impact marts this warehouse has: an older build, or one without the joint-working
-- return and outcome extracts, has neither, and the Impact panel says so instead of failing.
select table_name
from duckdb_tables()
where table_name in ('mart_joint_working_impact', 'mart_joint_working_pretrends')
