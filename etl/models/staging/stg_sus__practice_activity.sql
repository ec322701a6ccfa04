-- SUS-derived practice activity, typed: one row per practice, month and measure.
-- Measures are matched to indicator definitions by their published labels (etl/indicators/*.yml).
with valid as (
    select * from {{ valid_rows('sus_activity') }}
),

months as (
    -- parse each distinct spelling of a month once, not once per row
    select
        published,
        parse_month(published) as activity_month
    from (select distinct activity_month as published from {{ source('sus_activity') }}) as spellings
),

measures as (
    select
        label_key(label) as label,
        indicator_id
    from {{ ref('ref_indicators') }}, unnest(source_labels) as labels (label)
    where source = 'sus_activity'
)

select
    valid.file_id,
    valid.line,
    months.activity_month,
    upper(trim(valid.practice_code)) as practice_code,
    measures.indicator_id as measure_id,
    trim(valid.measure) as measure_label,
    try_cast(trim(valid.activity_count) as integer) as activity_count
from valid
inner join months on valid.activity_month = months.published
inner join measures on label_key(valid.measure) = measures.label
