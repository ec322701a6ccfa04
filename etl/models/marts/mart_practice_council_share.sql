-- One row per practice, quarter and area of residence: patients and their share of the list.
-- Areas are English upper-tier (social care) councils, or an explicit bucket for everything else:
-- outside England (WALES, SCOTLAND, NORTHERN_IRELAND, CHANNEL_ISLANDS L99999999, ISLE_OF_MAN
-- M99999999) and unknown residence (CLOSED, EMPTY, UNMAPPED = an English LSOA with no council).
-- Shares sum to 1 for each practice and quarter.
with registrations as (
    select
        practice_code,
        quarter,
        lsoa_code,
        patients
    from {{ ref('fct_registrations') }}
),

lsoas as (
    select
        lsoa_code,
        council_code
    from {{ ref('dim_lsoa') }}
),

classified as (
    select
        registrations.practice_code,
        registrations.quarter,
        registrations.patients,
        case
            when registrations.lsoa_code like 'E01%' then coalesce(lsoas.council_code, 'UNMAPPED')
            when registrations.lsoa_code like 'W01%' then 'WALES'
            when registrations.lsoa_code like 'S01%' then 'SCOTLAND'
            when registrations.lsoa_code like 'N%' then 'NORTHERN_IRELAND'
            when registrations.lsoa_code = 'L99999999' then 'CHANNEL_ISLANDS'
            when registrations.lsoa_code = 'M99999999' then 'ISLE_OF_MAN'
            else registrations.lsoa_code
        end as area_code
    from registrations
    left join lsoas on registrations.lsoa_code = lsoas.lsoa_code
),

aggregated as (
    select
        practice_code,
        quarter,
        area_code,
        sum(patients) as patients
    from classified
    group by practice_code, quarter, area_code
),

final as (
    select
        aggregated.practice_code,
        aggregated.quarter,
        aggregated.area_code,
        case
            when aggregated.area_code in ('WALES', 'SCOTLAND', 'NORTHERN_IRELAND', 'CHANNEL_ISLANDS', 'ISLE_OF_MAN')
                then 'outside England'
            when aggregated.area_code in ('CLOSED', 'EMPTY', 'UNMAPPED') then 'unknown residence'
            else 'council'
        end as area_kind,
        coalesce(
            councils.council_name,
            case aggregated.area_code
                when 'WALES' then 'Wales'
                when 'SCOTLAND' then 'Scotland'
                when 'NORTHERN_IRELAND' then 'Northern Ireland'
                when 'CHANNEL_ISLANDS' then 'Channel Islands'
                when 'ISLE_OF_MAN' then 'Isle of Man'
                when 'CLOSED' then 'Recorded as CLOSED (no current address)'
                when 'EMPTY' then 'Recorded as EMPTY (no address)'
                when 'UNMAPPED' then 'English LSOA not in the lookups'
            end
        ) as area_name,
        aggregated.patients::integer as patients,
        aggregated.patients / sum(aggregated.patients) over (partition by aggregated.practice_code, aggregated.quarter)
            as share
    from aggregated
    left join {{ ref('dim_council') }} as councils on aggregated.area_code = councils.council_code
)

select * from final
