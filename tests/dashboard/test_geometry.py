"""Boundaries simplified many at a time must come out exactly as one at a time, unusual ones included."""

from __future__ import annotations

import json
import math

from dashboard.geometry import simplify_geojson, simplify_many


def circle(points: int, radius: float = 0.01, lon: float = -1.5, lat: float = 52.5) -> str:
    ring = [[lon + radius * math.cos(2 * math.pi * i / points), lat + radius * math.sin(2 * math.pi * i / points)]
            for i in range(points)]
    return json.dumps({"type": "Polygon", "coordinates": [ring + [ring[0]]]})


def test_many_at_once_matches_one_at_a_time():
    texts = [
        circle(500),
        circle(40, radius=0.002),
        "not json",                                                           # unreadable: None
        '{"type": "Point", "coordinates": [0, 0]}',                           # not a polygon: None
        '{"type": "Polygon", "coordinates": [[[0,0],[1,1],[1,0],[0,1],[0,0]]]}',  # a bow tie: repaired
        circle(8, radius=0.000001),                                            # smaller than the rounding grid
    ]
    for tolerance in (0.0002, 0.0032):
        expected = [simplify_geojson(text, tolerance) for text in texts]
        assert simplify_many(texts, tolerance) == expected
    assert expected[2] is None and expected[3] is None
    assert json.loads(expected[4])["type"] == "MultiPolygon"
    # the 500-point circle keeps far fewer points at the coarse level
    assert len(json.loads(expected[0])["coordinates"][0]) < 100
