-- One row per raw file the build read: its source, file and worksheet, how it was read (encoding, line
-- endings), and rows read, loaded and rejected.
select
    source,
    file,
    coalesce(sheet, '') as sheet,
    status,
    encoding,
    coalesce(line_endings, '') as line_endings,
    rows_read,
    rows_loaded,
    rows_rejected,
    coalesce(note, '') as note
from dq_load_log
order by source, file, sheet
