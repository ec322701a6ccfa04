"""The README stays in step with the code: settings, CLI help, sources and warehouse tables."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from dashboard import exports
from etl.cli import cli
from etl.model_inputs import FORM_NAMES
from etl.models import LAYERS, MODELS_DIR, discover
from etl.settings import SETTINGS
from etl.sources import load_sources

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def test_every_setting_documented():
    for setting in SETTINGS:
        assert f"`{setting.name}`" in README, f"README lacks the setting {setting.name}"


def test_cli_help_in_readme_is_current():
    # README carries each command's --help verbatim; regenerate with `python -m tests.test_docs`.
    for command in ("demo", "build", "check", "changes", "serve"):
        help_text = CliRunner().invoke(cli, [command, "--help"], terminal_width=100, prog_name="jointcare").output
        assert help_text.strip() in README, f"README's help for `jointcare {command}` is out of date"


def test_every_warehouse_table_documented():
    for model in discover().values():
        if model.layer == "marts":
            assert f"`{model.name}`" in README, f"README lacks the table {model.name}"
    for table in ("dq_load_log", "dq_rejected_rows", "meta_method", "meta_models", "meta_sources"):
        assert f"`{table}`" in README


def test_models_readme_names_each_layer_and_form():
    models_readme = (MODELS_DIR / "README.md").read_text()
    for layer in LAYERS:
        assert f"**{layer}/**" in models_readme, f"etl/models/README.md lacks the layer {layer}"
    for form in FORM_NAMES:
        assert f"{{{{ {form}('" in models_readme, f"etl/models/README.md lacks {{{{ {form}() }}}}"


EXPORTS_DIR = Path(exports.__file__).resolve().parent


def test_exports_readme_names_modules_that_exist_and_every_module_there():
    # A module is named in backticks: `gather.py` beside the README, or `dashboard/formats.py` from the
    # project's root. A rename that forgets the README fails here, and so does a new module left out of it.
    exports_readme = (EXPORTS_DIR / "README.md").read_text()
    named = set(re.findall(r"`([\w/]+\.py)", exports_readme))
    root = EXPORTS_DIR.parent.parent
    missing = {name for name in named if not (EXPORTS_DIR / name).is_file() and not (root / name).is_file()}
    assert missing == set(), f"dashboard/exports/README.md names modules that do not exist: {sorted(missing)}"
    modules = {path.name for path in EXPORTS_DIR.glob("*.py")} - {"__init__.py"}
    assert modules - named == set(), "modules of dashboard/exports missing from its README"
    assert not re.search(r"/(work|root|home|tmp)/", exports_readme)


def test_every_source_documented():
    for source in load_sources().values():
        assert source.title in README, f"README lacks the source {source.title!r}"


def test_no_machine_paths_in_readme():
    assert not re.search(r"/(work|root|home|tmp)/", README)


if __name__ == "__main__":
    for command in ("demo", "build", "check", "changes", "serve"):
        print(f"### `jointcare {command}`\n\n```\n" +
              CliRunner().invoke(cli, [command, "--help"], terminal_width=100, prog_name="jointcare").output.strip()
              + "\n```\n")


# The test files whose every test is a row of the README's "What jointcare does with bad input".
BAD_INPUT_TESTS = ("tests/etl/test_bad_input.py", "tests/etl/test_bad_input_outcomes.py", "tests/etl/test_zips.py",
                   "tests/etl/test_boundaries.py", "tests/dashboard/test_server_lockdown.py",
                   "tests/etl/test_bad_input_groups.py")


def test_bad_input_section_and_its_tests_are_in_step():
    # Each test the README's table names exists in one of the bad-input test files, and each test in
    # those files is named by a row: a fault handled but not documented, or documented but not tested,
    # fails here.
    import ast

    root = Path(__file__).resolve().parent.parent
    section = README.split("## What jointcare does with bad input", 1)[1].split("\n## ", 1)[0]
    named = set(re.findall(r"`(test_[a-z0-9_]+)`", section))
    defined = {node.name for path in BAD_INPUT_TESTS
               for node in ast.parse((root / path).read_text()).body
               if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")}
    assert named - defined == set(), "README names tests that do not exist"
    assert defined - named == set(), "bad-input tests missing from the README's table"
