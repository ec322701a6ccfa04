-- Financial years the dashboard can show, newest first: what data each has (kinds: outcomes, monthly;
-- council outcomes, yearly ASCOF; joint working; Better Care Fund; registrations) and how many months of
-- outcomes (filters.default_period chooses a page's year from these).
with outcome_months as (
    select distinct period_start as day from mart_outcomes_practice
    where period_type = 'month'
),

years as (
    select
        financial_year_of(day) as period,
        'outcomes' as kind,
        max(day) as last_day,
        count(*) as months
    from outcome_months
    group by 1
    union all
    select
        period_label,
        'council outcomes',
        max(period_start),
        null
    from mart_outcomes_council
    where period_type = 'financial year'
    group by 1
    union all
    select
        financial_year_of(quarter_start),
        'joint working',
        max(quarter_start),
        null
    from mart_joint_working_index
    group by 1
    union all
    select
        financial_year,
        'Better Care Fund',
        max(financial_year_start(financial_year)),
        null
    from mart_bcf_summary
    group by 1
    union all
    select
        financial_year_of(quarter),
        'registrations',
        max(quarter),
        null
    from mart_catchment_practice
    group by 1
)

select
    period,
    list(kind order by kind) as kinds,
    max(last_day) filter (where kind = 'outcomes') as last_outcome_month,
    coalesce(max(months) filter (where kind = 'outcomes'), 0) as outcome_months
from years
group by period
order by period desc
