-- Social care councils (English upper-tier councils), the council filter's options.
select
    council_code,
    council_name
from dim_council
where is_social_care_council and is_english
order by council_name
