-- The deprivation of the selection's social care councils (mart_council_deprivation): the
-- population-weighted IMD score of each one's LSOAs, its rank and decile among the councils loaded.
with councils as (
    select council_code from selected_councils(
        $council, $locality, $sub_icb, $pcn, $practice, group_practices := $group_practices
    )
),

final as (
    select
        deprivation.council_code,
        names.council_name,
        deprivation.imd_score,
        deprivation.deprivation_rank,
        deprivation.councils_ranked,
        deprivation.deprivation_decile,
        deprivation.release
    from mart_council_deprivation as deprivation
    inner join councils using (council_code)
    inner join dim_council as names using (council_code)
)

select * from final
order by deprivation_rank, council_code
