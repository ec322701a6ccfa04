-- One row per practice, quarter (release month), sex and 5-year age band: registered patients.
-- The 'ALL' band and sex rows are kept, as published, so totals need no re-adding.
with population as (
    select * from {{ ref('stg_nhs__practice_age') }}
),

final as (
    select
        practice_code,
        quarter,
        extract_date,
        sex,
        age_band,
        age_lower,
        age_upper,
        patients
    from population
)

select * from final
-- stored by practice: the practice profile reads one practice's bands, and DuckDB then skips the row groups
-- of the others (a scan of England's 4.7 million rows took 25-35 ms, twice a profile; about a second to sort)
order by practice_code, extract_date, sex, age_lower
