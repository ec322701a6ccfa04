-- ASCOF open data, typed. Suppression and not-available tokens are kept as a status, never as zero:
-- [c] and c are suppressed (small numbers); [x], [z], x and : are not available; empty is missing.
with valid as (
    select * from {{ valid_rows('ascof') }}
),

typed as (
    select
        file_id,
        line,
        financial_year,
        case label_key(geographical_level)
            when 'council' then 'Council'
            when 'region' then 'Region'
            when 'council type' then 'Council type'
            when 'england' then 'England'
        end as geographical_level,
        trim(geographical_code) as geographical_code,
        nullif(trim(geographical_description), '') as geographical_description,
        nullif(upper(trim(ons_code)), '') as ons_code,
        trim(measure_code) as published_measure_code,
        -- 2A(2)_1415 and 2A2 are the same code: drop brackets and any year suffix
        split_part(regexp_replace(upper(trim(measure_code)), '[()\s]', '', 'g'), '_', 1) as measure_code,
        trim(disaggregation) as disaggregation,
        case label_key(measure_type)
            when 'numerator' then 'numerator'
            when 'denominator' then 'denominator'
            when 'outcome' then 'outcome'
            when 'base' then 'base'
            when 'margin of error' then 'margin_of_error'
        end as measure_type,
        trim(coalesce(measure_value, '')) as published_value,
        parse_number(measure_value) as measure_value,
        case
            when lower(trim(coalesce(measure_value, ''))) in ('[c]', 'c') then 'suppressed'
            when lower(trim(coalesce(measure_value, ''))) in ('[x]', '[z]', 'x', ':') then 'not available'
            when trim(coalesce(measure_value, '')) = '' then 'missing'
            else 'published'
        end as value_status,
        nullif(trim(measure_group), '') as measure_group,
        nullif(trim(measure_group_description), '') as measure_group_description
    from valid
)

select * from typed
