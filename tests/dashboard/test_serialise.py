"""Responses serialised the fast way carry the same content as plotly's own path, on every page."""

from __future__ import annotations

import json

import dash
import pandas as pd

from dashboard import serialise


def normalised(text: str):
    """Parsed JSON with timestamps compared as instants (the fast path drops zero microseconds)."""
    def fix(value):
        if isinstance(value, dict):
            return {key: fix(item) for key, item in value.items()}
        if isinstance(value, list):
            return [fix(item) for item in value]
        if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] == "T":
            try:
                return pd.Timestamp(value)
            except ValueError:
                return value
        return value
    return fix(json.loads(text))


def test_every_page_serialises_to_the_same_content(dashboard_db):
    pages = {page.get("path_template") or page["path"]: page for page in dash.page_registry.values()}
    for path, page in pages.items():
        for query in ({}, {"period": "2022-23"}, {"council": "E06000901"}, {"practice": "A00001"}):
            kwargs = {"code": "A00001"} if "<code>" in path else {}
            tree = page["layout"](**kwargs, **query)
            assert normalised(serialise.to_json_plotly(tree)) == normalised(serialise._plotly_to_json(tree)), path


def test_html_unsafe_text_is_escaped_as_plotly_does():
    text = serialise.to_json_plotly({"name": "</script><script>alert(1)</script>"})
    assert "<" not in text and ">" not in text and "\\u003c\\u002fscript\\u003e" in text
