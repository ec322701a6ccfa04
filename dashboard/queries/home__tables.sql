-- Every table in the warehouse with its row count, and what each model holds.
select
    tables.table_name,
    tables.row_count,
    models.layer,
    models.grain,
    models.note
from meta_tables as tables
left join meta_models as models on tables.table_name = models.model
order by
    case when models.layer = 'marts' then 0 when models.layer = 'intermediate' then 1 else 2 end,
    tables.table_name
