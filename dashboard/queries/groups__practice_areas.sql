-- What a group's members resolve through, for every practice: its PCN in the latest practice map, the council
-- locality most of its patients live in (dim_practice_locality: the locality filter's rule), and the shared
-- groups it is in (mart_practice_group). filters.group_practice_codes reads this once per warehouse and picks
-- a group's practices from it, so choosing a group costs no query of its own (a PCN costs none either).
with shared as (
    select
        practice_code,
        list(group_code order by group_code) as shared_groups
    from mart_practice_group
    group by practice_code
)

select
    practices.practice_code,
    practices.pcn_code,
    upper(localities.main_locality_code) as locality_code,
    coalesce(shared.shared_groups, []) as shared_groups
from dim_practice as practices
left join dim_practice_locality as localities using (practice_code)
left join shared using (practice_code)
order by practices.practice_code
