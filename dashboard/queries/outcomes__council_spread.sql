-- How one outcome measure varies between councils, per period up to the end of the selected
-- financial year: the median council rate and the middle half of councils (lower and upper
-- quartiles), for the whole-area trend when there are too many councils to draw one line each.
with council_values as (
    select
        outcomes.period_start,
        outcomes.rate
    from mart_outcomes_council as outcomes
    inner join dim_council as councils using (council_code)
    where
        outcomes.measure_id = $measure
        and outcomes.period_start <= period_last_day($period)
        and councils.is_social_care_council and councils.is_english
        and outcomes.rate is not null
),

final as (
    select
        period_start,
        count(*) as councils,
        quantile_cont(rate, 0.25) as low,
        median(rate) as rate,
        quantile_cont(rate, 0.75) as high
    from council_values
    group by period_start
)

select * from final
order by period_start
