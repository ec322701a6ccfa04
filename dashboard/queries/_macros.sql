-- Table macros every dashboard query shares, created on each worker's read-only connection.
-- A null argument means "any": the global filters are all optional.

-- The practices in the selection. Council and locality select practices by where they are
-- (home council; the locality where most of their patients live), the NHS filters by membership, and
-- deprivation ('1' to '10', optional: deprivation := $deprivation) by the practice's national
-- deprivation decile (mart_practice_deprivation). A group of practices (group_practices, optional: a shared
-- group or a user's own, which filters.Selection.params() resolves to its practice codes, comma-separated
-- so that the parameter stays a plain hashable value for the query cache) is an area like a PCN: it
-- intersects with the other filters.
create or replace temp macro selected_practices(
    council, locality, sub_icb, pcn, practice, deprivation := null, group_practices := null
) as table
    select practices.practice_code
    from dim_practice as practices
    left join dim_practice_locality as localities using (practice_code)
    left join mart_practice_deprivation as deprivations using (practice_code)
    where
        (council is null or practices.home_council_code = council)
        and (locality is null or localities.main_locality_code = locality)
        and (sub_icb is null or practices.sub_icb_code = sub_icb)
        and (pcn is null or practices.pcn_code = pcn)
        and (practice is null or practices.practice_code = practice)
        and (deprivation is null or deprivations.deprivation_decile = try_cast(deprivation as integer))
        and (group_practices is null or list_contains(string_split(group_practices, ','), practices.practice_code));

-- The selected practices open at some point in the quarter that starts on quarter_day: one closed
-- before it or opened after it cannot have returned anything for it; one with no registered patients
-- in any release is left out.
create or replace temp macro open_practices(
    council, locality, sub_icb, pcn, practice, quarter_day, deprivation := null, group_practices := null
) as table
    select practices.practice_code
    from
        selected_practices(
            council, locality, sub_icb, pcn, practice, deprivation := deprivation, group_practices := group_practices
        ) as chosen
    inner join dim_practice as practices using (practice_code)
    where
        practices.last_registration_quarter is not null
        and (practices.close_date is null or practices.close_date >= quarter_day)
        and (practices.open_date is null or practices.open_date < quarter_day + interval 3 month);

