-- The catchment headline for the selected councils: residents registered with a GP, and those
-- registered with practices based in another council, in each council's latest release of the year.
select
    count(*) as councils,
    string_agg(catchment.council_name, ' and ' order by catchment.council_name) as council_names,  -- read when 1 or 2
    sum(catchment.residents_registered) as residents_registered,
    sum(catchment.residents_at_practices_elsewhere) as residents_at_practices_elsewhere,
    sum(catchment.residents_at_practices_elsewhere) / nullif(sum(catchment.residents_registered), 0) as share_elsewhere,
    max(catchment.quarter) as quarter
from mart_catchment_council as catchment
inner join
    selected_council_releases(
        $council, $locality, $sub_icb, $pcn, $practice, $period, group_practices := $group_practices
    ) as releases
    using (council_code, quarter)
