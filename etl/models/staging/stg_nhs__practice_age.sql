-- Registered patients by practice, sex and 5-year age band, typed; band bounds parsed.
with valid as (
    select * from {{ valid_rows('practice_age') }}
),

typed as (
    select
        file_id,
        line,
        parse_any_date(extract_date) as extract_date,
        date_trunc('month', parse_any_date(extract_date))::date as quarter,
        upper(trim(practice_code)) as practice_code,
        upper(trim(sex)) as sex,
        upper(trim(age_group)) as age_band,
        case
            when upper(trim(age_group)) = 'ALL' then null
            when trim(age_group) = '95+' then 95
            else try_cast(split_part(trim(age_group), '_', 1) as integer)
        end as age_lower,
        case
            when upper(trim(age_group)) in ('ALL', '95+') then null
            else try_cast(split_part(trim(age_group), '_', 2) as integer)
        end as age_upper,
        try_cast(trim(number_of_patients) as integer) as patients
    from valid
)

select * from typed
