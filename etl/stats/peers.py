"""Nearest-neighbour peers: the areas most like each area on a few standardised features.

The approach of CIPFA's Nearest Neighbours model (the one councils use to choose comparators), made
open: each feature is standardised over all the areas compared (z = (x - mean) / standard deviation,
the population standard deviation), multiplied by the square root of its weight, and the distance
between two areas is the Euclidean distance between their weighted z-scores,

    d(a, b) = sqrt( sum over features f of  w_f * (z_a,f - z_b,f)^2 ).

Each area's peers are the k areas at the smallest distance, itself left out; equal distances are broken
by the order the areas are given in (the models give them by code), so the same data always gives the
same peers. The features and weights are declared in etl/method.yml and shown on Data and methods.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

BLOCK = 512  # rows of the distance matrix worked out at once: 512 x 6,300 practices is 26 MB


@dataclass(frozen=True)
class Peers:
    """For area i, peers[i] its k nearest areas (positions) nearest first, distances[i] their distances."""

    peers: np.ndarray  # (areas, k) int
    distances: np.ndarray  # (areas, k) float


def standardise(features: np.ndarray) -> np.ndarray:
    """Each column as z-scores over the rows; a column with no spread (every area the same) is all 0, as
    it cannot tell areas apart."""
    features = np.asarray(features, dtype=float)
    spread = features.std(axis=0)
    centred = features - features.mean(axis=0)
    return np.divide(centred, spread, out=np.zeros_like(centred), where=spread > 0)


def nearest(features: np.ndarray, weights: np.ndarray, k: int) -> Peers:
    """The k nearest peers of every row of features (areas x features, no missing values)."""
    z = standardise(features) * np.sqrt(np.asarray(weights, dtype=float))
    count = len(z)
    k = min(k, count - 1)
    # a few more candidates than needed, so that a tie at the k-th place is still broken by position
    spare = min(count, k + 1 + 8)
    peers = np.empty((count, k), dtype=np.int64)
    distances = np.empty((count, k))
    for start in range(0, count, BLOCK):
        block = z[start:start + BLOCK]
        squared = np.zeros((len(block), count))
        for column in range(z.shape[1]):  # feature by feature: no (block x areas x features) array
            squared += (block[:, column, None] - z[None, :, column]) ** 2
        rows = np.arange(len(block))
        squared[rows, start + rows] = np.inf  # an area is not its own peer
        candidates = (np.argpartition(squared, spare - 1, axis=1)[:, :spare] if spare < count
                      else np.tile(np.arange(count), (len(block), 1)))
        chosen = np.take_along_axis(squared, candidates, axis=1)
        order = np.lexsort((candidates, chosen), axis=1)[:, :k]  # by distance, then by position
        peers[start:start + len(block)] = np.take_along_axis(candidates, order, axis=1)
        distances[start:start + len(block)] = np.sqrt(np.take_along_axis(chosen, order, axis=1))
    return Peers(peers, distances)


def peer_table(features: pd.DataFrame, columns: list[str], weights: list[float], k: int) -> pd.DataFrame:
    """One row per area and peer (code, peer_code, peer_rank from 1 = nearest, distance) for the areas in
    features (a `code` column and the feature columns, in the order ties are broken by)."""
    if len(features) < 2:
        return pd.DataFrame({"code": [], "peer_code": [], "peer_rank": [], "distance": []}).astype(PEER_TYPES)
    found = nearest(features[columns].to_numpy(dtype=float), np.asarray(weights, dtype=float), k)
    codes = features["code"].to_numpy(dtype=object)
    per_area = found.peers.shape[1]
    return pd.DataFrame({
        "code": codes.repeat(per_area),
        "peer_code": codes[found.peers.ravel()],
        "peer_rank": np.tile(np.arange(1, per_area + 1), len(codes)),
        "distance": found.distances.ravel(),
    }).astype(PEER_TYPES)


PEER_TYPES = {"code": "string", "peer_code": "string", "peer_rank": "Int64", "distance": "float64"}
