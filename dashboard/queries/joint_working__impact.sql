-- The impact of joint working for the selection, one row per outcome (mart_joint_working_impact):
--   $area_type 'all': every practice in the data;
--   'council': the selected council's row;
--   'icb': the ICB holding most of the selected practices (a practice, PCN, sub-ICB or locality).
-- No rows when the area has no estimate at all; a row with a note when it was too small to estimate.
with final as (
    select *
    from mart_joint_working_impact
    where
        area_type = $area_type
        and case $area_type
            when 'all' then true
            when 'council' then area_code = $council
            else area_code = (select icb_code from main_icb(
                $council, $locality, $sub_icb, $pcn, $practice, group_practices := $group_practices
            ))
        end
)

select * from final
order by outcome
