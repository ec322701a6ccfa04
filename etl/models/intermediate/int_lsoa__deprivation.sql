-- One row per 2021 LSOA with an Index of Multiple Deprivation score: IoD2025 when it is loaded, else
-- IoD2019 carried from 2011 to 2021 LSOAs. The releases are never mixed: their scores are built from
-- different indicators and are not comparable, so every practice and council is ranked on one release.
-- IoD2019 through the 2011 -> 2021 bridge: each 2011 LSOA's population is shared between its 2021
-- parts as its patients are (int_lsoa11__lsoa21.weight, equal shares), and a 2021 LSOA takes the
-- population-weighted mean of the 2011 scores that reach it. So a split LSOA's parts keep the whole's
-- score, a merged one takes the mean of its parts weighted by their populations, and a redesigned (X)
-- one a mix of both. Without a population column every 2011 LSOA weighs the same.
with iod2025 as (
    select
        lsoa21_code,
        imd_score,
        population
    from {{ ref('stg_mhclg__iod2025') }}
),

iod2019 as (
    select
        lsoa11_code,
        imd_score,
        population
    from {{ ref('stg_mhclg__iod2019') }}
),

bridge as (
    select * from {{ ref('int_lsoa11__lsoa21') }}
),

shares_2019 as (
    select
        bridge.lsoa21_code,
        iod2019.imd_score,
        iod2019.population * bridge.weight as population_share,
        coalesce(iod2019.population, 1) * bridge.weight as score_weight
    from iod2019
    inner join bridge using (lsoa11_code)
),

from_2019 as (
    select
        lsoa21_code,
        (sum(exact(imd_score * score_weight)) / sum(exact(score_weight)))::double as imd_score,
        sum(exact(population_share))::double as population,
        count(*) as lsoa11_parts
    from shares_2019
    group by lsoa21_code
),

chosen as (
    select
        lsoa21_code as lsoa_code,
        imd_score,
        population::double as population,
        'IoD2025' as release,
        1 as lsoa11_parts
    from iod2025

    union all

    select
        lsoa21_code as lsoa_code,
        imd_score,
        population,
        'IoD2019' as release,
        lsoa11_parts
    from from_2019
    where not exists (select 1 from iod2025)
)

select * from chosen
