-- The practices the filter bar offers for a selection: the selected_practices macro's rule (the one every
-- page and download uses), among the practices with a registration release (as filters__practices).
-- One row per practice, by name.
select
    practices.practice_code,
    practices.practice_name,
    practices.pcn_code
from dim_practice as practices
where
    practices.practice_code in (
        select practice_code from selected_practices(
            $council, $locality, $sub_icb, $pcn, $practice, deprivation := $deprivation,
            group_practices := $group_practices
        )
    )
    and practices.last_registration_quarter is not null
order by practices.practice_name, practices.practice_code
