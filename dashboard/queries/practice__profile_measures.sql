-- The outcome measures the practice profile draws (`practice_profile: true` in their definition files,
-- etl/indicators), in their declared order: its year table's rows and its month-by-month chooser.
select
    indicator_id as measure_id,
    name
from ref_indicators
where on_practice_profile
order by display_order nulls last, name
