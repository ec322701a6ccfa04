-- The method settings the build used (etl/method.yml): each threshold or weight with what it means,
-- in the file's order (no order by: DuckDB keeps insertion order, and one meaning continues the one
-- before it: "... or at least this many of its patients").
select method_group, name, value, unit, meaning
from meta_method
