"""Each council's nearest neighbours: the councils most like it, as comparators ("similar areas").

The features (int_council__peer_features) are standardised over every council with data, weighted by
etl/method.yml (peers) and compared by Euclidean distance (etl/stats/peers.py, CIPFA's nearest-neighbours
approach, open): each council gets its peer_council_count nearest, nearest first, with the distance.
"""

from __future__ import annotations

import pandas as pd

from etl.impact import setting
from etl.stats.peers import peer_table

READS = ("int_council__peer_features",)
# (feature as the query below names it, its weight in etl/method.yml). Size is compared on a log scale:
# a council of 200,000 residents is as far from one of 100,000 as one of 1,000,000 is from 500,000.
FEATURES = (("log_residents", "peer_weight_size"), ("share_65_plus", "peer_weight_age"),
            ("share_elsewhere", "peer_weight_elsewhere"))


def build(con) -> pd.DataFrame:
    features = con.execute("""
        select council_code as code, ln(residents) as log_residents, share_65_plus,
            coalesce(share_at_practices_elsewhere, 0) as share_elsewhere
        from int_council__peer_features
        order by council_code""").df()
    peers = peer_table(features, [name for name, _ in FEATURES], [setting(con, weight) for _, weight in FEATURES],
                       int(setting(con, "peer_council_count")))
    return peers.rename(columns={"code": "council_code"})
