-- Patients registered at each practice by LSOA of residence, as published, typed.
with valid as (
    select * from {{ valid_rows('registrations') }}
),

release_dates as (
    -- a release has one extract date: parse each distinct spelling once, not once per row
    -- (read from the raw table, so the valid rows are computed once)
    select
        extract_date as published_date,
        parse_any_date(extract_date) as extract_date
    from (select distinct extract_date from {{ source('registrations') }}) as spellings
),

typed as (
    select
        file_id,
        line,
        release_dates.extract_date,
        date_trunc('month', release_dates.extract_date)::date as quarter,
        upper(trim(practice_code)) as practice_code,
        nullif(trim(practice_name), '') as practice_name,
        upper(trim(lsoa_code)) as lsoa_code,
        coalesce(nullif(upper(trim(sex)), ''), 'ALL') as sex,
        try_cast(trim(number_of_patients) as integer) as patients
    from valid
    inner join release_dates on valid.extract_date = release_dates.published_date
)

select * from typed
