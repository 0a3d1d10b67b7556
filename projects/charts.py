"""Plotly figures for the dashboard: pure functions from aggregate rows to figure dicts.

Nothing here touches the ORM or the request; the view passes rows (dicts) from
`aggregates.py`, each with a `label` to show and a `url` (the filtered project list for that
bar, or None) that `static/js/charts.js` opens on click. The URL rides in `customdata[0]`;
`customdata[1]` is usually the number of projects, for the hover text.

Conventions: no template (plotly.py's default template adds ~7 kB of JSON per figure), the
language's decimal and thousands separators, titles and units through `gettext` (this runs per
request), plain int/float values, the Okabe–Ito palette (readable with every common kind of
colour blindness), fixed axes (no zoom: a drag on a phone should scroll the page).

Figures are the plain JSON Plotly.js reads (`figure`, `trace`), not plotly's graph objects:
those validate every property as it is set, which cost the dashboard more CPU than everything
else it does in Python. `tests/test_charts.py` validates every figure with plotly instead.
"""

from __future__ import annotations

import functools
import textwrap
from collections.abc import Mapping, Sequence

from django.utils.formats import get_format, number_format
from django.utils.translation import gettext as _

# Okabe & Ito (2008), "Color Universal Design": distinguishable with protanopia, deuteranopia
# and tritanopia. Blue/orange is the pair used when a chart compares two measures.
BLUE = "#0072B2"
ORANGE = "#E69F00"
GREEN = "#009E73"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"
SKY = "#56B4E9"
BLACK = "#000000"
PALETTE = [BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, BLACK]
PERIOD_COLOURS = {"2014-2020": BLUE, "2021-2027": ORANGE}
# ColorBrewer "Blues": one hue, darker means more, whatever the viewer's colour vision.
SEQUENTIAL = [
    [0.0, "#deebf7"],
    [0.25, "#9ecae1"],
    [0.5, "#6baed6"],
    [0.75, "#3182bd"],
    [1.0, "#08519c"],
]
FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif'
INK = "#1b1b1f"
GRID = "#d5d7de"
BAR_HEIGHT = 26  # px per bar in horizontal bar charts; the figure grows with the categories

# Tile cartogram: (column, row) of each NUTS-2 region, roughly where it lies on the map of
# Sweden (row 0 is the north). The national level gets a tile of its own, top right.
TILES = {
    "SE33": (1, 0),  # Övre Norrland
    "SE32": (1, 1),  # Mellersta Norrland
    "SE31": (1, 2),  # Norra Mellansverige
    "SE23": (0, 3),  # Västsverige
    "SE12": (1, 3),  # Östra Mellansverige
    "SE11": (2, 3),  # Stockholm
    "SE22": (0, 4),  # Sydsverige
    "SE21": (1, 4),  # Småland och Öarna
}
NATIONAL_TILE = (2, 0)
TILE_COLUMNS, TILE_ROWS = 3, 5
# The 21 counties (NUTS-3) the same way, four columns wide: Norrbotten at the top, Skåne,
# Kronoberg and Blekinge at the bottom, Gotland off the east coast.
COUNTY_TILES = {
    "SE332": (2, 0),  # Norrbotten
    "SE331": (2, 1),  # Västerbotten
    "SE322": (1, 2),  # Jämtland
    "SE321": (2, 2),  # Västernorrland
    "SE312": (1, 3),  # Dalarna
    "SE313": (2, 3),  # Gävleborg
    "SE311": (0, 4),  # Värmland
    "SE124": (1, 4),  # Örebro
    "SE125": (2, 4),  # Västmanland
    "SE121": (3, 4),  # Uppsala
    "SE232": (0, 5),  # Västra Götaland
    "SE123": (1, 5),  # Östergötland
    "SE122": (2, 5),  # Södermanland
    "SE110": (3, 5),  # Stockholm
    "SE231": (0, 6),  # Halland
    "SE211": (1, 6),  # Jönköping
    "SE213": (2, 6),  # Kalmar
    "SE214": (3, 6),  # Gotland
    "SE224": (0, 7),  # Skåne
    "SE212": (1, 7),  # Kronoberg
    "SE221": (2, 7),  # Blekinge
}
COUNTY_COLUMNS, COUNTY_ROWS = 4, 8


