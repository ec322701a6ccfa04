-- Practices to compare on a funnel plot of JW04 "Care plans reviewed" in one quarter ($quarter): each
-- practice's numerator (patients with a plan reviewed) and denominator (complex-needs patients) from
-- its return, whether it is in the selection, and the name of the area shown. The area, as on the
-- Outcomes funnel: a practice, PCN or locality: the practices based in its council(s); a sub-ICB: its
-- ICB; a council: its practices; nothing: every practice.
with kind as (
    select case
        when $practice is not null or $pcn is not null or $locality is not null then 'council'
        when $sub_icb is not null then 'icb'
        when $council is not null then 'council'
        else 'all'
    end as scope
),

chosen as (
    select practice_code from selected_practices($council, $locality, $sub_icb, $pcn, $practice)
),

councils as (
    select council_code from selected_councils($council, $locality, $sub_icb, $pcn, $practice)
),

icbs as (
    select distinct icb_code from dim_practice where practice_code in (select practice_code from chosen)
),

shown as (
    select practice_code, practice_name
    from dim_practice
    where case (select scope from kind)
        when 'council' then home_council_code in (select council_code from councils)
        when 'icb' then icb_code in (select icb_code from icbs)
        else true
    end
),

scope_name as (
    select case (select scope from kind)
        when 'council' then (
            select string_agg(council_name, ' and ' order by council_name) from dim_council
            where council_code in (select council_code from councils)
        )
        when 'icb' then (select string_agg(distinct icb_name, ' and ') from dim_practice
                         where icb_code in (select icb_code from icbs))
        else 'all practices'
    end as name
),

returned as (
    select practice_code, numerator as num, denominator as den
    from fct_joint_working
    where indicator_id = 'JW04'
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
        ($practice is not null or $pcn is not null or $locality is not null or $sub_icb is not null)
            and shown.practice_code in (select practice_code from chosen) as selected,
        (select name from scope_name) as scope_name
    from shown
    inner join returned using (practice_code)
)

select * from final
order by code
