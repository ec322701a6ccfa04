"""Each practice's nearest neighbours: the practices most like it, as comparators ("similar practices").

As mart_council_peers, over every practice with data (int_practice__peer_features): list size (log
scale), the share of patients aged 65 and over and the share living under another council than the
practice's home council, weighted by etl/method.yml (peers); peer_practice_count nearest each.
"""

from __future__ import annotations

import pandas as pd

from etl.impact import setting
from etl.stats.peers import peer_table

READS = ("int_practice__peer_features",)
FEATURES = (("log_patients", "peer_weight_size"), ("share_65_plus", "peer_weight_age"),
            ("share_elsewhere", "peer_weight_elsewhere"))


def build(con) -> pd.DataFrame:
    features = con.execute("""
        select practice_code as code, ln(patients) as log_patients, share_65_plus,
            share_other_council as share_elsewhere
        from int_practice__peer_features
        order by practice_code""").df()
    peers = peer_table(features, [name for name, _ in FEATURES], [setting(con, weight) for _, weight in FEATURES],
                       int(setting(con, "peer_practice_count")))
    return peers.rename(columns={"code": "practice_code"})