# --- helpers ---------------------------------------------------------------------------------
def trace(kind: str, **props) -> dict:
    """A trace of type `kind`; Plotly's "magic underscores" (`marker_color`) become nested keys
    (`{"marker": {"color": …}}`), as plotly's graph objects would write them."""
    result: dict = {"type": kind}
    for key, value in props.items():
        *path, last = key.split("_")
        target = result
        for part in path:
            target = target.setdefault(part, {})
        target[last] = value
    return result


def figure(data: Mapping | Sequence[Mapping], *, layout: dict) -> dict:
    """A figure: its traces (one or several) and its layout."""
    return {"data": [data] if isinstance(data, Mapping) else list(data), "layout": layout}


def separators() -> str:
    """Plotly's `separators`: decimal then thousands separator of the active language."""
    return get_format("DECIMAL_SEPARATOR") + get_format("THOUSAND_SEPARATOR")


def millions(amount) -> float:
    """Kronor to millions of kronor, as a plain float for JSON."""
    return round(float(amount or 0) / 1_000_000, 3)


def mnkr(placeholder: str) -> str:
    """'%{x:,.1f} mnkr' in Swedish; the translation decides where the unit goes ('SEK … m')."""
    # The unit keeps to its number: spaces become no-break spaces after translation.
    return (_("%(amount)s mnkr") % {"amount": placeholder}).replace(" ", "\xa0")


def kr(placeholder: str) -> str:
    return (_("%(amount)s kr") % {"amount": placeholder}).replace(" ", "\xa0")


def short(text: str, width: int = 30) -> str:
    """A label of at most `width` characters: cut at a word boundary if one is near enough,
    else inside the word, with an ellipsis."""
    text = " ".join((text or "").split())
    if len(text) <= width:
        return text
    cut = text[: width - 1]
    space = cut.rfind(" ")
    if space >= width // 2:
        cut = cut[:space]
    return cut.rstrip(" ,.–-") + "…"


def middle(text: str, width: int = 30) -> str:
    """A label of at most `width` characters with the middle left out, so that names which
    differ at the end ("Kompetenscentrum Solna AB", "… Umeå AB") stay apart."""
    text = " ".join((text or "").split())
    if len(text) <= width:
        return text
    tail = (width - 1) // 2
    head = width - 1 - tail
    return text[:head].rstrip() + "…" + text[-tail:].lstrip()


def distinct(labels: Sequence[str], full: Sequence[str]) -> list[str]:
    """`labels`, except that any label shared by different full texts becomes the full text:
    Plotly would draw rows with the same label as one category."""
    owners: dict[str, set[str]] = {}
    for label, text in zip(labels, full, strict=True):
        owners.setdefault(label, set()).add(text)
    return [
        label if len(owners[label]) == 1 else text for label, text in zip(labels, full, strict=True)
    ]


@functools.lru_cache(maxsize=1024)
def wrapped(text: str, width: int = 12) -> str:
    """Text broken into lines of about `width` characters with <br>, for tiles; words (and
    hyphenated names like ESF-Nationellt) are never split. Kept per name: a tile map asks
    for each of its names once per measure."""
    lines = textwrap.wrap(text or "", width=width, break_long_words=False, break_on_hyphens=False)
    return "<br>".join(lines)


def _urls(rows: Sequence[Mapping]) -> list:
    return [row.get("url") for row in rows]


def merge(base: dict, extra: Mapping) -> dict:
    """`base` updated with `extra`, nested dicts merged (a copy; neither argument changes)."""
    result = dict(base)
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(result.get(key), Mapping):
            result[key] = merge(result[key], value)
        else:
            result[key] = value
    return result


def _axis(title: str = "", **extra) -> dict:
    return merge(
        {
            "title": {"text": title, "standoff": 8},
            "fixedrange": True,
            "automargin": True,
            "gridcolor": GRID,
            "zeroline": False,
            "linecolor": INK,
            # 8 000 and 150 000, not 8000 and 150k
            "separatethousands": True,
            "exponentformat": "none",
        },
        extra,
    )


