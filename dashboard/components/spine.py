"""The spine chart: every headline measure of one area against the spread of all areas of its kind.

One row per headline measure (`headline: true` in etl/indicators, in their `order`), as Fingertips draws
its area profiles: the spread of every council (for a council's residents) or every practice (for a
practice) as bands (worst to the worse quartile, the middle half, the better quartile to best), England
(every area of the kind added up) as the centre line, the area as a mark, and for a practice its ICB as a
second mark. The scaling and the quartiles are etl/stats/spine.py (fingertipscharts' method, cited there):
England at the centre, worse always on the left.

The area's mark says whether it differs from England beyond chance by its shape and colour, the funnel
marks of dashboard/palette.py (FUNNEL_SHAPES, funnel_colour) and the one comparison rule of
components/comparison.py (`significance`: PHE's limits, widened for overdispersion when the areas differ
by more than chance), so a spine row and a funnel plot or a download never disagree on a label.

`spine_rows` shapes the rows from spine__units (read once per year and kind, the same for every area);
`spine_card` draws them for the pages and the PDF summary draws them as SVG (exports/svg_charts.py).
A rate from a count of 1 to 4 is hidden (dashboard/suppression.py) and not drawn, and not compared.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html

from dashboard import filters, formats, palette, suppression
from dashboard.catalogue import header
from dashboard.components import comparison, figures
from dashboard.components.cards import chart_card, no_data
from dashboard.components.sources import source_title
from dashboard.components.tables import column, data_grid
from etl.stats import funnels
from etl.stats import spine as spine_stats

# The row's columns, in the order the table shows them (their headers: spine__units.yml)
NOT_TESTED = "not tested"
METHOD = ("Each row is scaled so that England is at the centre and the farther of the worst and best areas "
          "touches its edge; worse is always on the left, whichever way the measure points. The dark band is the "
          "middle half of areas (25th to 75th percentile), the pale bands the quarters either side. This is "
          "Fingertips' spine chart (fingertipscharts' area_profiles), with percentiles by R's type 7.")

FINGERTIPSCHARTS_URL = "https://github.com/ukhsa-collaboration/fingertipscharts"
# Where jointcare's spine chart differs from Fingertips', for Data and methods (and etl/stats/spine.py)
DIFFERENCES = (
    "England is every council (for a council) or every practice (for a practice) in the warehouse added up, "
    "not a published England figure: with the demo, or with one region's files, it is the area loaded.",
    "Significance is jointcare's one comparison rule, the same as its funnel plots and downloads: the area's count "
    "against England's 95% and 99.8% funnel limits (PHE's method), widened by Spiegelhalter's method when the areas "
    "differ by more than chance. Fingertips compares the area's 95% confidence interval with England's value and "
    "colours it red, amber or green; jointcare marks better blue, worse orange and within chance grey, each with "
    "its own shape (a triangle up or down, filled beyond 99.8%, open beyond 95%; an open circle within).",
    "A practice's ICB is drawn as a second mark (fingertipscharts' comparator point); a council has no second mark.",
    "A rate from a count of 1 to 4 is not drawn or compared (the small-number rule); the spread and England still "
    "include it.",
    "A measure with no better direction would be drawn low on the left; a row where every area has the same value "
    "is a point at the centre.",
)
DIFFERENCES_INTRO = "Where jointcare differs from Fingertips:"


def spine_rows(units: pd.DataFrame, area_code: str, *, practice: bool) -> pd.DataFrame:
    """One row per headline measure: the area's rate, England, its ICB (a practice), the spread, the
    significance against England and each value's place on the row (pos_<column>, 0 worse to 1 better).

    units: spine__units, every area of the kind. A measure the area has no figure for is left out, and
    named in the frame's attrs["missing"] for the page to say so.
    """
    rows, missing = [], []
    # numpy arrays, not frame filters: at England scale (6,300 practices) boolean indexing of the frame took
    # most of the time (measured with a synthetic 31,500-row frame: 73 ms, most of it pandas' take)
    for measure_id, group in units.groupby("measure_id", sort=False):
        codes = group["area_code"].to_numpy()
        own = np.flatnonzero(codes == area_code)
        if own.size == 0:
            missing.append(str(group["name"].iloc[0]))
            continue
        first = group.iloc[own[0]]
        unit, polarity, multiplier = str(first["unit"]), str(first["polarity"]), float(first["multiplier"])
        numerators, denominators = group["numerator"].to_numpy(float), group["denominator"].to_numpy(float)
        england = _pooled(numerators, denominators, multiplier)
        spread = spine_stats.spread(group["rate"].to_numpy(float), england, polarity)
        if spread is None:
            continue
        hidden = _hidden(first["numerator"], first["denominator"], unit)
        dispersion = comparison.dispersion_of(numerators, denominators, england, multiplier, unit)
        label = None if hidden else comparison.significance(first["numerator"], first["denominator"], england,
                                                             multiplier, unit, dispersion)
        comparator = np.nan
        if practice and pd.notna(first["icb_code"]):
            parent = group["icb_code"].to_numpy() == first["icb_code"]
            comparator = _pooled(numerators[parent], denominators[parent], multiplier)
        values = {
            "worst": spread.worst, "worse_quartile": spread.worse_quartile,
            "better_quartile": spread.better_quartile, "best": spread.best,
            "area_rate": np.nan if hidden else float(first["rate"]),
            "comparator_rate": comparator,
        }
        rows.append({
            "measure_id": measure_id, "name": first["name"], "unit": unit, "polarity": polarity,
            **values,
            "england_rate": england, "areas": len(group), "numerator": first["numerator"],
            "significance": label or NOT_TESTED,
            "reading": comparison.said(values["area_rate"], england, label=label, polarity=polarity, unit=unit)
            if not hidden else "Not compared: the count is under 5",
            "last_month": first["last_month"], "hidden": hidden,
            **{f"pos_{key}": spread.position(value) for key, value in values.items()},
        })
    frame = pd.DataFrame(rows)
    frame.attrs["missing"] = missing
    return frame


def _pooled(numerators: np.ndarray, denominators: np.ndarray, multiplier: float) -> float:
    """Every area added up: the sum of the counts over the sum of the denominators (never a mean of rates)."""
    denominator = denominators.sum()
    return float(numerators.sum() / denominator * multiplier) if denominator > 0 else np.nan


def _hidden(numerator, denominator, unit: str) -> bool:
    """A rate from a count of 1 to 4 gives the count back; a percentage leaving 1 to 4 out too (suppression)."""
    if suppression.is_small(numerator):
        return True
    return unit == "%" and bool(suppression.is_small(float(denominator) - float(numerator)))


def mark(significance: str, polarity: str) -> tuple[str, str, str]:
    """(plotly shape, colour, words) of the area's mark: the funnel marks (palette.FUNNEL_SHAPES), a grey
    open square when it is not tested."""
    if significance not in palette.FUNNEL_SHAPES:
        return palette.NOT_TESTED_SHAPE, palette.NHS_MID_GREY, "Not tested"
    shape, side = palette.FUNNEL_SHAPES[significance]
    words = comparison.significance_words(significance, polarity, against="limits")
    return shape, palette.funnel_colour(side, polarity), words[:1].upper() + words[1:]


def measure_link(row, selection: filters.Selection) -> str:
    """The Outcomes page for the area, with the row's measure chosen (?measure=)."""
    return "/outcomes" + selection.query_string(measure=row["measure_id"])


