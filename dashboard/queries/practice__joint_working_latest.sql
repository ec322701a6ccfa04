-- A practice's joint-working indicators in its latest quarter with a return at or before the period's
-- end: each indicator's value with its unit (and in words: 'yes', '53.2%', '1.0 meetings per quarter') and its
-- 0-100 score. One row per indicator returned.
with chosen as (
    select max(quarter_start) as quarter_start
    from fct_joint_working
    where practice_code = $code and quarter_start <= period_last_day($period)
),

final as (
    select
        jw.indicator_id,
        jw.indicator_name,
        jw.domain,
        jw.quarter_label,
        jw.value,
        jw.unit,
        case
            when jw.value is null then 'not given'
            when jw.unit = 'yes/no' then case when jw.value >= 1 then 'yes' else 'no' end
            when jw.unit = '%' then format('{:.1f}%', jw.value)
            else format('{:.1f} {}', jw.value, jw.unit)
        end as value_text,
        jw.score,
        coalesce(jw.notes, '') as notes
    from fct_joint_working as jw
    inner join chosen using (quarter_start)
    where jw.practice_code = $code
)

select * from final
order by indicator_id
