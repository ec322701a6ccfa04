-- The rejected rows themselves (file, worksheet, line, column, value, reason), first 2,000 by file and
-- line so the page stays small however bad a load was; the summary query has the full counts.
select
    coalesce(sources.title, rejected.source) as source_title,
    rejected.file,
    coalesce(rejected.sheet, '') as sheet,
    rejected.line,
    coalesce(rejected."column", '') as column_name,
    -- long malformed lines are cut: the file and line say where to look
    left(coalesce(rejected.value, ''), 200) as value,
    rejected.reason
from dq_rejected_rows as rejected
left join meta_sources as sources using (source)
order by rejected.file, rejected.sheet, rejected.line, rejected."column"
limit 2000
