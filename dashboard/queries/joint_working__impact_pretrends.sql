-- The parallel-trends check behind the Impact panel (mart_joint_working_pretrends) for the same area
-- as joint_working__impact.sql: adopting practices' index by quarter from joining, beside what the
-- comparison practices predict for them (100 = their mean before joining). One row per outcome and quarter.
select
    outcome,
    quarters_from_adoption,
    adopters_index,
    comparators_index,
    adopters_practices
from mart_joint_working_pretrends
where
    area_type = $area_type
    and case $area_type
        when 'all' then true
        when 'council' then area_code = $council
        else area_code = (select icb_code from main_icb(
            $council, $locality, $sub_icb, $pcn, $practice, group_practices := $group_practices
        ))
    end
order by outcome, quarters_from_adoption
