-- Registered patients per practice and release: the list (from the LSOA file, so it matches the
-- crosswalk's weights) and those aged 65 and over (from the age-band file).
with lists as (
    select
        practice_code,
        quarter,
        sum(patients) as patients
    from {{ ref('fct_registrations') }}
    group by practice_code, quarter
),

aged as (
    select
        practice_code,
        quarter,
        sum(patients) as patients_65_plus
    from {{ ref('fct_practice_population') }}
    where sex = 'ALL' and age_lower >= 65
    group by practice_code, quarter
)

select
    lists.practice_code,
    lists.quarter,
    lists.patients::integer as patients,
    aged.patients_65_plus::integer as patients_65_plus
from lists
left join aged using (practice_code, quarter)
