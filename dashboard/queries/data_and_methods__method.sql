-- The method settings the build used (etl/method.yml): each threshold or weight with what it means,
-- in the file's order (no order by: DuckDB keeps insertion order, and one meaning continues the one
-- before it: "... or at least this many of its patients"). All columns: a warehouse built before the
-- settings had a unit has none, and the page then shows the plain number.
select *
from meta_method
