"""The one command line: `jointcare demo | build | check | changes | serve`. Also `python -m etl`."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import click

from etl import settings
from etl.errors import BuildFailed


def _default(name: str) -> str:
    return settings.get(name)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="jointcare")
def cli() -> None:
    """jointcare: join GP practices and social care councils by locality."""


def _internal_error(outcome: str) -> None:
    """A failure no check foresaw: a bug, not the user's files or machine. Say so plainly first, then
    give the traceback for the bug report."""
    import traceback

    click.echo(f"Error: jointcare hit an internal error (a bug in jointcare, not a problem with your files). "
               f"{outcome} Please report it with the details below.", err=True)
    click.echo(traceback.format_exc(), err=True)
    sys.exit(1)


@cli.command()
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder to write the raw files and manifest.json into.")
@click.option("--seed", type=int, default=42, show_default=True,
              help="Random seed; the same seed writes the same bytes.")
@click.option("--scale", type=click.Choice(["demo", "england"]), default="demo", show_default=True,
              help="demo: one fictional ICB; england: national size, for benchmarks.")
@click.option("--no-effect", is_flag=True,
              help="Plant no joint-working effect: the same area and adopters, effect sizes 0.")
def demo(out_dir: Path, seed: int, scale: str, no_effect: bool) -> None:
    """Write a fictional area as raw files in the real published layouts."""
    from etl.demo import generate

    manifest = generate(out_dir, seed=seed, scale=scale, effect=not no_effect)
    counts = manifest.get("counts", {})
    shown = ", ".join(f"{counts[key]:,} {key}" for key in ("practices", "pcns", "lsoas", "councils", "quarters")
                      if isinstance(counts.get(key), int))
    click.echo(f"Wrote a fictional {scale} area to {out_dir} ({shown}). Every name and number in it is made up.")


@cli.command()
@click.option("--raw", "raw_dir", type=click.Path(path_type=Path), default=lambda: _default("JOINTCARE_RAW"),
              show_default="JOINTCARE_RAW", help="Folder of raw source files (searched recursively).")
@click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path),
              default=lambda: _default("JOINTCARE_DB"), show_default="JOINTCARE_DB", help="Warehouse file to write.")
@click.option("--allow-unknown", is_flag=True, help="List unrecognised data files and build without them.")
@click.option("--full", is_flag=True,
              help="Read every raw file again rather than reuse what the last build loaded from unchanged files.")
def build(raw_dir: Path, db_path: Path, allow_unknown: bool, full: bool) -> None:
    """Build the warehouse from raw files; the old one stays unless every check passes."""
    from etl.build import build as run_build
    from etl.loadcache import cache_path

    try:
        report = run_build(raw_dir, db_path, allow_unknown=allow_unknown, echo=click.echo,
                           load_cache=cache_path(db_path), full=full)
    except BuildFailed as failure:
        raise click.ClickException(failure.summary()) from None
    except Exception:  # noqa: BLE001 - anything else is a bug in jointcare, and says so
        _internal_error("The build stopped; the previous warehouse was left as it was.")
    if report.reused_files:
        click.echo(f"Reused what the last build loaded and checked from {report.reused_files:,} unchanged files "
                   f"({cache_path(db_path).name}); --full reads every file again.")
    kind = ", fictional demo data)." if report.is_demo else ")."
    click.echo(f"Built {db_path} ({len(report.tables)} tables" + kind)


@cli.command()
@click.option("--raw", "raw_dir", type=click.Path(path_type=Path), default=lambda: _default("JOINTCARE_RAW"),
              show_default="JOINTCARE_RAW", help="Folder of raw source files (searched recursively).")
@click.option("--allow-unknown", is_flag=True, help="List unrecognised data files without failing.")
def check(raw_dir: Path, allow_unknown: bool) -> None:
    """Validate raw files as a build would, without writing a warehouse."""
    from etl.build import check as run_check

    try:
        run_check(raw_dir, allow_unknown=allow_unknown, echo=click.echo)
    except BuildFailed as failure:
        stopped = "The build stopped; the previous warehouse was left as it was."
        raise click.ClickException(failure.summary().replace(stopped, "The raw files would not build:")) from None
    except Exception:  # noqa: BLE001
        _internal_error("The check stopped.")
    click.echo("The raw files would build.")


@cli.command()
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), required=True,
              help="List the changes found by builds on or after this day (YYYY-MM-DD).")
@click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path),
              default=lambda: _default("JOINTCARE_DB"), show_default="JOINTCARE_DB", help="Warehouse to read.")
@click.option("--council", help="A council code, as in the dashboard's addresses.")
@click.option("--locality", help="A locality code.")
@click.option("--sub-icb", "sub_icb", help="A sub-ICB code.")
@click.option("--pcn", help="A PCN code.")
@click.option("--practice", help="A practice code.")
@click.option("--group", help="A shared group's code (the groups file in the raw folder).")
@click.option("--format", "output", type=click.Choice(["text", "csv"]), default="text", show_default=True,
              help="text: one change a line; csv: the What changed page's table.")
def changes(since, db_path: Path, output: str, **area: str | None) -> None:
    """List what changed since a day, for an area, as the What changed page and its feed do."""
    if not db_path.exists():
        raise click.ClickException(f"{db_path}: no warehouse there. Build one with `jointcare build`.")
    os.environ["JOINTCARE_DB"] = str(db_path.resolve())
    from dashboard import changes as said
    from dashboard import filters
    from dashboard.exports.safe_text import neutralise

    selection, notes = filters.parse({key: value for key, value in area.items() if value})
    if notes:
        raise click.ClickException("No changes listed, so that none outside the area asked for are: "
                                   + " ".join(notes))
    found = said.entries(selection, since.date())
    if output == "csv":
        columns = ["release", "kind_title", "area_name", "words", "before", "after", "link"]
        click.echo(found[columns].map(neutralise).to_csv(index=False), nl=False)  # a spreadsheet runs no formula
        return
    if found.empty:
        click.echo(f"No changes for {filters.area_name(selection)} in builds since {since:%Y-%m-%d}.")
    for row in found.itertuples():
        click.echo(f"{row.release}  {row.kind_title}: {row.words} ({row.link})")


@cli.command()
@click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path),
              default=lambda: _default("JOINTCARE_DB"), show_default="JOINTCARE_DB", help="Warehouse to serve.")
@click.option("--port", type=int, default=lambda: settings.get_int("PORT"), show_default="PORT",
              help="Port on 127.0.0.1.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--workers", type=int, default=lambda: settings.get_int("WEB_CONCURRENCY"),
              show_default="WEB_CONCURRENCY",
              help="gunicorn worker processes.")
@click.option("--dev", is_flag=True, help="Use Dash's development server instead of gunicorn.")
def serve(db_path: Path, port: int, host: str, workers: int, dev: bool) -> None:
    """Serve the dashboard (gunicorn; --dev for the development server)."""
    if not db_path.exists():
        raise click.ClickException(f"{db_path}: no warehouse there. Build one with `jointcare build` "
                                   "(or `make run`, which builds the demo).")
    from dashboard.db import unreadable

    problem = unreadable(db_path)
    if problem:  # a server over a file it cannot read would show every user "Something went wrong"
        raise click.ClickException(problem)
    os.environ["JOINTCARE_DB"] = str(db_path.resolve())
    if dev:
        from dashboard.app import app

        app.run(host=host, port=port, debug=settings.get("JOINTCARE_DEBUG") == "1")
        return
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or shutil.which("gunicorn")
    if gunicorn is None:
        raise click.ClickException("gunicorn is not installed in this environment; run `make run`.")
    root = Path(__file__).resolve().parent.parent
    os.chdir(root)  # gunicorn.conf.py and the dashboard package are found from the project folder
    os.execv(gunicorn, [gunicorn, "dashboard.app:server", "--config", str(root / "gunicorn.conf.py"),
                        "--bind", f"{host}:{port}", "--workers", str(workers)])
