-- Sub-ICB locations with practices.
select
    sub_icb_code,
    sub_icb_name,
    icb_code,
    icb_name
from dim_sub_icb
order by sub_icb_name
