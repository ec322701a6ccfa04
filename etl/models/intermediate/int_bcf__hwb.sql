-- Health and Wellbeing Boards by name: a BCF workbook names its HWB, never its code. An HWB is an
-- upper-tier (social care) council; names are compared without regard to case or spacing.
select
    label_key(council_name) as name_key,
    council_code
from {{ ref('dim_council') }}
where is_social_care_council
