-- The parallel-trends check behind the Impact panel (mart_joint_working_pretrends) for the same area
-- as joint_working__impact.sql: adopting practices' index by quarter from joining, beside what the
-- comparison practices predict for them (100 = their mean before joining). One row per outcome and quarter.
with chosen_icb as (
    select practices.icb_code
    from dim_practice as practices
    where practices.practice_code in (
        select practice_code from selected_practices($council, $locality, $sub_icb, $pcn, $practice)
    )
        and practices.icb_code is not null
    group by practices.icb_code
    order by count(*) desc, practices.icb_code
    limit 1
)

select outcome, quarters_from_adoption, adopters_index, comparators_index, adopters_practices
from mart_joint_working_pretrends
where area_type = $area_type
    and case $area_type
        when 'all' then true
        when 'council' then area_code = $council
        else area_code = (select icb_code from chosen_icb)
    end
order by outcome, quarters_from_adoption
