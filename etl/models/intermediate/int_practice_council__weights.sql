-- The crosswalk weights that apportion in both directions, per release: of practice p's list, the
-- share living in council c (practice -> council), and of council c's registered residents, the
-- share registered with practice p (council -> practice). Only English social care councils.
with residents as (
    select
        practice_code,
        quarter,
        area_code as council_code,
        patients
    from {{ ref('mart_practice_council_share') }}
    where area_kind = 'council'
),

lists as (
    select
        practice_code,
        quarter,
        patients as list_size
    from {{ ref('int_practice_quarter__population') }}
)

select
    residents.practice_code,
    residents.quarter,
    residents.council_code,
    residents.patients as residents,
    residents.patients / lists.list_size as share_of_practice,
    residents.patients / sum(residents.patients) over (partition by residents.council_code, residents.quarter)
        as share_of_council
from residents
inner join lists using (practice_code, quarter)
where residents.patients > 0
