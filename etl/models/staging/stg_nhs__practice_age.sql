-- Registered patients by practice, sex and 5-year age band, typed; band bounds parsed.
with valid as (
    select * from {{ valid_rows('practice_age') }}
),

release_dates as (
    -- a release has one extract date: parse each distinct spelling once, not once per row
    -- (read from the raw table, so the valid rows are computed once)
    select
        extract_date as published_date,
        parse_any_date(extract_date) as extract_date
    from (select distinct extract_date from {{ source('practice_age') }}) as spellings
),

typed as (
    select
        file_id,
        line,
        release_dates.extract_date,
        date_trunc('month', release_dates.extract_date)::date as quarter,
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
    inner join release_dates on valid.extract_date = release_dates.published_date
)

select * from typed
