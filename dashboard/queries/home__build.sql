-- When and from what the warehouse was built, and whether its data are fictional.
select
    built_at,
    jointcare_version,
    raw_folder,
    is_demo
from meta_build
