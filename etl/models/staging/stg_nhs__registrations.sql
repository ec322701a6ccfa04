-- Patients registered at each practice by LSOA of residence, as published, typed.
with valid as (
    select * from {{ valid_rows('registrations') }}
),

typed as (
    select
        file_id,
        line,
        parse_any_date(extract_date) as extract_date,
        date_trunc('month', parse_any_date(extract_date))::date as quarter,
        upper(trim(practice_code)) as practice_code,
        nullif(trim(practice_name), '') as practice_name,
        upper(trim(lsoa_code)) as lsoa_code,
        coalesce(nullif(upper(trim(sex)), ''), 'ALL') as sex,
        try_cast(trim(number_of_patients) as integer) as patients
    from valid
)

select * from typed
