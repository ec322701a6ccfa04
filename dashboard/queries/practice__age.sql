-- A practice's registered patients by 5-year age band (both sexes) in the age-band release the period
-- uses (release_for_period; release_after_period says when it is after the year).
-- One row per band, youngest first, each with the release's list size and patients aged 65 and over.
with releases as (
    select distinct extract_date
    from fct_practice_population
    where practice_code = $code and sex = 'ALL'
),

chosen as (
    select release_for_period(extract_date, $period) as extract_date
    from releases
),

rows as (
    select population.*
    from fct_practice_population as population
    inner join chosen using (extract_date)
    where population.practice_code = $code and population.sex = 'ALL'
),

bands as (
    select
        age_band,
        age_lower,
        age_upper,
        patients
    from rows
    where age_band <> 'ALL'
),

totals as (
    select
        -- the published ALL row is the list size; the bands are summed only when it is missing
        coalesce(
            (
                select sum(patients) from rows
                where age_band = 'ALL'
            ),
            (select sum(patients) from bands)
        )::bigint as list_size,
        (
            select coalesce(sum(patients), 0) from bands
            where age_lower >= 65
        )::bigint as patients_65_plus
),

final as (
    select
        (select extract_date from chosen) as release,
        (select extract_date from chosen) > period_last_day($period) as release_after_period,
        bands.age_band,
        bands.age_lower,
        bands.patients,
        totals.list_size,
        totals.patients_65_plus
    from bands
    cross join totals
)

select * from final
order by age_lower
