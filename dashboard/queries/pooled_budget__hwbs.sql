-- Every HWB with a Better Care Fund plan for the year, highest planned spend per head first, with
-- whether it is in the selection (never when no area filter is set: then every HWB would be).
with councils as (
    select council_code from selected_councils(
        $council, $locality, $sub_icb, $pcn, $practice, group_practices := $group_practices
    )
),

filtered as (
    select not($council is null and $locality is null and $sub_icb is null and $pcn is null and $practice is null)
        as has_area_filter
),

final as (
    select
        summary.hwb_code,
        summary.hwb_name,
        summary.planned_gbp,
        summary.actual_gbp,
        summary.residents,
        summary.planned_per_head_gbp,
        summary.planned_per_head_65_plus_gbp,
        summary.share_social_care,
        summary.actual_to_planned,
        filtered.has_area_filter and summary.hwb_code in (select council_code from councils) as is_selected,
        rank() over (order by summary.planned_per_head_gbp desc nulls last) as per_head_rank,
        count(*) over () as hwbs
    from mart_bcf_summary as summary
    cross join filtered
    where summary.financial_year = $period and summary.planned_gbp is not null
)

select * from final
order by planned_per_head_gbp desc nulls last, hwb_name
