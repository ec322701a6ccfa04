-- One practice ($code, upper case): its organisation (PCN, sub-ICB, ICB, region), status and dates,
-- its home council and how that was decided, and the council locality where most of its patients live.
-- No row when the code is not a practice.
select
    practices.practice_code,
    practices.practice_name,
    practices.postcode,
    practices.status,
    practices.open_date,
    practices.close_date,
    practices.pcn_code,
    practices.pcn_name,
    practices.sub_icb_code,
    practices.sub_icb_name,
    practices.icb_code,
    practices.icb_name,
    practices.region_name,
    practices.home_council_code,
    practices.home_council_name,
    practices.home_council_rule,
    practices.first_registration_quarter,
    practices.last_registration_quarter,
    localities.main_locality_name,
    localities.share_in_main_locality
from dim_practice as practices
left join dim_practice_locality as localities using (practice_code)
where practices.practice_code = $code