def layout(
    *,
    title: str,
    height: int,
    x_title: str = "",
    y_title: str = "",
    legend: bool = True,
    **extra,
) -> dict:
    """The layout every chart shares, updated with `extra` (nested keys merged).

    Built as one dict: Plotly's `update_*` methods validated on every call and made a
    dashboard of 13 charts cost half a second.
    """
    base = {
        "separators": separators(),
        "title": {"text": title, "x": 0, "xanchor": "left", "font": {"size": 16}},
        "height": height,
        "autosize": True,
        "margin": {"l": 8, "r": 16, "t": 40 if legend else 16, "b": 48, "pad": 4},
        "font": {"family": FONT, "size": 13, "color": INK},
        "hoverlabel": {"font": {"family": FONT, "size": 13}, "align": "left"},
        "showlegend": legend,
        "legend": {"orientation": "h", "x": 0, "xanchor": "left", "y": 1.0, "yanchor": "bottom"},
        "dragmode": False,
        "bargap": 0.25,
        "bargroupgap": 0.05,
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "xaxis": _axis(x_title),
        "yaxis": _axis(y_title),
    }
    return merge(base, extra)


def categories(rows: Sequence[Mapping]) -> dict:
    """A horizontal bar trace's categories: `y` and `hovertext` are the full labels; when some
    row has a shorter `short` label (a code), `meta.short` carries them all, and charts.js
    shows those on narrow screens, where long names would leave no room for the bars."""
    labels = [row["label"] for row in rows]
    short = distinct([row.get("short") or row["label"] for row in rows], labels)
    trace = {"y": labels, "hovertext": labels}
    if short != labels:
        trace["meta"] = {"short": short}
    return trace


def _bars_height(categories: int, *, per: int = BAR_HEIGHT, extra: int = 110) -> int:
    return max(220, extra + per * max(categories, 1))


# Categories top to bottom in the order given (Plotly draws the first at the bottom).
# "category" also for labels that look like numbers (specific objectives "1.1", "2.3").
HORIZONTAL_Y = {"type": "category", "autorange": "reversed", "showgrid": False, "ticks": ""}
# "d" keeps 2015 from being printed "2 015" with the Swedish thousands separator.
YEARS_X = {"tickformat": "d", "hoverformat": "d", "dtick": 1, "showgrid": False, "tickangle": -45}


# --- regions ---------------------------------------------------------------------------------
def _paired_bars(
    rows: Sequence[Mapping],
    *,
    first: tuple[str, str],
    second: tuple[str, str],
    value,
    hover_value: str,
) -> list[dict]:
    """Two horizontal bar traces (blue, orange) over the same categories."""
    customdata = [[row.get("url"), row["projects"]] for row in rows]
    hover = "<b>%{hovertext}</b><br>%{fullData.name}: " + hover_value
    hover += "<br>" + _("Projekt") + ": %{customdata[1]:,d}<extra></extra>"
    return [
        trace(
            "bar",
            name=name,
            **categories(rows),
            x=[value(row[key]) for row in rows],
            orientation="h",
            marker_color=colour,
            customdata=customdata,
            hovertemplate=hover,
        )
        for (key, name), colour in ((first, BLUE), (second, ORANGE))
    ]


def region_money(rows: Sequence[Mapping], *, title: str | None = None) -> dict:
    """Grouped horizontal bars per region: ESF grant and total budget, millions of kronor.

    Rows: label, url, projects, esf_grant_sum, total_budget_sum.
    """
    return figure(
        _paired_bars(
            rows,
            first=("esf_grant_sum", _("ESF-stöd")),
            second=("total_budget_sum", _("Total budget")),
            value=millions,
            hover_value=mnkr("%{x:,.1f}"),
        ),
        layout=layout(
            title=title or _("ESF-stöd och total budget per region"),
            height=_bars_height(len(rows), per=2 * BAR_HEIGHT),
            x_title=_("Miljoner kronor (mnkr)"),
            barmode="group",
            xaxis={"nticks": 6},
            yaxis=HORIZONTAL_Y,
        ),
    )


def region_participants(rows: Sequence[Mapping], *, title: str | None = None) -> dict:
    """Grouped horizontal bars per region: planned participants and participant goal (count).

    Rows: label, url, projects, participants_sum, participant_goal_sum.
    """
    return figure(
        _paired_bars(
            rows,
            first=("participants_sum", _("Planerade deltagare")),
            second=("participant_goal_sum", _("Deltagarmål")),
            value=int,
            hover_value="%{x:,d}",
        ),
        layout=layout(
            title=title or _("Planerade deltagare och deltagarmål per region"),
            height=_bars_height(len(rows), per=2 * BAR_HEIGHT),
            x_title=_("Antal deltagare"),
            barmode="group",
            xaxis={"nticks": 6},
            yaxis=HORIZONTAL_Y,
        ),
    )


