-- The LSOA vintage (2011 or 2021) of each registrations file, and whether it has all-persons rows.
-- The vintage is decided from the file's codes where the 2011 -> 2021 lookup can tell (codes that
-- exist in only one vintage), else from the release date:
-- NHS England moved the file to 2021 LSOAs during 2023-24 (FORMATS.md §1a), so releases from
-- January 2024 are taken as 2021 codes. The rule used is recorded for the data-quality page.
with codes as (
    select distinct
        file_id,
        lsoa_code
    from {{ ref('stg_nhs__registrations') }}
    where regexp_full_match(lsoa_code, '[EW]01[0-9]{6}')
),

only_2011 as (
    select lsoa11_code as lsoa_code from {{ ref('int_lsoa11__lsoa21') }}
    except
    select lsoa21_code from {{ ref('int_lsoa11__lsoa21') }}
),

only_2021 as (
    select lsoa21_code as lsoa_code from {{ ref('int_lsoa11__lsoa21') }}
    except
    select lsoa11_code from {{ ref('int_lsoa11__lsoa21') }}
),

files as (
    -- one row per file, whatever codes it holds
    select
        file_id,
        min(extract_date) as extract_date,
        bool_or(sex = 'ALL') as has_all_persons
    from {{ ref('stg_nhs__registrations') }}
    group by file_id
),

counted as (
    select
        files.file_id,
        any_value(files.extract_date) as extract_date,
        any_value(files.has_all_persons) as has_all_persons,
        count(only_2011.lsoa_code) as codes_only_in_2011,
        count(only_2021.lsoa_code) as codes_only_in_2021
    from files
    left join codes using (file_id)
    left join only_2011 on codes.lsoa_code = only_2011.lsoa_code
    left join only_2021 on codes.lsoa_code = only_2021.lsoa_code
    group by files.file_id
),

with_quarter as (
    select
        *,
        date_trunc('month', extract_date)::date as quarter
    from counted
),

decided as (
    select
        file_id,
        extract_date,
        quarter,
        has_all_persons,
        codes_only_in_2011,
        codes_only_in_2021,
        case
            when codes_only_in_2021 > codes_only_in_2011 then 2021
            when codes_only_in_2011 > codes_only_in_2021 then 2011
            when extract_date >= date '2024-01-01' then 2021
            else 2011
        end as lsoa_vintage,
        case
            when codes_only_in_2011 > 0 and codes_only_in_2021 > 0 then 'codes of both vintages: the majority'
            when codes_only_in_2011 + codes_only_in_2021 > 0 then 'codes found in only one vintage'
            else 'release date'
        end as vintage_rule
    from with_quarter
)

select * from decided
