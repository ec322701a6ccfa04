-- The catchment thresholds the marts used (etl/method.yml, copied into meta_method), for the
-- page's definitions: boundary_share_threshold, serve_min_share, serve_min_patients.
select
    name,
    value
from meta_method
where method_group = 'catchment'
