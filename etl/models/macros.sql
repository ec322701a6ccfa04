-- DuckDB macros shared by the models. Loaded before any model runs.

-- Every date format FORMATS.md lists: 04JAN2021, 01Jan2022, 01-Sep-20, 01Oct2025, 20210401, ISO.
create or replace macro parse_any_date(value) as
    cast(try_strptime(trim(value), ['%d%b%Y', '%d-%b-%y', '%d-%b-%Y', '%Y%m%d', '%Y-%m-%d', '%d/%m/%Y']) as date);

-- Postcodes are matched upper-case with every space removed ('ST4  1AB' = 'st41ab').
create or replace macro postcode_key(value) as
    nullif(regexp_replace(upper(coalesce(value, '')), '[^A-Z0-9]', '', 'g'), '');

-- Council tier from the ONS code prefix.
create or replace macro council_tier(code) as
    case left(code, 3)
        when 'E06' then 'unitary authority'
        when 'E07' then 'district'
        when 'E08' then 'metropolitan district'
        when 'E09' then 'London borough'
        when 'E10' then 'county'
        when 'W06' then 'Welsh unitary authority'
        else 'other'
    end;

