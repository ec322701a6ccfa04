-- Practices with a registration release: the codes the practice filter accepts, and their names. Which of
-- them a selection narrows the filter bar to is filters__selected_practices.
select
    practices.practice_code,
    practices.practice_name
from dim_practice as practices
where practices.last_registration_quarter is not null
order by practices.practice_name, practices.practice_code
