-- Every practice's code and name, to suggest the nearest ones when a profile's code is not found.
select
    practice_code,
    practice_name
from dim_practice
order by practice_code
