-- The registrations release (quarter) the Catchment page shows for a financial year: the latest
-- quarter at or before the year's last day (inside the year when there is one), and whether it is
-- inside the year. No row's quarter is null when every release is later than the year.
with releases as (
    select distinct quarter from mart_catchment_council
),

chosen as (
    select max(quarter) as quarter
    from releases
    where quarter <= period_last_day($period)
),

final as (
    select
        quarter,
        quarter >= period_first_day($period) as is_inside_period,
        (select min(quarter) from releases) as first_quarter
    from chosen
)

select * from final