def _tile_measures() -> list[tuple[str, str, str, str]]:
    """(row key, button label, hover value, unit) of the measures the cartogram can show."""
    return [
        ("esf_grant_sum", _("ESF-stöd"), mnkr("%{z:,.1f}"), "mnkr"),
        ("projects", _("Projekt"), "%{z:,d}", "count"),
        ("participants_sum", _("Deltagare"), "%{z:,d}", "count"),
        ("esf_per_participant", _("Per deltagare"), kr("%{z:,.0f}"), "kr"),
    ]


def _tile_value(row: Mapping, key: str, unit: str):
    value = row.get(key)
    if value is None:
        return None
    return millions(value) if unit == "mnkr" else int(value)


def _tile_text(value, unit: str) -> str:
    if value is None:
        return "–"
    if unit == "mnkr":
        # a decimal only below 100 mnkr ("19,9", "1 619"): a tile is narrow on a phone.
        # Round first: number_format cuts decimals off (19.96 → "19,9") instead of rounding.
        decimals = 1 if value < 100 else 0
        return mnkr(
            number_format(round(value, decimals), decimal_pos=decimals, force_grouping=True)
        )
    if unit == "kr":
        return kr(number_format(value, force_grouping=True))
    return number_format(value, force_grouping=True)


def region_tiles(rows: Sequence[Mapping]) -> dict:
    """Tile cartogram of the eight NUTS-2 regions and the national level, coloured by a
    measure chosen with the buttons above it (ESF grant first).

    Rows: region_code, is_national, label, url, projects, esf_grant_sum, participants_sum,
    esf_per_participant. Rows without a tile (no region) are left out.
    """
    cells: dict[tuple[int, int], Mapping] = {}
    for row in rows:
        if row.get("is_national"):
            cells[NATIONAL_TILE] = row
        elif row.get("region_code") in TILES:
            cells[TILES[row["region_code"]]] = row
    return _tiles(
        cells, columns=TILE_COLUMNS, lines=TILE_ROWS, title=_("Karta: regionerna som rutor")
    )


def county_tiles(rows: Sequence[Mapping]) -> dict:
    """Tile cartogram of the 21 counties, coloured by the measure the buttons choose, as
    `region_tiles`. Rows as there, with `county_code` and a `short` label (the name without
    "län"); rows without a tile (no county) are left out."""
    cells = {
        COUNTY_TILES[row["county_code"]]: {
            **row,
            "name": row["label"],
            "label": row.get("short") or row["label"],
        }
        for row in rows
        if row.get("county_code") in COUNTY_TILES
    }
    return _tiles(
        cells,
        columns=COUNTY_COLUMNS,
        lines=COUNTY_ROWS,
        title=_("Karta: länen som rutor"),
        height=640,
        font_size=11,
        label_width=10,
    )


def _tiles(
    cells: Mapping[tuple[int, int], Mapping],
    *,
    columns: int,
    lines: int,
    title: str,
    height: int = 500,
    font_size: int = 12,
    label_width: int = 12,
) -> dict:
    """A heatmap of tiles at (column, line), each a row's label and value, with the measure
    buttons above it; a click opens the row's url."""

    def grid(value, empty=None) -> list[list]:
        return [
            [value(cells[(col, line)]) if (col, line) in cells else empty
             for col in range(columns)]
            for line in range(lines)
        ]  # fmt: skip

    def state(key: str, label: str, hover_value: str, unit: str) -> dict:
        """The trace attributes that change with the measure."""
        return {
            "z": grid(lambda row: _tile_value(row, key, unit)),
            "text": grid(
                lambda row: wrapped(row["label"], label_width) + "<br><b>"
                + _tile_text(_tile_value(row, key, unit), unit) + "</b>",
                empty="",
            ),
            "hovertemplate": "<b>%{customdata[2]}</b><br>" + label + ": " + hover_value
            + "<extra></extra>",
        }  # fmt: skip

    measures = _tile_measures()
    states = [state(*measure) for measure in measures]
    buttons = [
        {
            "label": label,
            "method": "restyle",
            # restyle takes one value per trace: the single heatmap's value in a list
            "args": [{name: [value] for name, value in measure_state.items()}],
        }
        for (_key, label, _hover, _unit), measure_state in zip(measures, states, strict=True)
    ]
    hidden_axis = {"visible": False, "showgrid": False}
    return figure(
        trace(
            "heatmap",
            **states[0],
            texttemplate="%{text}",
            textfont={"size": font_size},
            # the hover names the place in full; the tile may carry a shorter label
            customdata=grid(
                lambda row: [row.get("url"), row["projects"], row.get("name") or row["label"]]
            ),
            colorscale=SEQUENTIAL,
            showscale=False,
            xgap=4,
            ygap=4,
            hoverongaps=False,
        ),
        layout=layout(
            title=title,
            height=height,
            legend=False,
            margin={"l": 4, "r": 4, "t": 44, "b": 4},
            xaxis=merge(hidden_axis, {"range": [-0.5, columns - 0.5]}),
            yaxis=merge(hidden_axis, {"autorange": "reversed"}),
            updatemenus=[
                {
                    "type": "buttons",
                    # the page draws these as HTML toggle buttons named by this (charts.js)
                    "name": _("Mått"),
                    "direction": "right",
                    "x": 0,
                    "xanchor": "left",
                    "y": 1.0,
                    "yanchor": "bottom",
                    "pad": {"t": 0, "b": 6, "l": 0, "r": 0},
                    "showactive": True,
                    "active": 0,
                    "bgcolor": "#f3f5f8",
                    "bordercolor": GRID,
                    "font": {"size": 12},
                    "buttons": buttons,
                }
            ],
        ),
    )