BAND_COLOURS = tuple(palette.at_alpha(palette.NHS_DARK_GREY, alpha) for alpha in palette.SPINE_BAND_ALPHAS)
ROW_HEIGHT = 84  # pixels per measure: its name on up to two lines above its band


def spine_figure(rows: pd.DataFrame, *, area_label: str, comparator_label: str | None, links: list[str]) -> go.Figure:
    """The rows as bands, England's line and the area's (and its comparator's) marks, on positions 0 to 1.

    Each measure's name sits above its band, across the full width (a name beside the band left a phone
    a sliver to draw in), as a link to its page; the key is the page's (spine_key), not plotly's legend,
    which took the bottom row's place at 320 px."""
    fig = go.Figure()
    index = np.arange(len(rows))
    outer, inner = BAND_COLOURS
    bands = (("worst", "worse_quartile", outer, "Worst to the worse quartile"),
             ("worse_quartile", "better_quartile", inner, "Middle half of areas"),
             ("better_quartile", "best", outer, "Better quartile to best"))
    for start, end, colour, words in bands:
        base = rows[f"pos_{start}"].astype(float)
        fig.add_trace(go.Bar(
            y=index, x=rows[f"pos_{end}"].astype(float) - base, base=base, orientation="h", name=words,
            marker={"color": colour, "line": {"width": 0}}, width=0.34,
            customdata=np.stack([rows[start], rows[end], rows["unit"]], axis=-1),
            hovertemplate=f"{words}: %{{customdata[0]:,.1f}} to %{{customdata[1]:,.1f}} %{{customdata[2]}}"
                          "<extra></extra>"))
    if comparator_label:
        fig.add_trace(go.Scatter(
            y=index, x=rows["pos_comparator_rate"], mode="markers", name=comparator_label,
            marker={"symbol": palette.SPINE_COMPARATOR_SHAPE, "size": 18, "color": palette.NHS_DARK_BLUE,
                    "line": {"width": 3, "color": palette.NHS_DARK_BLUE}},
            customdata=np.stack([rows["comparator_rate"], rows["unit"]], axis=-1),
            hovertemplate=f"{comparator_label}: %{{customdata[0]:,.1f}} %{{customdata[1]}}<extra></extra>"))
    shown = rows.assign(_row=index)
    for significance, group in shown.groupby("significance", sort=False):
        group = group[group["pos_area_rate"].notna()]
        if group.empty:
            continue
        shape, colour, words = mark(significance, str(group["polarity"].iloc[0]))
        fig.add_trace(go.Scatter(
            y=group["_row"], x=group["pos_area_rate"], mode="markers", name=f"{area_label}: {words}",
            marker={"symbol": shape, "size": 15, "color": colour, "line": {"width": 2, "color": colour}},
            customdata=np.stack([group["area_rate"], group["unit"], group["reading"]], axis=-1),
            hovertemplate=f"{area_label}: %{{customdata[0]:,.1f}} %{{customdata[1]}}<br>%{{customdata[2]}}"
                          "<extra></extra>"))
    fig.add_vline(x=0.5, line={"color": palette.NHS_BLACK, "width": 2})
    names = [dict(x=0, y=row - 0.2, xref="x", yref="y", xanchor="left", yanchor="bottom", align="left",
                  showarrow=False, font={"size": 13, "color": palette.NHS_BLUE}, bgcolor=palette.WHITE,
                  # plotly's own link colour (#447ADB, 4.2:1 on white) and a new tab are its defaults: neither
                  text=f'<a href="{href}" target="_self" style="color:{palette.NHS_BLUE}">'
                       f'{figures.wrapped(str(name), 44)}</a>')
             for row, (name, href) in enumerate(zip(rows["name"], links))]
    sides = [dict(x=x, y=1, xref="x", yref="paper", xanchor=anchor, yanchor="bottom", showarrow=False,
                  text=words, font={"size": 13, "color": palette.NHS_BLACK})
             for x, anchor, words in ((0, "left", "◀ Worse"), (0.5, "center", "England"), (1, "right", "Better ▶"))]
    figures.styled(fig, height=ROW_HEIGHT * len(rows) + 60, legend=False)
    fig.update_layout(barmode="overlay", annotations=names + sides, margin={"l": 8, "r": 8, "t": 36, "b": 12},
                      showlegend=False)
    fig.update_xaxes(range=[-0.04, 1.04], showticklabels=False, showgrid=False, zeroline=False, fixedrange=True)
    return fig.update_yaxes(range=[len(rows) - 0.6, -0.75], showticklabels=False, showgrid=False, zeroline=False,
                            fixedrange=True)


