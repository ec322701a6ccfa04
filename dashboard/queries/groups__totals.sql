-- A group's practices together ($group_practices, comma-separated): how many, and their registered patients
-- in each practice's latest registrations release. One row.
with chosen as (
    select practice_code from dim_practice
    where list_contains(string_split(coalesce($group_practices, ''), ','), practice_code)
),

latest_lists as (
    select
        practice_code,
        patients_total
    from mart_catchment_practice
    where practice_code in (select practice_code from chosen)
    qualify quarter = max(quarter) over (partition by practice_code)
)

select
    (select count(*) from chosen) as practices,
    (select sum(patients_total) from latest_lists) as registered_patients
