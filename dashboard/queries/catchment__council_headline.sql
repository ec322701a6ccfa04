-- One row per social care council in the selection for the quarter: its registered residents,
-- how many are registered with practices based in another council (and the share), and how many
-- practices and PCNs serve its residents (mart_catchment_council, thresholds in etl/method.yml).
with councils as (
    select council_code from selected_councils(
        $council, $locality, $sub_icb, $pcn, $practice, group_practices := $group_practices
    )
),

final as (
    select
        catchment.council_code,
        catchment.council_name,
        catchment.residents_registered,
        catchment.residents_at_practices_elsewhere,
        catchment.share_at_practices_elsewhere,
        catchment.practices_serving,
        catchment.pcns_serving,
        catchment.practices_based_in_council
    from mart_catchment_council as catchment
    inner join councils using (council_code)
    where catchment.quarter = $quarter
)

select * from final
order by residents_registered desc, council_code
