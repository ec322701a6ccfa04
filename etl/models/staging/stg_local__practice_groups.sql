-- Shared groups of practices (local file): one row per group member, as the file lists it. The rows the
-- cross-row checks rejected (unknown codes, repeated members, second names: etl/practice_groups.py) are
-- not valid rows, so each group here has one name and each member once.
with valid as (
    select * from {{ valid_rows('practice_groups') }}
),

typed as (
    select
        file_id,
        line,
        upper(trim(group_code)) as group_code,
        trim(group_name) as group_name,
        label_key(member_type) as member_type,
        upper(trim(member_code)) as member_code
    from valid
)

select * from typed
