-- Primary care networks with their sub-ICB.
select
    pcn_code,
    pcn_name,
    sub_icb_code
from dim_pcn
order by pcn_name
