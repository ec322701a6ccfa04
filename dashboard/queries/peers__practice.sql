-- A practice and its nearest neighbours (mart_practice_peers), nearest first, each with the features it was
-- compared on. The practice itself is row 0 (distance 0).
with chosen as (
    select
        $practice as practice_code,
        $practice as peer_code,
        0 as peer_rank,
        0.0 as distance
    union all
    select
        practice_code,
        peer_code,
        peer_rank,
        distance
    from mart_practice_peers
    where practice_code = $practice
)

select
    chosen.peer_code as practice_code,
    coalesce(practices.practice_name, chosen.peer_code) as practice_name,
    practices.home_council_name,
    chosen.peer_rank,
    chosen.distance,
    features.patients,
    features.share_65_plus,
    features.share_other_council,
    features.imd_score
from chosen
inner join int_practice__peer_features as features on chosen.peer_code = features.practice_code
left join dim_practice as practices on chosen.peer_code = practices.practice_code
order by chosen.peer_rank
