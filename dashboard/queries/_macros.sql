-- Table macros every dashboard query shares, created on each worker's read-only connection.
-- A null argument means "any": the global filters are all optional.

-- The practices in the selection. Council and locality select practices by where they are
-- (home council; the locality where most of their patients live), the NHS filters by membership.
create or replace temp macro selected_practices(council, locality, sub_icb, pcn, practice) as table
    select practices.practice_code
    from dim_practice as practices
    left join dim_practice_locality as localities using (practice_code)
    where (council is null or practices.home_council_code = council)
        and (locality is null or localities.main_locality_code = locality)
        and (sub_icb is null or practices.sub_icb_code = sub_icb)
        and (pcn is null or practices.pcn_code = pcn)
        and (practice is null or practices.practice_code = practice);

-- The selected practices open at some point in the quarter that starts on quarter_day: one closed
-- before it or opened after it cannot have returned anything for it; one with no registered patients
-- in any release is left out.
create or replace temp macro open_practices(council, locality, sub_icb, pcn, practice, quarter_day) as table
    select practices.practice_code
    from selected_practices(council, locality, sub_icb, pcn, practice) as chosen
    inner join dim_practice as practices using (practice_code)
    where practices.last_registration_quarter is not null
        and (practices.close_date is null or practices.close_date >= quarter_day)
        and (practices.open_date is null or practices.open_date < quarter_day + interval 3 month);

-- The social care councils in the selection: the chosen council, the council of the chosen
-- locality, or else the home councils of the selected practices.
create or replace temp macro selected_councils(council, locality, sub_icb, pcn, practice) as table
    select council_code
    from dim_council
    where is_social_care_council and is_english
        and (
            council_code = council
            or council_code = (select any_value(council_code) from dim_locality where locality_code = locality)
            or (council is null and locality is null and council_code in (
                select practices.home_council_code
                from dim_practice as practices
                where practices.practice_code in (select practice_code from selected_practices(null, null, sub_icb, pcn, practice))
            ))
        );

-- First and last day of a financial year label such as '2024-25'.
create or replace temp macro period_first_day(period) as financial_year_start(period);
create or replace temp macro period_last_day(period) as financial_year_start(period) + interval 1 year - interval 1 day;
