-- The league table for one quarter: every open practice in the selection with its joint-working
-- index, the four domain scores, whether it has an attached social worker and how many indicators
-- were scored. Practices that sent no return that quarter are listed with empty scores. Short
-- column names keep the response small at England scale (6,300 rows).
with practices as (
    select
        practices.practice_code,
        practices.practice_name,
        practices.pcn_name
    from
        open_practices(
            $council, $locality, $sub_icb, $pcn, $practice, $quarter::date, deprivation := $deprivation,
            group_practices := $group_practices
        )
    inner join dim_practice as practices using (practice_code)
),

returns as (
    select * from mart_joint_working_index
    where quarter_start = $quarter::date
),

final as (
    select
        practices.practice_code as code,
        practices.practice_name as name,
        practices.pcn_name as pcn,
        round(returns.joint_working_index, 1) as jwi,
        round(returns.time_and_space, 1) as tas,
        round(returns.trust_and_roles, 1) as tar,
        round(returns.shared_priorities, 1) as spo,
        round(returns.practical_support, 1) as pso,
        case
            when returns.practice_code is null then 'No return'
            when returns.has_attached_social_worker then 'Yes'
            else 'No'
        end as sw,
        coalesce(returns.indicators_scored, 0) as scored
    from practices
    left join returns using (practice_code)
)

select * from final
order by jwi desc nulls last, name, code