# --- programme areas and specific objectives -------------------------------------------------
def programme_areas(rows: Sequence[Mapping], *, period_label: str) -> dict:
    """One programme period's areas in two panels, one above the other (side by side they are
    unreadable on a phone): ESF grant in mnkr, then planned participants.

    Rows: label, url, projects, esf_grant_sum, participants_sum.
    """
    customdata = [[row.get("url"), row["projects"]] for row in rows]
    projects = "<br>" + _("Projekt") + ": %{customdata[1]:,d}<extra></extra>"
    traces = [
        trace(
            "bar",
            name=_("ESF-stöd"),
            **categories(rows),
            x=[millions(row["esf_grant_sum"]) for row in rows],
            orientation="h",
            marker_color=BLUE,
            customdata=customdata,
            hovertemplate="<b>%{hovertext}</b><br>"
            + _("ESF-stöd")
            + ": "
            + mnkr("%{x:,.1f}")
            + projects,
        ),
        trace(
            "bar",
            name=_("Planerade deltagare"),
            **categories(rows),
            x=[int(row["participants_sum"]) for row in rows],
            orientation="h",
            marker_color=ORANGE,
            customdata=customdata,
            hovertemplate="<b>%{hovertext}</b><br>"
            + _("Planerade deltagare")
            + ": %{x:,d}"
            + projects,
            xaxis="x2",
            yaxis="y2",
        ),
    ]
    gap = 0.16  # of the plot height, between the panels: the upper panel's axis and title
    panel_titles = [
        {
            "text": f"<b>{text}</b>",
            # over the panel's right end: a long title then runs left over the labels' column
            "xref": "paper",
            "x": 1,
            "xanchor": "right",
            "yref": f"{axis} domain",
            "y": 1.0,
            "yanchor": "bottom",
            "showarrow": False,
            "font": {"size": 13},
        }
        for text, axis in ((_("ESF-stöd (mnkr)"), "y"), (_("Planerade deltagare (antal)"), "y2"))
    ]
    return figure(
        traces,
        layout=layout(
            title=_("ESF-stöd och deltagare per programområde, %(period)s")
            % {"period": period_label},
            height=_bars_height(2 * len(rows), extra=150),
            legend=False,
            margin={"t": 28},
            xaxis={"anchor": "y", "nticks": 6},
            yaxis=merge(HORIZONTAL_Y, {"domain": [0.5 + gap / 2, 1]}),
            xaxis2=_axis(anchor="y2", nticks=6),
            yaxis2=merge(_axis(), merge(HORIZONTAL_Y, {"domain": [0, 0.5 - gap / 2]})),
            annotations=panel_titles,
        ),
    )


