-- IoD2025 File 7: each 2021 LSOA's Index of Multiple Deprivation score, rank and decile, and the
-- population MHCLG weights area summaries by (optional in the file: null when not published in it).
with valid as (
    select * from {{ valid_rows('iod2025') }}
),

typed as (
    select
        file_id,
        upper(trim(lsoa21_code)) as lsoa21_code,
        nullif(trim(lad_code), '') as lad_code,
        parse_number(imd_score) as imd_score,
        try_cast(trim(imd_rank) as integer) as imd_rank,
        try_cast(trim(imd_decile) as integer) as imd_decile,
        try_cast(trim(population) as bigint) as population
    from valid
)

select * from typed
