-- ODS organisations from epraccur (practices and other prescribing cost centres), typed.
with valid as (
    select * from {{ valid_rows('epraccur') }}
),

typed as (
    select
        file_id,
        upper(trim(practice_code)) as practice_code,
        nullif(trim(practice_name), '') as practice_name,
        nullif(trim(national_grouping), '') as national_grouping_code,
        nullif(trim(high_level_health_geography), '') as icb_code,
        nullif(upper(trim(postcode)), '') as postcode,
        parse_any_date(open_date) as open_date,
        parse_any_date(nullif(trim(close_date), '')) as close_date,
        trim(status_code) as status_code,
        case trim(status_code)
            when 'A' then 'active'
            when 'C' then 'closed'
            when 'D' then 'dormant'
            when 'P' then 'proposed'
        end as status,
        nullif(trim(commissioner_code), '') as commissioner_code,
        try_cast(trim(prescribing_setting) as integer) as prescribing_setting
    from valid
)

select * from typed
