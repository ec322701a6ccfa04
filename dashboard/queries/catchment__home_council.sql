-- The home council of the selected practice (where its postcode is, else where most of its patients
-- live): a practice's map outlines it more heavily than the other councils drawn.
select
    home_council_code,
    home_council_name
from dim_practice
where practice_code = $practice
