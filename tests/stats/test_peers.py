"""Nearest-neighbour peers (etl/stats/peers.py), on a case small enough to work by hand.

The method is CIPFA's Nearest Neighbours model's, open: features as z-scores (population standard
deviation), weighted, Euclidean distance (CIPFA, "Nearest Neighbours Model", technical guidance, 2018/19
onwards: standardised indicators, weighted, distance summed over indicators). Four areas, two features:

    A (0, 0)   B (1, 0)   C (0, 2)   D (3, 2)

Feature 1: mean 1, deviations -1, 0, -1, 2, variance 6/4 = 1.5, sd 1.2247: z = -0.8165, 0, -0.8165, 1.6330.
Feature 2: mean 1, deviations -1, -1, 1, 1, variance 1, sd 1:            z = -1, -1, 1, 1.
Weights (1, 1):
    d(A,B) = sqrt(0.8165^2)            = 0.8165      d(A,C) = sqrt(0 + 2^2)       = 2
    d(A,D) = sqrt(2.4495^2 + 2^2)      = sqrt(10)    d(B,C) = sqrt(0.6667 + 4)    = 2.1602
    d(B,D) = sqrt(1.6330^2 + 2^2)      = 2.5820      d(C,D) = sqrt(2.4495^2 + 0)  = 2.4495
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from etl.stats.peers import nearest, peer_table, standardise

AREAS = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 2.0], [3.0, 2.0]])  # A, B, C, D


def test_features_become_z_scores_with_the_population_standard_deviation():
    z = standardise(AREAS)
    assert z[:, 0] == pytest.approx([-1 / math.sqrt(1.5), 0, -1 / math.sqrt(1.5), 2 / math.sqrt(1.5)])
    assert z[:, 1] == pytest.approx([-1, -1, 1, 1])
    # a feature every area shares cannot tell them apart: all 0, not a division by zero
    assert standardise(np.array([[5.0, 1.0], [5.0, 2.0]]))[:, 0].tolist() == [0.0, 0.0]


def test_each_area_gets_its_nearest_peers_nearest_first_never_itself():
    found = nearest(AREAS, np.array([1.0, 1.0]), k=2)
    assert found.peers.tolist() == [[1, 2], [0, 2], [0, 1], [2, 1]]  # A: B, C; B: A, C; C: A, B; D: C, B
    assert found.distances[0] == pytest.approx([math.sqrt(2 / 3), 2])
    assert found.distances[1] == pytest.approx([math.sqrt(2 / 3), math.sqrt(2 / 3 + 4)])
    assert found.distances[3] == pytest.approx([math.sqrt(6), math.sqrt(8 / 3 + 4)])


def test_weights_scale_each_feature_and_equal_distances_go_by_order():
    # weight 0 on feature 2: only feature 1 counts. A and C are then alike (distance 0); B is 0.8165 from
    # both, so B's nearest are A then C by order; D is 1.6330 from B and 2.4495 from both A and C: B, then A.
    found = nearest(AREAS, np.array([1.0, 0.0]), k=2)
    assert found.peers.tolist() == [[2, 1], [0, 2], [0, 1], [1, 0]]
    assert found.distances[0] == pytest.approx([0, math.sqrt(2 / 3)])
    # weight 4 doubles a feature's distances (sqrt(4) = 2): A to C is 2 x 2 = 4 with feature 1 left out
    assert nearest(AREAS, np.array([0.0, 4.0]), k=1).distances[0] == pytest.approx([0.0])
    assert nearest(AREAS[[0, 2]], np.array([0.0, 4.0]), k=1).distances[0] == pytest.approx([4.0])


def test_the_peer_table_names_codes_and_ranks():
    features = pd.DataFrame({"code": ["A", "B", "C", "D"], "x": AREAS[:, 0], "y": AREAS[:, 1]})
    table = peer_table(features, ["x", "y"], [1.0, 1.0], k=5)  # more than there are: each gets the other 3
    d_rows = table[table["code"] == "D"]
    assert d_rows["peer_code"].tolist() == ["C", "B", "A"]
    assert d_rows["peer_rank"].tolist() == [1, 2, 3]
    assert d_rows["distance"].tolist() == pytest.approx([math.sqrt(6), math.sqrt(8 / 3 + 4), math.sqrt(10)])
    assert len(peer_table(features.head(1), ["x", "y"], [1.0, 1.0], k=5)) == 0  # one area has no peers


def test_blocks_give_the_same_peers_as_one_pass(monkeypatch):
    from etl.stats import peers

    rng = np.random.default_rng(7)
    features = rng.normal(size=(50, 3))
    whole = nearest(features, np.ones(3), k=5)
    monkeypatch.setattr(peers, "BLOCK", 7)
    blocked = nearest(features, np.ones(3), k=5)
    assert blocked.peers.tolist() == whole.peers.tolist()
    # and against the distance matrix worked out directly
    z = standardise(features)
    direct = np.sqrt(((z[:, None, :] - z[None, :, :]) ** 2).sum(-1))
    np.fill_diagonal(direct, np.inf)
    assert blocked.peers.tolist() == np.argsort(direct, axis=1, kind="stable")[:, :5].tolist()
