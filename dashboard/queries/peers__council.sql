-- A council and its nearest neighbours (mart_council_peers), nearest first, each with the features it was
-- compared on, so a reader can see why they are alike. The council itself is row 0 (distance 0).
with chosen as (
    select
        $council as council_code,
        $council as peer_code,
        0 as peer_rank,
        0.0 as distance
    union all
    select
        council_code,
        peer_code,
        peer_rank,
        distance
    from mart_council_peers
    where council_code = $council
)

select
    chosen.peer_code as council_code,
    coalesce(councils.council_name, chosen.peer_code) as council_name,
    chosen.peer_rank,
    chosen.distance,
    features.residents,
    features.share_65_plus,
    features.share_at_practices_elsewhere,
    features.imd_score
from chosen
inner join int_council__peer_features as features on chosen.peer_code = features.council_code
left join dim_council as councils on chosen.peer_code = councils.council_code
order by chosen.peer_rank