-- The social care councils in the selection: the chosen council, the council of the chosen
-- locality, or else the home councils of the selected practices (a group's: the councils it serves).
create or replace temp macro selected_councils(
    council, locality, sub_icb, pcn, practice, group_practices := null
) as table
    select council_code
    from dim_council
    where
        is_social_care_council and is_english
        and (
            council_code = council
            or council_code = (
                select any_value(council_code) from dim_locality
                where locality_code = locality
            )
            or (council is null and locality is null and council_code in (
                select practices.home_council_code
                from dim_practice as practices
                where
                    practices.practice_code in (
                        select practice_code
                        from selected_practices(null, null, sub_icb, pcn, practice, group_practices := group_practices)
                    )
            ))
        );

-- First and last day of a financial year label such as '2024-25'.
create or replace temp macro period_first_day(period) as financial_year_start(period);
create or replace temp macro period_last_day(period) as financial_year_start(period) + interval 1 year - interval 1 day;

-- The release a financial year reads, among the release dates aggregated (registration quarters, age-band
-- extracts): the latest at or before the year's last day, else the earliest loaded, so a year before the
-- first release still shows something (the queries flag it with release_after_period). An aggregate:
-- `select release_for_period(quarter, $period) as quarter from releases`.
create or replace temp macro release_for_period(release, period) as
coalesce(max(release) filter (where release <= period_last_day(period)), min(release));

-- The headline outcome measures: the ones the overview, the downloads and the practice packs report,
-- declared in their definition files (`headline: true`, etl/indicators) so they all report the same ones.
create or replace temp macro headline_measures() as table
    select indicator_id as measure_id
    from ref_indicators
    where is_headline;

-- The units a download's comparator pools, one row per headline measure and unit over a financial year:
-- with residents, every council's residents; otherwise every practice based in the selection's council(s).
-- With compare := 'peers', the council's similar areas (mart_council_peers) or the one practice's similar
-- practices (mart_practice_peers) instead, where it has them; unit_set says which ('peers' or 'usual').
-- exports__comparison adds them up into the comparator; exports__comparison_units checks their spread.
create or replace temp macro comparison_units(
    residents, council, locality, sub_icb, pcn, practice, period, compare := 'usual', group_practices := null
) as table
    with councils as (
        select council_code from selected_councils(
            council, locality, sub_icb, pcn, practice, group_practices := group_practices
        )
    ),

    peers as (
        select peer_code as unit_code from mart_council_peers
        where residents and compare = 'peers' and council_code = council
        union all
        select peer_code from mart_practice_peers
        where not residents and compare = 'peers' and practice_code = practice
    ),

    unit_set as (
        select case when exists (select 1 from peers) then 'peers' else 'usual' end as kind
    ),

    outcomes as (
        select
            measure_id,
            council_code as unit_code,
            period_type,
            period_start,
            numerator,
            denominator
        from mart_outcomes_council
        where
            residents
            and ((select kind from unit_set) = 'usual' or council_code in (select unit_code from peers))

        union all

        select
            measure_id,
            practice_code as unit_code,
            period_type,
            period_start,
            numerator,
            denominator
        from mart_outcomes_practice
        where
            not residents
            and case (select kind from unit_set)
                when 'peers' then practice_code in (select unit_code from peers)
                else practice_code in (
                    select practice_code from dim_practice
                    where home_council_code in (select council_code from councils)
                )
            end
    )

    select
        outcomes.measure_id,
        outcomes.unit_code,
        (select kind from unit_set) as unit_set,
        sum(outcomes.numerator) as numerator,
        sum(outcomes.denominator) as denominator
    from outcomes
    where
        outcomes.measure_id in (select measure_id from headline_measures())
        and outcomes.period_type = 'month'
        -- period is the macro's argument, not a column: sqlfluff's RF03 would qualify it, and break the macro
        and outcomes.period_start between period_first_day(period) and period_last_day(period)  -- noqa: RF03
    group by all;

-- The practices a funnel plot compares for the selection, named for the area they make up:
--   a practice, PCN, locality or group of practices: the practices based in its council(s);
--   a sub-ICB: every practice in its ICB;
--   a council: the practices based in it;
--   nothing: every practice.
-- is_selected marks the selected practices, only when the selection is narrower than the practices shown.
create or replace temp macro funnel_area_practices(
    council, locality, sub_icb, pcn, practice, deprivation := null, group_practices := null
) as table
    with kind as (
        select case
            when practice is not null or pcn is not null or locality is not null or group_practices is not null
                then 'council'
            when sub_icb is not null then 'icb'
            when council is not null then 'council'
            else 'all'
        end as scope
    ),

    chosen as (
        select practice_code
        from selected_practices(
            council, locality, sub_icb, pcn, practice, deprivation := deprivation, group_practices := group_practices
        )
    ),

    councils as (
        select council_code from selected_councils(
            council, locality, sub_icb, pcn, practice, group_practices := group_practices
        )
    ),

    icbs as (
        select distinct icb_code from dim_practice
        where practice_code in (select practice_code from chosen)
    ),

    area_name as (
        select case (select scope from kind)
            when 'council'
                then (
                    select string_agg(council_name, ' and ' order by council_name) from dim_council
                    where council_code in (select council_code from councils)
                )
            when 'icb'
                then (
                    select string_agg(distinct icb_name, ' and ') from dim_practice
                    where icb_code in (select icb_code from icbs)
                )
            else 'all practices'
        end as name
    )

    select
        practice_code,
        practice_name,
        (
            practice is not null or pcn is not null or locality is not null or sub_icb is not null
            or deprivation is not null or group_practices is not null
        )
        and practice_code in (select practice_code from chosen) as is_selected,
        (select name from area_name) as area_name
    from dim_practice
    where case (select scope from kind)
        when 'council' then home_council_code in (select council_code from councils)
        when 'icb' then icb_code in (select icb_code from icbs)
        else true
    end;

-- The ICB holding most of the selected practices (the lowest code on a tie): the area of the Impact
-- panel when the selection is a practice, PCN, sub-ICB, locality or group, which the impact model does not
-- estimate for on its own.
create or replace temp macro main_icb(council, locality, sub_icb, pcn, practice, group_practices := null) as table
    select practices.icb_code
    from dim_practice as practices
    where
        practices.practice_code in (
            select practice_code
            from selected_practices(council, locality, sub_icb, pcn, practice, group_practices := group_practices)
        )
        and practices.icb_code is not null
    group by practices.icb_code
    order by count(*) desc, practices.icb_code
    limit 1;

-- Each selected council's latest registrations release at or before the end of period: the release
-- the overview and the downloads describe. A council with no release that early has no row.
create or replace temp macro selected_council_releases(
    council, locality, sub_icb, pcn, practice, period, group_practices := null
) as table
    select
        council_code,
        max(quarter) as quarter
    from mart_catchment_council
    where
        council_code in (
            select council_code from selected_councils(
                council, locality, sub_icb, pcn, practice, group_practices := group_practices
            )
        )
        and quarter <= period_last_day(period)
    group by council_code;

-- The registrations release a council's practice pack reads: release_for_period among the council's
-- releases. Every part of the pack reads this one release, so its tables agree.
create or replace temp macro pack_release(council, period) as table
    select release_for_period(quarter, period) as quarter
    from mart_catchment_council
    where council_code = council;

-- The practices serving the council's residents in the pack's release (mart_catchment_council's rule,
-- etl/method.yml), with that release's quarter.
create or replace temp macro pack_serving_practices(council, period) as table
    select
        unnest(catchment.practice_codes_serving) as practice_code,
        catchment.quarter
    from mart_catchment_council as catchment
    inner join pack_release(council, period) using (quarter)
    where catchment.council_code = council;

-- The distance in km between two points (WGS84 degrees) along a sphere of the Earth's mean radius,
-- 6,371.0088 km (IUGG; Moritz, "Geodetic Reference System 1980", Journal of Geodesy 74, 2000): the
-- haversine formula (Sinnott, "Virtues of the Haversine", Sky and Telescope 68, 1984). Against the
-- ellipsoid it is out by about 0.5% at most, a few metres across a town: enough to rank practices by distance.
create or replace temp macro haversine_km(latitude_1, longitude_1, latitude_2, longitude_2) as
2 * 6371.0088 * asin(sqrt(
    pow(sin(radians(latitude_2 - latitude_1) / 2), 2)
    + cos(radians(latitude_1)) * cos(radians(latitude_2)) * pow(sin(radians(longitude_2 - longitude_1) / 2), 2)
));

-- One council's outline, dissolved by the build (geo_council): here rather than in its query alone so
-- that a warehouse built before outlines moved into the build is named as needing a rebuild (db.unreadable)
-- instead of its maps failing.
create or replace temp macro council_outline(council) as table
    select
        council_code,
        council_name,
        outline_geojson
    from geo_council
    where council_code = council;
