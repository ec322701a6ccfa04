-- One row per declared source: its title, publisher, address, schedule and notes, whether any file of it
-- was found, the files and rows loaded and rejected, and the period its data cover (first and last
-- period found in the tables it feeds; lookups and boundaries are not dated).
with

files as (
    select
        source,
        count(*) as files,
        sum(rows_read)::bigint as rows_read,
        sum(rows_loaded)::bigint as rows_loaded,
        sum(rows_rejected)::bigint as rows_rejected
    from dq_load_log
    group by source
),

coverage as (
    select
        'registrations' as source,
        'quarterly releases' as period_kind,
        strftime(min(quarter), '%B %Y') as first_period,
        strftime(max(quarter), '%B %Y') as last_period,
        count(distinct quarter) as periods
    from fct_registrations
    union all
    select
        'practice_age',
        'releases',
        strftime(min(extract_date), '%B %Y'),
        strftime(max(extract_date), '%B %Y'),
        count(distinct extract_date)
    from fct_practice_population
    union all
    -- the practice dimension keeps the latest map only
    select
        'practice_map',
        'latest extract',
        null,
        strftime(max(map_extract_date), '%B %Y'),
        null
    from dim_practice
    union all
    select
        'sus_activity',
        'months',
        strftime(min(activity_month), '%B %Y'),
        strftime(max(activity_month), '%B %Y'),
        count(distinct activity_month)
    from fct_practice_activity
    union all
    select
        'social_care_events',
        'months',
        strftime(min(event_month), '%B %Y'),
        strftime(max(event_month), '%B %Y'),
        count(distinct event_month)
    from fct_social_care_events
    union all
    select
        'fingertips',
        'time periods',
        arg_min(time_period, time_period_sortable),
        arg_max(time_period, time_period_sortable),
        count(distinct time_period)
    from fct_practice_indicator
    union all
    select
        'ascof',
        'financial years',
        min(financial_year),
        max(financial_year),
        count(distinct financial_year)
    from fct_ascof
    union all
    select
        'bcf_plan',
        'financial years',
        min(financial_year),
        max(financial_year),
        count(distinct financial_year)
    from int_bcf__plan_lines
    union all
    select
        'bcf_year_end',
        'financial years',
        min(financial_year),
        max(financial_year),
        count(distinct financial_year)
    from int_bcf__year_end_lines
    union all
    select
        'joint_working_return',
        'quarters',
        arg_min(quarter_label, quarter_start),
        arg_max(quarter_label, quarter_start),
        count(distinct quarter_start)
    from fct_joint_working
),

final as (
    select
        sources.source,
        sources.title,
        sources.publisher,
        sources.url,
        sources.schedule,
        sources.file_pattern,
        sources.notes,
        sources.present,
        coalesce(files.files, 0) as files,
        coalesce(files.rows_read, 0) as rows_read,
        coalesce(files.rows_loaded, 0) as rows_loaded,
        coalesce(files.rows_rejected, 0) as rows_rejected,
        coverage.period_kind,
        coverage.first_period,
        coverage.last_period,
        coverage.periods
    from meta_sources as sources
    left join files using (source)
    -- an empty fact gives a row of nulls: keep only periods that exist
    left join (
        select * from coverage
        where last_period is not null
    ) as coverage
        using (source)
)

select * from final
order by not present, title
