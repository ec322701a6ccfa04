-- Every build that compared its warehouse with the one it replaced, newest first: when it was built, what
-- it compared with, and what could not be compared (mart_changes release rows).
select
    built_at,
    previous_built_at,
    note
from mart_changes
where kind = 'release'
order by built_at desc
