-- Rejected rows counted by source and reason, with the source's title and the files they came from.
select
    rejected.source,
    coalesce(sources.title, rejected.source) as source_title,
    rejected.reason,
    count(*) as rows_rejected,
    count(distinct rejected.file) as files
from dq_rejected_rows as rejected
left join meta_sources as sources using (source)
group by all
order by rows_rejected desc, source_title, rejected.reason
