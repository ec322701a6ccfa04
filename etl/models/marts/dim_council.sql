-- One row per council code: districts, unitaries, metropolitan and London boroughs, and counties.
-- parent_upper_tier_code is the social care council (and health and wellbeing board area).
with lads as (
    select * from {{ ref('int_lad__upper_tier') }}
),

councils as (
    select
        lad_code as council_code,
        lad_name as council_name,
        upper_tier_code as parent_upper_tier_code
    from lads
    union all
    select
        upper_tier_code,
        upper_tier_name,
        upper_tier_code
    from lads
    where upper_tier_code is not null
),

deduplicated as (
    select
        council_code,
        max(council_name) as council_name,
        max(parent_upper_tier_code) as parent_upper_tier_code
    from councils
    group by council_code
),

final as (
    select
        deduplicated.council_code,
        deduplicated.council_name,
        council_tier(deduplicated.council_code) as tier,
        deduplicated.parent_upper_tier_code,
        parent.council_name as parent_upper_tier_name,
        deduplicated.council_code = deduplicated.parent_upper_tier_code as is_social_care_council,
        left(deduplicated.council_code, 1) = 'E' as is_english
    from deduplicated
    left join deduplicated as parent on deduplicated.parent_upper_tier_code = parent.council_code
)

select * from final
