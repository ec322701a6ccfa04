"""Deprivation on the pages: the headline cards (a practice, the selection's practices, its councils) and
the Outcomes chart of a measure by practice deprivation decile, with the table behind it.

The figures come from the queries common__deprivation_practices, common__deprivation_councils and
outcomes__deprivation; the words for a decile from dashboard/deprivation.py; intervals from etl/stats.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html

from dashboard import deprivation, formats, palette, suppression
from dashboard.catalogue import header
from dashboard.components import figures
from dashboard.components.cards import chart_card, headline, no_data
from dashboard.components.sources import is_loaded, source_title
from dashboard.components.tables import column, data_grid
from etl.stats import intervals

SOURCES = ("iod2025", "iod2019")
NOT_LOADED = ("No English Indices of Deprivation file is loaded, so deprivation is not shown. Add MHCLG's IoD2025 "
              "(or IoD2019) File 7 to the raw folder and rebuild.")


def loaded() -> bool:
    return any(is_loaded(source) for source in SOURCES)


def source_words() -> str:
    """'English Indices of Deprivation 2025, File 7 ...' for whichever release the build used."""
    return source_title(next((source for source in SOURCES if is_loaded(source)), SOURCES[0]))


def method_link() -> dcc.Link:
    return dcc.Link("How deprivation is worked out", href=deprivation.METHOD_ANCHOR)


def practice_card(summary: pd.DataFrame) -> html.Div | None:
    """One practice's decile, in words (common__deprivation_practices for a selection of that practice)."""
    if summary.empty or formats.is_missing(summary["imd_score"].iloc[0]):
        return None
    row = summary.iloc[0]
    return headline("Deprivation of its patients", deprivation.decile_words(row["deprivation_decile"]),
                    deprivation.described(row, "practices"))


def selection_cards(practices: pd.DataFrame, councils: pd.DataFrame, *, one_practice: bool,
                    max_councils: int = 4) -> list[html.Div]:
    """Cards for the selection's practices (one practice: its decile; several: their patients' score) and
    for each of its social care councils (up to max_councils; beyond that, the range of their deciles)."""
    cards = []
    if not practices.empty and not formats.is_missing(practices["imd_score"].iloc[0]):
        row = practices.iloc[0]
        if one_practice:
            cards.append(practice_card(practices))
        else:
            fifth = int(row["practices_most_deprived_fifth"])
            cards.append(headline(
                "Deprivation of the practices' patients", f"IMD score {formats.number(row['imd_score'])}",
                f"Their patients' average IMD score, each patient counted once ({row['release']}; higher is more "
                f"deprived). {fifth} of the {formats.count(row['practices_in_deciles'])} practices ranked are among "
                "the most deprived 20% of practices."))
    if len(councils) > max_councils:
        cards.append(headline(
            f"Deprivation of the {len(councils)} councils",
            f"Deciles {int(councils['deprivation_decile'].min())} to {int(councils['deprivation_decile'].max())}",
            "Their deciles among the councils ranked by average IMD score; 1 is the most deprived tenth."))
    else:
        for row in councils.itertuples():
            cards.append(headline(f"Deprivation of {row.council_name}",
                                  deprivation.decile_words(row.deprivation_decile),
                                  deprivation.described(row._asdict(), "councils")))
    return cards


# --- the Outcomes chart: a measure by practice deprivation decile --------------------------------------

def decile_frame(frame: pd.DataFrame, *, percent: bool, multiplier: float, yearly: bool) -> pd.DataFrame:
    """outcomes__deprivation's rows with each decile in words and the rate's 95% interval: Wilson for a
    percentage, Byar (exact Poisson below 10) for a rate, as the funnel's; none for a yearly measure, whose
    counts are apportioned council figures, not counted events."""
    out = frame.assign(meaning=[f"{int(d)}: {deprivation.meaning(d)}" for d in frame["deprivation_decile"]],
                       low=np.nan, high=np.nan)
    usable = out["denominator"] > 0
    if not yearly and usable.any():
        counts, dens = out.loc[usable, "numerator"].to_numpy(float), out.loc[usable, "denominator"].to_numpy(float)
        if percent:
            low, high = intervals.wilson(counts, dens)
            out.loc[usable, "low"], out.loc[usable, "high"] = np.asarray(low) * 100, np.asarray(high) * 100
        else:
            low, high = intervals.rate(counts, dens, per=multiplier)
            out.loc[usable, "low"], out.loc[usable, "high"] = low, high
    return out


