-- Each practice's outcome measures over each financial year: its months' (or the year's single ASCOF row's)
-- numerators and denominators added up, where both are known. The Outcomes page's funnel, its table of
-- practices and its deprivation deciles read the year from here (dashboard/queries/outcomes__funnel.sql,
-- outcomes__year.sql, outcomes__deprivation.sql): summing every practice's months in England per request
-- took 25-60 ms of each query, the same sums each time. Rates are made from these sums by the queries,
-- never a mean of rates.
select
    measure_id,
    period_type,
    financial_year_of(period_start) as financial_year,
    practice_code,
    sum(numerator) as numerator,
    sum(denominator) as denominator,
    -- the year's mean coverage is coverage_total / coverage_periods (months without a coverage left out)
    sum(coverage) as coverage_total,
    count(coverage) as coverage_periods,
    count(*) as periods
from {{ ref('mart_outcomes_practice') }}
where numerator is not null and denominator is not null
group by measure_id, period_type, financial_year, practice_code
-- stored by measure and year: a page reads one measure's year at a time
order by measure_id, financial_year, period_type, practice_code