def specific_objectives(rows: Sequence[Mapping], *, period_label: str) -> dict:
    """One programme period's specific objectives: ESF grant (mnkr), coloured by area.

    Rows: label, url, projects, esf_grant_sum, area_label (one trace and colour per area).
    """
    areas: dict[str, list[Mapping]] = {}
    for row in rows:
        areas.setdefault(row["area_label"], []).append(row)
    traces = [
        trace(
            "bar",
            name=area,
            **categories(members),
            x=[millions(row["esf_grant_sum"]) for row in members],
            orientation="h",
            marker_color=PALETTE[index % len(PALETTE)],
            customdata=[[row.get("url"), row["projects"]] for row in members],
            hovertemplate="<b>%{hovertext}</b><br>"
            + _("ESF-stöd")
            + ": "
            + mnkr("%{x:,.1f}")
            + "<br>"
            + _("Projekt")
            + ": %{customdata[1]:,d}<extra>%{fullData.name}</extra>",
        )  # fmt: skip
        for index, (area, members) in enumerate(areas.items())
    ]
    return figure(
        traces,
        layout=layout(
            title=_("ESF-stöd per specifikt mål, %(period)s") % {"period": period_label},
            height=_bars_height(len(rows), extra=110 + 22 * len(areas)),
            xaxis={"nticks": 6},
            x_title=_("Miljoner kronor (mnkr)"),
            # One bar per category: "overlay" keeps each bar full height across traces.
            barmode="overlay",
            yaxis=merge(
                HORIZONTAL_Y,
                {"categoryorder": "array", "categoryarray": [row["label"] for row in rows]},
            ),
        ),
    )


# --- over time -------------------------------------------------------------------------------
def grant_over_time(decision_rows: Sequence[Mapping], start_rows: Sequence[Mapping]) -> dict:
    """ESF grant per year two ways, in mnkr: net amount decided in each decision year, and
    the grant of the projects that start in each year (those bars link to the list).

    decision_rows: year, esf_grant_sum, decisions. start_rows: year, url, esf_grant_sum,
    projects.
    """
    traces = [
        trace(
            "bar",
            name=_("Beslutat under året"),
            x=[int(row["year"]) for row in decision_rows],
            y=[millions(row["esf_grant_sum"]) for row in decision_rows],
            marker_color=BLUE,
            customdata=[[None, row["decisions"]] for row in decision_rows],
            hovertemplate="<b>%{x}</b><br>"
            + _("Beslutat ESF-stöd")
            + ": "
            + mnkr("%{y:,.1f}")
            + "<br>"
            + _("Beslut")
            + ": %{customdata[1]:,d}"
            + "<extra></extra>",
        ),  # fmt: skip
        trace(
            "bar",
            name=_("Till projekt som startar under året"),
            x=[int(row["year"]) for row in start_rows],
            y=[millions(row["esf_grant_sum"]) for row in start_rows],
            marker_color=ORANGE,
            customdata=[[row.get("url"), row["projects"]] for row in start_rows],
            hovertemplate="<b>%{x}</b><br>"
            + _("ESF-stöd till projekt som startar")
            + ": "
            + mnkr("%{y:,.1f}")
            + "<br>"
            + _("Projekt")
            + ": %{customdata[1]:,d}"
            + "<extra></extra>",
        ),  # fmt: skip
    ]
    return figure(
        traces,
        layout=layout(
            title=_("Beviljat ESF-stöd per år"),
            height=380,
            x_title=_("År"),
            y_title=_("Miljoner kronor (mnkr)"),
            barmode="group",
            xaxis=YEARS_X,
        ),
    )


def running_projects(rows: Sequence[Mapping], *, period_labels: Mapping[str, str]) -> dict:
    """Number of projects running in each year, stacked by programme period.

    Rows: year, running ({period: count}). period_labels: {period: label} in legend order.
    """
    traces = [
        trace(
            "bar",
            name=label,
            x=[int(row["year"]) for row in rows],
            y=[int(row["running"].get(period, 0)) for row in rows],
            marker_color=PERIOD_COLOURS.get(period, PALETTE[index % len(PALETTE)]),
            hovertemplate="<b>%{x}</b><br>%{fullData.name}: %{y:,d} "
            + _("pågående projekt")
            + "<extra></extra>",
        )
        for index, (period, label) in enumerate(period_labels.items())
    ]
    return figure(
        traces,
        layout=layout(
            title=_("Pågående projekt per år"),
            height=360,
            x_title=_("År"),
            y_title=_("Antal projekt"),
            barmode="stack",
            xaxis=YEARS_X,
        ),
    )