def decile_figure(frame: pd.DataFrame, *, y_title: str, hover_unit: str, marked: bool) -> go.Figure:
    """A bar a decile, 1 (most deprived) on the left; the deciles holding the selection hatched and in the
    second series colour (shape as well as colour), with the 95% interval as whiskers."""
    fig = go.Figure()
    drawn = frame[frame["rate"].map(lambda value: not isinstance(value, str) and not formats.is_missing(value))]
    groups = ((drawn["practices_selected"] > 0, "Deciles holding the selected practices", 1, "/"),
              (drawn["practices_selected"] == 0, "Other deciles", 0, "")) if marked else \
        ((drawn["practices_selected"] >= 0, "Every ranked practice", 0, ""),)
    for mask, name, index, pattern in groups:
        rows = drawn[mask]
        if rows.empty:
            continue
        rate = rows["rate"].astype(float)
        whiskers = rows["high"].notna().any()
        fig.add_trace(go.Bar(
            x=[str(int(d)) for d in rows["deprivation_decile"]], y=rate, name=name,
            marker={"color": palette.series_style(index)["color"],
                    "pattern": {"shape": pattern, "fgcolor": "white", "fillmode": "overlay"}},
            error_y={"type": "data", "symmetric": False, "array": (rows["high"].astype(float) - rate).tolist(),
                     "arrayminus": (rate - rows["low"].astype(float)).tolist(), "color": palette.NHS_BLACK,
                     "thickness": 1.2, "width": 4} if whiskers else None,
            customdata=np.column_stack([rows["practices"], rows["meaning"]]),
            hovertemplate=(f"Decile %{{x}}, %{{customdata[1]}}: {formats.hover_rate(hover_unit)} "
                           "(%{customdata[0]} practices)<extra></extra>"),
        ))
    figures.styled(fig, x_title="Practice deprivation decile (1 the most deprived 10% of practices, 10 the least)",
                   y_title=y_title, height=380, legend=marked)
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=[str(d) for d in deprivation.DECILES])
    fig.update_layout(barmode="overlay")
    return fig


def decile_card(card_id: str, frame: pd.DataFrame, *, info: pd.Series, yearly: bool, y_title: str, hover_unit: str,
                period: str, source: str, marked: bool, area: str) -> html.Div:
    """The chart of a measure by deprivation decile with its table, or why there is none."""
    if frame.empty:
        return no_data(f"No ranked practice has figures for {info['name']} in {period}, or no Indices of "
                       "Deprivation file is loaded: there is nothing to break down by deprivation.")
    percent = str(info["unit"]) == "%"
    frame = decile_frame(frame, percent=percent, multiplier=float(info["multiplier"]), yearly=yearly)
    # small numbers: a decile's count of 1-4 people is hidden, and its rate and interval with it
    if not yearly:
        frame, _ = suppression.suppress_rates(frame, count="numerator", denominator="denominator",
                                              derived=["rate", "low", "high"], complement=percent)
    counts = "number" if yearly else "count"
    table = data_grid(f"{card_id}-table", frame, [
        column("meaning", header("outcomes__deprivation.meaning"), minWidth=220, wrap=True, flex=2),
        column("practices", header("outcomes__deprivation.practices"), "count"),
        column("practices_selected", header("outcomes__deprivation.practices_selected"), "count"),
        column("rate", header("outcomes__deprivation.rate", str(info["unit"])), "number", hidden_with="numerator"),
        column("low", header("outcomes__deprivation.low"), "number", hidden_with="numerator"),
        column("high", header("outcomes__deprivation.high"), "number", hidden_with="numerator"),
        column("numerator", header("outcomes__deprivation.numerator"), counts, people_count=not yearly),
        column("denominator", header("outcomes__deprivation.denominator"), counts),
        column("imd_score_low", header("outcomes__deprivation.imd_score_low"), "number"),
        column("imd_score_high", header("outcomes__deprivation.imd_score_high"), "number"),
    ], caption=f"{info['name']} by practice deprivation decile, {period}", file_name="outcomes-by-deprivation")
    shown = frame[frame["rate"].map(lambda value: not isinstance(value, str) and not formats.is_missing(value))]
    description = None
    if {1, 10} <= set(shown["deprivation_decile"].astype(int)):
        first = shown.loc[shown["deprivation_decile"] == 1, "rate"].iloc[0]
        last = shown.loc[shown["deprivation_decile"] == 10, "rate"].iloc[0]
        description = (f"The most deprived tenth of practices: {formats.rate(first, hover_unit)}; the least "
                       f"deprived tenth: {formats.rate(last, hover_unit)}. Each bar pools its practices' counts and "
                       "denominators.")
    intervals_words = "" if yearly else " Whiskers: 95% confidence intervals."
    return chart_card(
        card_id, title=f"{info['name']} by practice deprivation decile, {period}",
        units=(f"{y_title}, every ranked practice grouped by its national deprivation decile (1 the most deprived "
               f"10%).{intervals_words}" + (" Hatched bars hold the selected practices." if marked else "")),
        figure=decile_figure(frame, y_title=y_title, hover_unit=hover_unit, marked=marked), table=table,
        source=f"{source}; {source_words()}", data_date=period, description=description, area=area)
