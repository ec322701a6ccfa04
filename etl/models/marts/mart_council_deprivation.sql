-- One row per English social care council (upper tier) with scored LSOAs: its IMD average score, the
-- population-weighted mean of its LSOAs' scores, as MHCLG's upper-tier local authority summaries
-- (IoD File 11, "IMD - Average score") compute it; each LSOA weighs by the IoD population denominator
-- (every LSOA the same when the file has none). The decile ranks the councils as the practices are
-- ranked (mart_practice_deprivation): 1 is the most deprived tenth of councils.
with lsoas as (
    select
        geography.council_code,
        deprivation.imd_score,
        coalesce(deprivation.population, 1) as weight,
        deprivation.population,
        deprivation.release
    from {{ ref('int_lsoa__deprivation') }} as deprivation
    inner join {{ ref('dim_lsoa') }} as geography using (lsoa_code)
    where geography.council_code is not null
),

councils as (
    select council_code
    from {{ ref('dim_council') }}
    where is_social_care_council and is_english
),

averaged as (
    select
        lsoas.council_code,
        count(*) as lsoas_scored,
        sum(lsoas.population) as population,
        (sum(exact(lsoas.imd_score * lsoas.weight)) / sum(exact(lsoas.weight)))::double as imd_score,
        any_value(lsoas.release) as release
    from lsoas
    inner join councils using (council_code)
    group by lsoas.council_code
),

ranked as (
    select
        *,
        rank() over (order by imd_score desc) as deprivation_rank,
        count(*) over () as councils_ranked
    from averaged
),

final as (
    select
        *,
        (floor(10 * (deprivation_rank - 1) / councils_ranked) + 1)::integer as deprivation_decile
    from ranked
)

select * from final