# --- cost per participant --------------------------------------------------------------------
def cost_per_participant(rows: Sequence[Mapping], *, title: str) -> dict:
    """ESF grant per planned participant in kronor, one horizontal bar per row, coloured by
    programme period when the rows have one (intervention types differ per period).

    Rows: label, url, esf_per_participant, participants_with_grant, with_participants, and
    optionally period + period_label. Rows without a cost (no participants) are skipped.
    """
    shown = [row for row in rows if row.get("esf_per_participant") is not None]
    groups: dict[str, list[Mapping]] = {}
    for row in shown:
        groups.setdefault(row.get("period_label") or _("Alla"), []).append(row)
    hover = (
        "<b>%{hovertext}</b><br>" + _("ESF-stöd per deltagare") + ": " + kr("%{x:,.0f}")
        + "<br>" + _("Deltagare") + ": %{customdata[1]:,d}"
        + "<br>" + _("Projekt") + ": %{customdata[2]:,d}<extra></extra>"
    )  # fmt: skip
    traces = [
        trace(
            "bar",
            name=name,
            **categories(members),
            x=[int(row["esf_per_participant"]) for row in members],
            orientation="h",
            marker_color=PERIOD_COLOURS.get(members[0].get("period"), BLUE),
            customdata=[
                [row.get("url"), row["participants_with_grant"], row["with_participants"]]
                for row in members
            ],
            texttemplate="%{x:,.0f}",
            textposition="inside",
            insidetextanchor="end",
            textfont={
                "color": "#000000" if members[0].get("period") == "2021-2027" else "#ffffff",
                "size": 12,
            },
            hovertemplate=hover,
        )  # fmt: skip
        for name, members in groups.items()
    ]
    return figure(
        traces,
        layout=layout(
            title=title,
            height=_bars_height(len(shown), extra=110 + (22 if len(groups) > 1 else 0)),
            xaxis={"nticks": 6},
            x_title=_("Kronor ESF-stöd per planerad deltagare"),
            legend=len(groups) > 1,
            barmode="overlay",
            yaxis=merge(
                HORIZONTAL_Y,
                {"categoryorder": "array", "categoryarray": [row["label"] for row in shown]},
            ),
        ),
    )


# --- organisations and project sizes ---------------------------------------------------------
def top_organisations(rows: Sequence[Mapping]) -> dict:
    """Horizontal bars of the largest project owners' ESF grant, mnkr (link: organisation).

    Rows: label, url, projects, esf_grant_sum.
    """
    return figure(
        trace(
            "bar",
            **categories(rows),
            x=[millions(row["esf_grant_sum"]) for row in rows],
            orientation="h",
            marker_color=BLUE,
            customdata=[[row.get("url"), row["projects"]] for row in rows],
            hovertemplate="<b>%{hovertext}</b><br>"
            + _("ESF-stöd")
            + ": "
            + mnkr("%{x:,.1f}")
            + "<br>"
            + _("Projekt")
            + ": %{customdata[1]:,d}<extra></extra>",
        ),  # fmt: skip
        layout=layout(
            title=_("Största projektägare efter ESF-stöd"),
            height=_bars_height(len(rows)),
            xaxis={"nticks": 6},
            x_title=_("Miljoner kronor (mnkr)"),
            legend=False,
            yaxis=HORIZONTAL_Y,
        ),
    )


def size_distribution(rows: Sequence[Mapping]) -> dict:
    """Number of projects per size of ESF grant (buckets in mnkr).

    Rows: label, url, projects, esf_grant_sum.
    """
    return figure(
        trace(
            "bar",
            x=[row["label"] for row in rows],
            y=[int(row["projects"]) for row in rows],
            marker_color=BLUE,
            customdata=[[row.get("url"), millions(row["esf_grant_sum"])] for row in rows],
            texttemplate="%{y:,d}",
            textposition="auto",  # inside a tall bar, above a short one
            textangle=0,
            textfont={"size": 12},
            hovertemplate="<b>%{x}</b><br>"
            + _("Projekt")
            + ": %{y:,d}<br>"
            + _("ESF-stöd")
            + ": "
            + mnkr("%{customdata[1]:,.1f}")
            + "<extra></extra>",
        ),  # fmt: skip
        layout=layout(
            title=_("Projekt efter storlek på ESF-stödet"),
            height=340,
            x_title=_("Beviljat ESF-stöd (mnkr)"),
            y_title=_("Antal projekt"),
            legend=False,
            xaxis={"type": "category", "showgrid": False},
        ),
    )
