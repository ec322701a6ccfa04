-- The impact of joint working for the selection, one row per outcome (mart_joint_working_impact):
--   $area_type 'all': every practice in the data;
--   'council': the selected council's row;
--   'icb': the ICB holding most of the selected practices (a practice, PCN, sub-ICB or locality).
-- No rows when the area has no estimate at all; a row with a note when it was too small to estimate.
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
),

final as (
    select *
    from mart_joint_working_impact
    where area_type = $area_type
        and case $area_type
            when 'all' then true
            when 'council' then area_code = $council
            else area_code = (select icb_code from chosen_icb)
        end
)

select * from final
order by outcome