def spine_key(rows: pd.DataFrame, *, area_label: str, comparator_label: str | None) -> list:
    """The chart's key in words with each mark's shape as a character, in its colour: what the marks drawn
    mean (only those drawn), the bands and England's line."""
    items = [("▮", BAND_COLOURS[1], "the middle half of areas; the paler bands the quarter either side"),
             ("│", palette.NHS_BLACK, "England (the centre line)")]
    if comparator_label:
        items.append(("┃", palette.NHS_DARK_BLUE, comparator_label))
    for significance in dict.fromkeys(rows.loc[rows["pos_area_rate"].notna(), "significance"]):
        polarity = str(rows.loc[rows["significance"] == significance, "polarity"].iloc[0])
        _shape, colour, words = mark(significance, polarity)
        items.append((KEY_CHARACTERS.get(significance, "□"), colour, f"{area_label}: {words.lower()}"))
    parts = ["Key: "]
    for number, (character, colour, words) in enumerate(items):
        parts += [html.Span(character, style={"color": colour, "fontWeight": "bold"}, **{"aria-hidden": "true"}),
                  f" {words}{'.' if number == len(items) - 1 else '; '}"]
    return parts


# the funnel marks (palette.FUNNEL_SHAPES) as characters, for the key beside the chart
KEY_CHARACTERS = {funnels.ABOVE_998: "▲", funnels.ABOVE_95: "△", funnels.WITHIN: "○", funnels.BELOW_95: "▽",
                  funnels.BELOW_998: "▼"}


