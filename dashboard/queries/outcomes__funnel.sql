-- Practices to compare on a funnel plot for one monthly measure over the selected financial year:
-- each practice's numerator and denominator summed over the year's months (both known), whether it
-- is in the selection, and the name of the area shown. The area:
--   a practice, PCN or locality: the practices based in its council(s);
--   a sub-ICB: every practice in its ICB;
--   a council: the practices based in it;
--   nothing: every practice.
-- Short column names keep the response small at England scale (6,300 practices).
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

year_values as (
    select practice_code, sum(numerator) as num, sum(denominator) as den
    from mart_outcomes_practice
    where measure_id = $measure
        and period_type = 'month'
        and period_start between period_first_day($period) and period_last_day($period)
        and numerator is not null and denominator is not null
    group by practice_code
),

final as (
    select
        shown.practice_code as code,
        shown.practice_name as name,
        year_values.num,
        year_values.den,
        -- the selection is highlighted only when it is narrower than the practices shown
        ($practice is not null or $pcn is not null or $locality is not null or $sub_icb is not null)
            and shown.practice_code in (select practice_code from chosen) as selected,
        (select name from scope_name) as scope_name
    from shown
    inner join year_values using (practice_code)
)

select * from final
order by code
