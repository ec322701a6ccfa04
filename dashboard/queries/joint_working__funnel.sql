-- Practices to compare on a funnel plot of JW04 "Care plans reviewed" in one quarter ($quarter): each
-- practice's numerator (patients with a plan reviewed) and denominator (complex-needs patients) from
-- its return, whether it is in the selection, and the name of the area shown (the practices of
-- funnel_area_practices in _macros.sql, as on the Outcomes funnel).
with returned as (
    select
        practice_code,
        numerator as num,
        denominator as den
    from fct_joint_working
    where
        indicator_id = 'JW04'
        and quarter_start = cast($quarter as date)
        and numerator is not null and denominator is not null
        and numerator <= denominator
),

final as (
    select
        shown.practice_code as code,
        shown.practice_name as name,
        returned.num,
        returned.den,
        shown.is_selected as selected,
        shown.area_name as scope_name
    from
        funnel_area_practices(
            $council, $locality, $sub_icb, $pcn, $practice, deprivation := $deprivation,
            group_practices := $group_practices
        ) as shown
    inner join returned using (practice_code)
)

select * from final
order by code
