"""Same seed and scale give byte-identical files; another seed gives another area."""

from __future__ import annotations

import json

from etl.demo import generate


def _tree(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_seed_same_bytes(demo_dir, tmp_path):
    again = tmp_path / "again"
    manifest = generate(again, seed=42, scale="demo")
    first, second = _tree(demo_dir), _tree(again)
    assert first.keys() == second.keys()
    different = [name for name in first if first[name] != second[name]]
    assert different == []
    assert json.loads(second["manifest.json"]) == manifest


NAMED_BY_COUNCIL = ("social_care/", "bcf/plans/", "bcf/year-end/")


def _layout(tree):
    """File names, with files named after a council (names change with the seed) reduced to counts."""
    names = [n for n in tree if not n.startswith(NAMED_BY_COUNCIL)]
    return sorted(names) + [f"{folder} x {sum(n.startswith(folder) for n in tree)}" for folder in NAMED_BY_COUNCIL]


def test_other_seed_other_area(demo_dir, tmp_path):
    generate(tmp_path / "other", seed=43, scale="demo")
    first, other = _tree(demo_dir), _tree(tmp_path / "other")
    assert _layout(first) == _layout(other)  # same layout ...
    registration_files = [n for n in first if n.endswith("gp-reg-pat-prac-lsoa-all.csv")]
    assert all(first[n] != other[n] for n in registration_files)  # ... different people


def test_manifest_lists_every_file(demo, demo_dir):
    written = {p.relative_to(demo_dir).as_posix() for p in demo_dir.rglob("*") if p.is_file()}
    assert set(demo.manifest["files"]) == written - {"manifest.json"}
    assert demo.manifest["fictional"] is True and demo.manifest["generator"] == "jointcare demo"
    assert demo.manifest["seed"] == 42 and demo.manifest["scale"] == "demo"
