-- Each source's title and publisher, with the files loaded from it, for chart footers and Data & methods.
select
    sources.source,
    sources.title,
    sources.publisher,
    sources.present,
    count(log.file_id) as files,
    coalesce(sum(log.rows_loaded), 0) as rows_loaded,
    coalesce(sum(log.rows_rejected), 0) as rows_rejected
from meta_sources as sources
left join dq_load_log as log using (source)
group by all
order by sources.source
