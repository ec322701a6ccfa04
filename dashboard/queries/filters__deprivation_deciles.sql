-- The deprivation deciles the filter offers: those some practice is in (none when no Indices of
-- Deprivation file is loaded).
select distinct deprivation_decile
from mart_practice_deprivation
where deprivation_decile is not null
order by deprivation_decile
