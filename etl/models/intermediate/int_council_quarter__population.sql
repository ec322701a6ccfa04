-- Registered residents of each council per release, all ages and aged 65 and over. A practice's
-- residents in a council are taken to have the practice's age profile (the age file is by practice,
-- not by LSOA).
with weights as (
    select * from {{ ref('int_practice_council__weights') }}
),

practices as (
    select * from {{ ref('int_practice_quarter__population') }}
)

select
    weights.council_code,
    weights.quarter,
    sum(weights.residents)::integer as residents,
    round(sum(weights.residents * practices.patients_65_plus / nullif(practices.patients, 0)))::integer
        as residents_65_plus
from weights
inner join practices using (practice_code, quarter)
group by weights.council_code, weights.quarter
