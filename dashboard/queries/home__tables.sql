-- Every table in the warehouse with its row count, and what each model holds.
select
    tables.table_name,
    tables.row_count,
    -- tables that are not models: code lists and definitions (ref_), or the build's own records
    coalesce(models.layer, case
        when tables.table_name like 'ref\_%' escape '\' then 'reference lists'
        else 'data quality / metadata'
    end) as layer,
    models.grain,
    models.note
from meta_tables as tables
left join meta_models as models on tables.table_name = models.model
order by
    case when models.layer = 'marts' then 0 when models.layer = 'intermediate' then 1 else 2 end,
    tables.table_name
