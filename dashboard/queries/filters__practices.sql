-- Practices with a registration release, and what the other filters select them by.
select
    practices.practice_code,
    practices.practice_name,
    practices.pcn_code,
    practices.sub_icb_code,
    practices.home_council_code as council_code,
    localities.main_locality_code as locality_code
from dim_practice as practices
left join dim_practice_locality as localities using (practice_code)
where practices.last_registration_quarter is not null
order by practices.practice_name, practices.practice_code
