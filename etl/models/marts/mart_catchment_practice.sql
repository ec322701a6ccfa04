-- One row per practice and quarter: how its list splits between its home council and others.
-- share_other_council = patients living under a social care authority other than the home
-- council (another English council, or outside England) / patients whose residence is known
-- (all patients less CLOSED, EMPTY and UNMAPPED). Thresholds come from etl/method.yml.
with shares as (
    select * from {{ ref('mart_practice_council_share') }}
),

practices as (
    select
        practice_code,
        home_council_code,
        home_council_rule
    from {{ ref('dim_practice') }}
),

totals as (
    select
        shares.practice_code,
        shares.quarter,
        any_value(practices.home_council_code) as home_council_code,
        any_value(practices.home_council_rule) as home_council_rule,
        sum(shares.patients) as patients_total,
        sum(shares.patients) filter (
            where shares.area_kind = 'council' and shares.area_code = practices.home_council_code
        ) as patients_home_council,
        sum(shares.patients) filter (
            where shares.area_kind = 'council' and shares.area_code is distinct from practices.home_council_code
        ) as patients_other_council,
        sum(shares.patients) filter (where shares.area_kind = 'outside England') as patients_outside_england,
        sum(shares.patients) filter (where shares.area_kind = 'unknown residence') as patients_unknown_residence,
        count(*) filter (
            where shares.area_kind = 'council'
            and (shares.share >= getvariable('serve_min_share') or shares.patients >= getvariable('serve_min_patients'))
        ) as councils_served
    from shares
    left join practices using (practice_code)
    group by shares.practice_code, shares.quarter
),

largest_other as (
    select
        shares.practice_code,
        shares.quarter,
        shares.area_code,
        shares.patients
    from shares
    inner join practices using (practice_code)
    where shares.area_kind = 'council' and shares.area_code is distinct from practices.home_council_code
    qualify row_number() over (
        partition by shares.practice_code, shares.quarter order by shares.patients desc, shares.area_code
    ) = 1
),

final as (
    select
        totals.practice_code,
        totals.quarter,
        totals.home_council_code,
        totals.home_council_rule,
        totals.patients_total::integer as patients_total,
        coalesce(totals.patients_home_council, 0)::integer as patients_home_council,
        coalesce(totals.patients_other_council, 0)::integer as patients_other_council,
        coalesce(totals.patients_outside_england, 0)::integer as patients_outside_england,
        coalesce(totals.patients_unknown_residence, 0)::integer as patients_unknown_residence,
        case
            when
                totals.home_council_code is not null
                and totals.patients_total - coalesce(totals.patients_unknown_residence, 0) > 0
                then
                    (coalesce(totals.patients_other_council, 0) + coalesce(totals.patients_outside_england, 0))
                    / (totals.patients_total - coalesce(totals.patients_unknown_residence, 0))
        end as share_other_council,
        coalesce(totals.patients_unknown_residence, 0) / totals.patients_total as share_unknown_residence,
        totals.councils_served::integer as councils_served,
        largest_other.area_code as largest_other_council_code,
        largest_other.patients / totals.patients_total as largest_other_council_share
    from totals
    left join largest_other using (practice_code, quarter)
),

flagged as (
    select
        *,
        coalesce(share_other_council > getvariable('boundary_share_threshold'), false) as is_boundary_practice
    from final
)

select * from flagged
