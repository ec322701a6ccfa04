-- DuckDB macros shared by the models. Loaded before any model runs.

-- Every date format FORMATS.md lists: 04JAN2021, 01Jan2022, 01-Sep-20, 01Oct2025, 20210401, ISO.
create or replace macro parse_any_date(value) as
cast(try_strptime(trim(value), ['%d%b%Y', '%d-%b-%y', '%d-%b-%Y', '%Y%m%d', '%Y-%m-%d', '%d/%m/%Y']) as date);

-- A double held exactly, to add up with sum(exact(x))::double: a plain sum of doubles depends on the
-- order rows arrive in (which varies with DuckDB's threads), so its last bits could differ between
-- two builds of the same files; decimals add up as integers, in any order to the same total.
create or replace macro exact(value) as
value::decimal(38, 18);

-- Postcodes are matched upper-case with every space removed ('ST4  1AB' = 'st41ab').
create or replace macro postcode_key(value) as
nullif(regexp_replace(upper(coalesce(value, '')), '[^A-Z0-9]', '', 'g'), '');

-- Names and codes as the dashboard's search compares them (dashboard/search.py normalise() is the same
-- rule, and a test holds the two together): upper case without accents, '&' as AND, apostrophes and full
-- stops dropped ("St. John's" = "ST JOHNS"), any other run of punctuation or space one space.
create or replace macro search_text(value) as
trim(regexp_replace(
    regexp_replace(replace(upper(strip_accents(coalesce(value, ''))), '&', ' AND '), '[''’.]', '', 'g'),
    '[^A-Z0-9]+', ' ', 'g'
));

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


-- A month from any spelling councils and extracts use: 2025-09, 202509, 01/09/2025, Sep-25, 2025-09-01.
create or replace macro parse_month(value) as
cast(date_trunc('month', case
    when regexp_full_match(trim(value), '[0-9]{4}-[0-9]{1,2}') then try_strptime(trim(value) || '-01', '%Y-%m-%d')
    when regexp_full_match(trim(value), '[0-9]{6}') then try_strptime(trim(value) || '01', '%Y%m%d')
    when regexp_full_match(trim(value), '[0-9]{1,2}/[0-9]{4}') then try_strptime('01/' || trim(value), '%d/%m/%Y')
    else try_strptime(trim(value), ['%d/%m/%Y', '%b-%y', '%b-%Y', '%b %Y', '%Y-%m-%d', '%d%b%Y', '%d-%b-%y', '%Y%m%d'])
end) as date);

-- Numbers as published: '1,234.5' is 1234.5; empty and text are null.
create or replace macro parse_number(value) as
try_cast(replace(trim(value), ',', '') as double);

-- Pounds as typed into templates: '£1,234', ' 1234.50 ' and 1234.5 are all 1234.5.
create or replace macro parse_money(value) as
try_cast(regexp_replace(trim(value), '^£|,|\s', '', 'g') as double);

-- Labels from drop-down lists, compared without regard to case or runs of spaces.
create or replace macro label_key(value) as
lower(trim(regexp_replace(coalesce(value, ''), '\s+', ' ', 'g')));

-- A financial year's first day: '2023-24' -> 2023-04-01.
create or replace macro financial_year_start(label) as
make_date(try_cast(left(trim(label), 4) as integer), 4, 1);

-- The financial year a date falls in: 2024-02-01 -> '2023-24'.
create or replace macro financial_year_of(day) as
(year(day) - case when month(day) < 4 then 1 else 0 end)::varchar || '-'
|| lpad(((year(day) - case when month(day) < 4 then 1 else 0 end + 1) % 100)::varchar, 2, '0');

-- How a period is shown: months as 2024-01, financial years as 2023-24.
create or replace macro period_label(period_type, period_start) as
case period_type when 'month' then strftime(period_start, '%Y-%m') else financial_year_of(period_start) end;
