-- The Better Care Fund, in the period's financial year, of each council a practice's patients live in,
-- with the practice's patients there and their share of its list (registrations release as the council
-- split: release_for_period). One row per council, largest first;
-- councils with no plan loaded for the year have empty money columns.
with releases as (
    select distinct quarter from mart_practice_council_share
    where practice_code = $code
),

chosen as (
    select release_for_period(quarter, $period) as quarter
    from releases
),

councils as (
    select
        shares.area_code as council_code,
        shares.area_name as council_name,
        shares.patients,
        shares.share
    from mart_practice_council_share as shares
    inner join chosen using (quarter)
    where shares.practice_code = $code and shares.area_kind = 'council'
),

final as (
    select
        councils.council_code,
        councils.council_name,
        councils.patients,
        councils.share,
        bcf.financial_year,
        bcf.planned_gbp,
        bcf.actual_gbp,
        bcf.planned_per_head_gbp,
        bcf.actual_per_head_gbp,
        bcf.share_social_care
    from councils
    left join mart_bcf_summary as bcf
        on bcf.hwb_code = councils.council_code and bcf.financial_year = $period
)

select * from final
order by patients desc, council_name
