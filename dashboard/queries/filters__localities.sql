-- Council localities, each with the council that drew it.
select
    locality_code,
    locality_name,
    council_code
from dim_locality
order by locality_name