TABLE_FIELDS = ("name", "unit", "area_rate", "england_rate", "comparator_rate", "worst", "worse_quartile",
                "better_quartile", "best", "areas", "significance", "reading")


def spine_table(grid_id: str, rows: pd.DataFrame, *, practice: bool, caption: str) -> html.Div:
    """The numbers behind the chart, headed from the contract (spine__units.yml)."""
    shown = rows.assign(area_rate=rows["area_rate"].where(~rows["hidden"], suppression.SUPPRESSED))
    fields = [field for field in TABLE_FIELDS if practice or field != "comparator_rate"]
    kinds = {"area_rate": "rate", "england_rate": "rate", "comparator_rate": "rate", "worst": "rate",
             "worse_quartile": "rate", "better_quartile": "rate", "best": "rate", "areas": "count"}
    return data_grid(grid_id, shown, [
        column(field, header(f"spine__units.{field}"), kinds.get(field, "text"),
               wrap=field in ("name", "unit", "reading"), minWidth=180 if field in ("name", "reading") else 100)
        for field in fields
    ], caption=caption, file_name=grid_id)


def spine_card(card_id: str, rows: pd.DataFrame, selection: filters.Selection, *, area_label: str,
               kind_words: str, period: str, practice: bool, area: str | None = None) -> html.Section | html.Div:
    """The chart, its table, the links to each measure's page and the method, for a page."""
    if rows.empty:
        return no_data(f"No headline measure has a figure for this area in {period}.")
    comparator = "Its ICB" if practice else None
    hrefs = [measure_link(row, selection) for _, row in rows.iterrows()]
    figure = spine_figure(rows, area_label=area_label, comparator_label=comparator, links=hrefs)
    table = spine_table(f"{card_id}-table", rows, practice=practice,
                        caption=f"Headline measures, {period}: {area_label} against {kind_words} in England")
    sides = [palette.FUNNEL_SHAPES.get(label, (None, 0))[1] * palette.BETTER_SIDE.get(polarity, 0)
             for label, polarity in zip(rows["significance"], rows["polarity"])]
    better, worse_count = sum(side > 0 for side in sides), sum(side < 0 for side in sides)
    description = (f"Of {len(rows)} headline measures in {period}, {area_label} is better than England beyond "
                   f"chance on {better} and worse on {worse_count}.")
    if rows.attrs.get("missing"):
        description += f" No figure for {area_label} in {period}: {', '.join(rows.attrs['missing'])}."
    links = html.Nav([
        html.P("Each measure on the Outcomes page:", className="mb-1"),
        html.Ul([html.Li(dcc.Link(name, href=href)) for name, href in zip(rows["name"], hrefs)],
                className="spine-links"),
    ], **{"aria-label": "Each headline measure on the Outcomes page"}, id=f"{card_id}-links")
    last = pd.to_datetime(rows["last_month"]).max()
    card = chart_card(
        card_id, title=f"Every headline measure against {kind_words} in England",
        units=[f"Each row is one measure over {period}, scaled so England is the centre line and worse is on the "
               f"left; the bands are the spread of {kind_words}. ", *spine_key(rows, area_label=area_label,
                                                                                   comparator_label=comparator)],
        figure=figure, table=table, source=source_title("sus_activity", "social_care_events", "registrations"),
        data_date=formats.month(last) if pd.notna(last) else period, description=description, area=area)
    method = html.P([METHOD, " ", comparison.method_words(), " ",
                     html.A("How spine charts are drawn", href="/data-and-methods#spine-method"), "."],
                    className="small")
    return html.Div([card, links, method], id=f"{card_id}-section")
