-- One row per source and area of residence in the quarter: the selection's patients by the social
-- care council they live under, plus two buckets, outside England and unknown residence
-- (mart_practice_council_share). Sources are the practices when the selection has at most 25 with
-- patients, else their PCNs when there are at most 60, else their sub-ICBs, so that a diagram of
-- the flows stays readable. share = patients / the source's whole list.
with practices as (
    select
        practices.practice_code,
        practices.practice_name,
        practices.pcn_code,
        practices.pcn_name,
        practices.sub_icb_code,
        practices.sub_icb_name
    from dim_practice as practices
    where practices.practice_code in (
        select practice_code from selected_practices(
            $council, $locality, $sub_icb, $pcn, $practice, deprivation := $deprivation,
            group_practices := $group_practices
        )
    )
),

shares as (
    select
        shares.*,
        practices.practice_name,
        practices.pcn_code,
        practices.pcn_name,
        practices.sub_icb_code,
        practices.sub_icb_name
    from mart_practice_council_share as shares
    inner join practices using (practice_code)
    where shares.quarter = $quarter
),

level as (
    select
        case
            when count(distinct practice_code) <= 25 then 'practice'
            when count(distinct pcn_code) <= 60 then 'pcn'
            else 'sub_icb'
        end as source_level
    from shares
),

grouped as (
    select
        level.source_level,
        case level.source_level
            when 'practice' then shares.practice_code
            when 'pcn' then coalesce(shares.pcn_code, 'NO_PCN')
            else coalesce(shares.sub_icb_code, 'NO_SUB_ICB')
        end as source_code,
        case level.source_level
            when 'practice' then coalesce(shares.practice_name, shares.practice_code)
            when 'pcn' then coalesce(shares.pcn_name, 'Practices in no PCN')
            else coalesce(shares.sub_icb_name, 'Practices in no sub-ICB')
        end as source_name,
        case shares.area_kind
            when 'council' then shares.area_code
            when 'outside England' then 'OUTSIDE_ENGLAND'
            else 'UNKNOWN_RESIDENCE'
        end as area_code,
        case shares.area_kind
            when 'council' then shares.area_name
            when 'outside England' then 'Outside England'
            else 'Unknown residence'
        end as area_name,
        shares.area_kind,
        sum(shares.patients) as patients
    from shares
    cross join level
    group by all
),

final as (
    select
        source_level,
        source_code,
        source_name,
        area_code,
        area_name,
        area_kind,
        patients::integer as patients,
        patients / sum(patients) over (partition by source_code) as share
    from grouped
)

select * from final
order by source_name, source_code, area_kind, patients desc, area_code
