"""The dashboard's presenters: its sections of charts and tables, from the aggregates' rows.

The view (`views.dashboard`) filters with `ProjectFilter` and runs the grouped queries of
`aggregates.py`; this module turns each result twice: into a Plotly figure (`charts.py`, sent
as JSON and drawn by `static/js/charts.js`) and into a table with the same numbers (the page's
no-JavaScript and screen-reader version of the chart). Every bar knows the URL of the project
list filtered down to it, built here so that the language prefix and the current filters are
kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import QueryDict
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import aggregates, charts, queries, querystring
from .dimensions import NONE
from .models import missing_name

# Years shown in the "running per year" chart: from the first programme's first year to three
# years after the last one's (the n+3 rule: projects may run until then).
EXTRA_YEARS = 3


# --- tables ----------------------------------------------------------------------------------
@dataclass
class Column:
    label: str
    format: str = "number"  # text | number | kr | mkr | percent


@dataclass
class Row:
    header: str
    cells: list
    url: str | None = None  # the project list narrowed to this row
    level: int = 0  # 1: a sub-row (a specific objective under its programme area)
    page: str | None = None  # the row's own page (a county's), which its header links to


@dataclass
class Table:
    caption: str
    header: str
    columns: list[Column]
    rows: list[Row]


@dataclass
class Chart:
    id: str
    figure: dict
    table: Table
    notes: list[str] = field(default_factory=list)
    table_open: bool = False
    wide: bool = False  # the whole row on wide screens, with the table beside the chart

    @property
    def title(self) -> str:
        return self.figure["layout"]["title"]["text"]

    @property
    def data_id(self) -> str:
        return f"{self.id}-data"


@dataclass
class Section:
    id: str
    title: str
    charts: list[Chart]
    intro: str = ""


# --- links to the filtered list --------------------------------------------------------------
class ListLinks:
    """URLs of the project list narrowed to one bar, keeping the dashboard's other filters."""

    def __init__(self, params: QueryDict, selected: dict) -> None:
        self.params = params.copy()
        self.params.pop("page", None)
        self.selected = selected
        self.base = reverse("projects:list")

    def url(self, **changes) -> str:
        return querystring.encode(querystring.replaced(self.params, **changes), self.base)

    def all(self) -> str:
        return self.url()

    def region(self, code: str | None) -> str | None:
        return self.url(region=[code]) if code else None

    def county(self, code: str | None) -> str:
        return self.url(county=[code or NONE])

    def area(self, period: str, code: str | None) -> str | None:
        return self.url(programme=[period], programme_area=[code]) if code else None

    def objective(self, period: str, area: str | None, code: str | None) -> str | None:
        if not code:
            return None
        return self.url(programme=[period], programme_area=[area], specific_objective=[code])

    def intervention(self, period: str, code: str | None) -> str | None:
        return self.url(programme=[period], intervention_field=[code]) if code else None

    def _range(self, name: str, low: int | None, high: int | None) -> str | None:
        """The list limited to [low, high] within the range already chosen, if any is left."""
        chosen = self.selected.get(name)
        if isinstance(chosen, slice):
            if chosen.start is not None:
                low = chosen.start if low is None else max(low, chosen.start)
            if chosen.stop is not None:
                high = chosen.stop if high is None else min(high, chosen.stop)
        if low is not None and high is not None and low > high:
            return None
        return self.url(**{f"{name}_min": low, f"{name}_max": high})

    def start_year(self, year: int) -> str | None:
        return self._range("start_year", year, year)

    def grant_size(self, low: int | None, high: int | None) -> str | None:
        # Buckets are [low, high); the filter's upper bound is inclusive (whole kronor).
        if low is None:
            return None
        return self._range("esf_grant", low, None if high is None else high - 1)


def build_sections(
    *,
    portfolio: list[dict],
    distribution: list[dict],
    years: list[dict],
    decisions: list[dict],
    owners: list[dict],
    reference: queries.ReferenceLists,
    language: str,
    links: ListLinks,
) -> list[Section]:
    periods = reference.period_labels()
    return [
        region_section(portfolio, reference, language, links),
        county_section(portfolio, reference, language, links),
        area_section(portfolio, reference, language, links, periods),
        time_section(years, decisions, reference, links, periods),
        cost_section(portfolio, reference, language, links, periods),
        organisation_section(owners, distribution, links),
    ]


# --- sections --------------------------------------------------------------------------------
def _region_label(row: dict) -> str:
    return row["region_name"] or row["region_code"] or _("Utan region")


def participants_chart(chart_id: str, rows: list[dict], *, title: str, header: str) -> Chart:
    """Planned participants and participant goal per place (region or county), with its table."""
    return Chart(
        id=chart_id,
        figure=charts.region_participants(rows, title=title),
        table=Table(
            caption=title,
            header=header,
            columns=[
                Column(_("Projekt")),
                Column(_("Planerade deltagare (antal)")),
                Column(_("Deltagarmål (antal)")),
            ],
            rows=[
                Row(
                    row["label"],
                    [row["projects"], row["participants_sum"], row["participant_goal_sum"]],
                    row["url"],
                )
                for row in rows
            ],
        ),
    )


def map_chart(chart_id: str, figure: dict, *, note, caption, header, rows, page=None) -> Chart:
    """A tile map with its table, open: ESF support, projects, participants and ESF per
    participant per place; `page` gives a row's own page (a county's) for its header."""
    return Chart(
        id=chart_id,
        figure=figure,
        wide=True,
        table_open=True,
        notes=[note],
        table=Table(
            caption=caption,
            header=header,
            columns=[
                Column(_("ESF-stöd (kr)"), "kr"),
                Column(_("Projekt")),
                Column(_("Planerade deltagare (antal)")),
                Column(_("ESF-stöd per deltagare (kr)"), "kr"),
            ],
            rows=[
                Row(
                    row["label"],
                    [
                        row["esf_grant_sum"],
                        row["projects"],
                        row["participants_sum"],
                        row["esf_per_participant"],
                    ],
                    row["url"],
                    page=page(row) if page else None,
                )  # fmt: skip
                for row in rows
            ],
        ),
    )


def region_section(portfolio, reference, language, links) -> Section:
    rows = aggregates.by_region(portfolio, reference=reference, lang=language)
    for row in rows:
        row["label"] = _region_label(row)
        row["url"] = links.region(row["region_code"])
    budget_unknown = sum(row["projects"] - row["budget_known"] for row in rows)
    money_notes = []
    if budget_unknown:
        money_notes.append(
            ngettext(
                "%(count)s projekt saknar total budget (ESF+-projektbanken anger den inte): "
                "dess ESF-stöd ingår, men inte dess budget.",
                "%(count)s projekt saknar total budget (ESF+-projektbanken anger den inte): "
                "deras ESF-stöd ingår, men inte deras budget.",
                budget_unknown,
            )
            % {"count": number_format(budget_unknown, force_grouping=True)}
        )
    money = Chart(
        id="region-money",
        figure=charts.region_money(rows),
        notes=money_notes,
        table=Table(
            caption=_("ESF-stöd och total budget per region"),
            header=_("Region"),
            columns=[
                Column(_("Projekt")),
                Column(_("ESF-stöd (kr)"), "kr"),
                Column(_("Total budget (kr)"), "kr"),
                Column(_("ESF-andel av budget (%)"), "percent"),
            ],
            rows=[
                Row(
                    row["label"],
                    [
                        row["projects"],
                        row["esf_grant_sum"],
                        row["total_budget_sum"],
                        row["esf_share"],
                    ],
                    row["url"],
                )  # fmt: skip
                for row in rows
            ],
        ),
    )
    people = participants_chart(
        "region-participants",
        rows,
        title=_("Planerade deltagare och deltagarmål per region"),
        header=_("Region"),
    )
    tiles = map_chart(
        "region-map",
        charts.region_tiles(rows),
        note=_(
            "Varje ruta är en region, ungefär där den ligger på kartan; rutan uppe till "
            "höger är de nationella projekten. Välj mått med knapparna."
        ),
        caption=_("Regionerna på kartan"),
        header=_("Region"),
        rows=[row for row in rows if row["region_code"]],
    )
    return Section(
        id="regioner",
        title=_("Per region"),
        intro=_("NUTS-2-regionerna och den nationella nivån. Klicka på en stapel för projekten."),
        charts=[money, people, tiles],
    )


def county_short_name(county) -> str:
    """The county's name without "län" as the bars and tiles show it: "Västra Götaland", not
    the genitive "Västra Götalands" (the English name without "County" is that name)."""
    return county.name_en.removesuffix(" County") or county.name_sv


def county_page(code: str | None) -> str | None:
    """The county's page (`/lan/SE213/`), None for projects without a county."""
    return reverse("projects:county", args=[code]) if code else None


def county_section(portfolio, reference, language, links) -> Section:
    rows = aggregates.by_county(portfolio, reference=reference, lang=language)
    counties = reference.by_code["county"]
    for row in rows:
        row["label"] = row["county_name"] or row["county_code"] or _("Utan län")
        county = counties.get(row["county_code"])
        row["short"] = county_short_name(county) if county else row["label"]
        row["url"] = links.county(row["county_code"])
    # The map shows every county, those without projects in the selection too (no link).
    shown = {row["county_code"] for row in rows}
    empty = dict.fromkeys(aggregates.MEASURES, 0)
    tile_rows = rows + [
        {
            **empty,
            "county_code": county.code,
            "label": county.name(language),
            "short": county_short_name(county),
            "url": None,
            "esf_per_participant": None,
        }
        for county in reference.counties
        if county.code not in shown
    ]
    money = Chart(
        id="county-money",
        figure=charts.region_money(rows, title=_("ESF-stöd och total budget per län")),
        wide=True,
        table_open=True,
        table=Table(
            caption=_("ESF-stöd, budget, deltagare och projekt per län"),
            header=_("Län"),
            # money first: on a phone the first columns are the ones on the screen
            columns=[
                Column(_("ESF-stöd (kr)"), "kr"),
                Column(_("Total budget (kr)"), "kr"),
                Column(_("Projekt")),
                Column(_("Planerade deltagare (antal)")),
            ],
            rows=[
                Row(
                    row["label"],
                    [
                        row["esf_grant_sum"],
                        row["total_budget_sum"],
                        row["projects"],
                        row["participants_sum"],
                    ],
                    row["url"],
                    page=county_page(row["county_code"]),
                )  # fmt: skip
                for row in rows
            ],
        ),
    )
    tiles = map_chart(
        "county-map",
        charts.county_tiles(tile_rows),
        note=_(
            "Varje ruta är ett län, ungefär där det ligger på kartan. Välj mått med "
            "knapparna; klicka på ett län för dess projekt."
        ),
        caption=_("Länen på kartan"),
        header=_("Län"),
        rows=[row for row in rows if row["county_code"]],
        page=lambda row: county_page(row["county_code"]),
    )
    people = participants_chart(
        "county-participants",
        rows,
        title=_("Planerade deltagare och deltagarmål per län"),
        header=_("Län"),
    )
    return Section(
        id="lan",
        title=_("Per län"),
        intro=_(
            "Stödmottagarens län, efter postnummer eller ort. Klicka på en stapel för projekten."
        ),
        charts=[money, tiles, people],
    )


def _code_label(code: str, name: str, width: int | None = None) -> str:
    """ "146 name" (shortened to `width`), or the placeholder for a code without a name."""
    if not name:
        return missing_name(code)
    return f"{code} {charts.short(name, width) if width else name}"


def _area_label(code: str | None, name: str) -> str:
    if not code:
        return _("Utan programområde")
    return _code_label(code, name, 28)


def _objective_label(code: str | None, name: str, area: str | None) -> str:
    if not code:
        # one such row per area: the area's code keeps the chart's categories apart
        return (
            _("%(area)s utan specifikt mål") % {"area": area} if area else _("Utan specifikt mål")
        )
    return _code_label(code, name, 28)


def area_section(portfolio, reference, language, links, periods) -> Section:
    areas = aggregates.by_programme_area(portfolio, reference=reference, lang=language)
    objectives = aggregates.by_specific_objective(portfolio, reference=reference, lang=language)
    result = []
    for period, period_label in periods.items():
        period_areas = [row for row in areas if row["period"] == period]
        if not period_areas:
            continue
        area_labels = {}
        for row in period_areas:
            row["label"] = area_labels[row["area_code"]] = _area_label(
                row["area_code"], row["area_name"]
            )
            row["url"] = links.area(period, row["area_code"])
            row["short"] = (
                f"{row['area_code']} {charts.short(row['area_name'], 16)}".strip()
                if row["area_code"]
                else row["label"]
            )
        period_objectives = [row for row in objectives if row["period"] == period]
        for row in period_objectives:
            row["label"] = _objective_label(
                row["objective_code"], row["objective_name"], row["area_code"]
            )
            row["url"] = links.objective(period, row["area_code"], row["objective_code"])
            row["area_label"] = area_labels.get(row["area_code"], _("Utan programområde"))
            row["short"] = row["objective_code"] or f"{row['area_code'] or ''} –"
        key = period.replace("-", "")
        result.append(
            Chart(
                id=f"areas-{key}",
                figure=charts.programme_areas(period_areas, period_label=period_label),
                table=Table(
                    caption=_("Per programområde, %(period)s") % {"period": period_label},
                    header=_("Programområde"),
                    columns=[
                        Column(_("Projekt")),
                        Column(_("ESF-stöd (kr)"), "kr"),
                        Column(_("Planerade deltagare (antal)")),
                    ],
                    rows=[
                        Row(
                            _code_label(row["area_code"], row["area_name"])
                            if row["area_code"]
                            else row["label"],
                            [row["projects"], row["esf_grant_sum"], row["participants_sum"]],
                            row["url"],
                        )
                        for row in period_areas
                    ],
                ),
            )
        )
        drill = []
        for area in period_areas:
            drill.append(
                Row(
                    area["label"],
                    [area["projects"], area["esf_grant_sum"], area["participants_sum"]],
                    area["url"],
                )
            )
            for row in period_objectives:
                if row["area_code"] == area["area_code"]:
                    drill.append(
                        Row(
                            _code_label(row["objective_code"], row["objective_name"])
                            if row["objective_code"]
                            else row["label"],
                            [row["projects"], row["esf_grant_sum"], row["participants_sum"]],
                            row["url"],
                            level=1,
                        )
                    )
        result.append(
            Chart(
                id=f"objectives-{key}",
                figure=charts.specific_objectives(period_objectives, period_label=period_label),
                table=Table(
                    caption=_("Per programområde och specifikt mål, %(period)s")
                    % {"period": period_label},
                    header=_("Programområde / specifikt mål"),
                    columns=[
                        Column(_("Projekt")),
                        Column(_("ESF-stöd (kr)"), "kr"),
                        Column(_("Planerade deltagare (antal)")),
                    ],
                    rows=drill,
                ),
            )
        )
    return Section(
        id="programomraden",
        title=_("Per programområde"),
        intro=_(
            "Programområdena i ESF 2007–2013, ESF 2014–2020 och ESF+ 2021–2027 är olika saker "
            "och visas var för sig. Under varje programområde: de specifika målen."
        ),
        charts=result,
    )


def _first_year(starts, programmes) -> int:
    """The first year of the programme period the earliest project starts in (so that a
    registry without 2007–2013 projects shows no seven empty years), else of the first one."""
    firsts = sorted(p.first_year for p in programmes) or [2014]
    earliest = min((row["year"] for row in starts), default=firsts[0])
    return max([year for year in firsts if year <= earliest] or firsts[:1])


def time_section(years, decisions, reference, links, periods) -> Section:
    starts = aggregates.by_start_year(years)
    for row in starts:
        row["url"] = links.start_year(row["year"])
    first = _first_year(starts, reference.programmes)
    last = max((p.last_year for p in reference.programmes), default=2027) + EXTRA_YEARS
    running = aggregates.running_per_year(years, span=range(first, last + 1), reference=reference)
    by_year: dict[int, dict] = {}
    for row in decisions:
        by_year.setdefault(row["year"], {})["decided"] = row
    for row in starts:
        by_year.setdefault(row["year"], {})["started"] = row
    grant_rows = []
    for year in sorted(by_year):
        decided, started = by_year[year].get("decided"), by_year[year].get("started")
        grant_rows.append(
            Row(
                str(year),
                [
                    decided["esf_grant_sum"] if decided else None,
                    decided["decisions"] if decided else None,
                    started["esf_grant_sum"] if started else None,
                    started["projects"] if started else None,
                ],
                started["url"] if started else None,
            )
        )
    grant = Chart(
        id="grant-years",
        figure=charts.grant_over_time(decisions, starts),
        notes=[
            _(
                "Beslutsår: summan av besluten det året (beviljanden, förlängningar och "
                "minskningar). Importerade ögonblicksbilder saknar datum och ingår inte. "
                "Startår: hela det beviljade stödet till projekt som startar det året."
            )
        ],
        table=Table(
            caption=_("Beviljat ESF-stöd per år"),
            header=_("År"),
            columns=[
                Column(_("Beslutat ESF-stöd (kr)"), "kr"),
                Column(_("Beslut (antal)")),
                Column(_("ESF-stöd till projekt som startar (kr)"), "kr"),
                Column(_("Projekt som startar (antal)")),
            ],
            rows=grant_rows,
        ),
    )
    running_chart = Chart(
        id="running-years",
        figure=charts.running_projects(running, period_labels=periods),
        notes=[_("Ett projekt räknas under varje år som det pågår någon del av.")],
        table=Table(
            caption=_("Pågående projekt per år"),
            header=_("År"),
            columns=[Column(label) for label in periods.values()] + [Column(_("Totalt"))],
            rows=[
                Row(
                    str(row["year"]),
                    [row["running"].get(period, 0) for period in periods]
                    + [sum(row["running"].values())],
                )
                for row in running
                if sum(row["running"].values())
            ],
        ),
    )
    return Section(id="over-tid", title=_("Över tid"), charts=[grant, running_chart])


def _cost_table(caption: str, header: str, rows: list[dict]) -> Table:
    return Table(
        caption=caption,
        header=header,
        columns=[
            Column(_("ESF-stöd per deltagare (kr)"), "kr"),
            Column(_("ESF-stöd (kr)"), "kr"),
            Column(_("Planerade deltagare (antal)")),
            Column(_("Projekt som räknas")),
            Column(_("Projekt utan deltagare (ej med)")),
        ],
        rows=[
            Row(
                row["label"],
                [
                    row["esf_per_participant"],
                    row["grant_with_participants"],
                    row["participants_with_grant"],
                    row["with_participants"],
                    row["without_participants"],
                ],
                row["url"],
            )  # fmt: skip
            for row in rows
        ],
    )


def cost_section(portfolio, reference, language, links, periods) -> Section:
    regions = aggregates.by_region(portfolio, reference=reference, lang=language)
    for row in regions:
        row["label"] = _region_label(row)
        row["url"] = links.region(row["region_code"])
    regions.sort(key=lambda row: (row["esf_per_participant"] is None,
                                  -(row["esf_per_participant"] or 0)))  # fmt: skip
    fields = aggregates.by_intervention_field(portfolio, reference=reference, lang=language)
    for row in fields:
        code, name = row["intervention_code"], row["intervention_name"]
        row["label"] = _code_label(code, name, 30) if code else _("Utan interventionstyp")
        row["url"] = links.intervention(row["period"], code)
        row["short"] = code or row["label"]
        row["period_label"] = periods.get(row["period"], row["period"])
    left_out = sum(row["without_participants"] for row in regions)
    note = (
        ngettext(
            "%(count)s projekt utan planerade deltagare (eller utan beviljat ESF-stöd) ingår "
            "inte: dess stöd kan inte delas per deltagare.",
            "%(count)s projekt utan planerade deltagare (eller utan beviljat ESF-stöd) ingår "
            "inte: deras stöd kan inte delas per deltagare.",
            left_out,
        )
        % {"count": number_format(left_out, force_grouping=True)}
        if left_out
        else _("Alla projekt i urvalet har planerade deltagare och ingår.")
    )
    return Section(
        id="kostnad-per-deltagare",
        title=_("Kostnad per deltagare"),
        intro=_("Beviljat ESF-stöd delat med planerat antal deltagare.") + " " + note,
        charts=[
            Chart(
                id="cost-region",
                figure=charts.cost_per_participant(
                    regions, title=_("ESF-stöd per planerad deltagare, per region")
                ),
                notes=[note],
                table=_cost_table(
                    _("ESF-stöd per planerad deltagare, per region"), _("Region"), regions
                ),
            ),
            Chart(
                id="cost-intervention",
                figure=charts.cost_per_participant(
                    fields, title=_("ESF-stöd per planerad deltagare, per interventionstyp")
                ),
                notes=[note],
                table=_cost_table(
                    _("ESF-stöd per planerad deltagare, per interventionstyp"),
                    _("Interventionstyp"),
                    [
                        {
                            **row,
                            "label": _code_label(row["intervention_code"], row["intervention_name"])
                            if row["intervention_code"]
                            else row["label"],
                        }
                        for row in fields
                    ],
                ),  # fmt: skip
            ),
        ],
    )


def _size_label(low: int | None, high: int | None) -> str:
    """ "< 1", "1–5", …, "≥ 50" (mnkr, as the axis title says), "Okänt" for unknown grants."""
    if low is None:
        return _("Okänt")
    if low == 0:
        return f"<\xa0{number_format(high // 1_000_000)}"
    if high is None:
        return f"≥\xa0{number_format(low // 1_000_000)}"
    return f"{number_format(low // 1_000_000)}–{number_format(high // 1_000_000)}"


def organisation_section(owners, distribution, links) -> Section:
    demo = _("Demo")
    names = [
        f"{row['organisation_name']} ({demo})" if row.get("is_demo") else row["organisation_name"]
        for row in owners
    ]
    labels = charts.distinct([charts.middle(name, 32) for name in names], names)
    shorts = charts.distinct([charts.middle(name, 17) for name in names], names)
    for row, label, short in zip(owners, labels, shorts, strict=True):
        row["label"], row["short"] = label, short
        row["url"] = reverse("projects:organisation", args=[row["organisation_id"]])
    sizes = aggregates.size_distribution(distribution)
    for row in sizes:
        row["label"] = _size_label(row["low"], row["high"])
        row["url"] = links.grant_size(row["low"], row["high"])
    top = Chart(
        id="top-organisations",
        figure=charts.top_organisations(owners),
        notes=[_("Klicka på en organisation för dess sida med alla projekt.")],
        table_open=True,
        table=Table(
            caption=_("Största projektägare efter ESF-stöd"),
            header=_("Organisation"),
            columns=[Column(_("Projekt i urvalet")), Column(_("ESF-stöd (kr)"), "kr")],
            rows=[
                Row(name, [row["projects"], row["esf_grant_sum"]], row["url"])
                for name, row in zip(names, owners, strict=True)
            ],
        ),
    )
    size = Chart(
        id="project-sizes",
        figure=charts.size_distribution(sizes),
        table=Table(
            caption=_("Projekt efter storlek på ESF-stödet"),
            header=_("ESF-stöd (mnkr)"),
            columns=[Column(_("Projekt (antal)")), Column(_("ESF-stöd (kr)"), "kr")],
            rows=[
                Row(row["label"], [row["projects"], row["esf_grant_sum"]], row["url"])
                for row in sizes
            ],  # fmt: skip
        ),
    )
    return Section(
        id="organisationer",
        title=_("Organisationer och projektstorlek"),
        charts=[top, size],
    )


def key_figures(portfolio: list[dict], distribution: list[dict]) -> dict:
    """The figures above the charts, with the sums also in millions for the mkr filter."""
    figures = aggregates.key_figures(portfolio, distribution)
    # The mkr filter cuts decimals off rather than rounding (number_format does); amounts
    # rounded to 0.1 mnkr show the right figure either way.
    for key in ("total_budget_sum", "esf_grant_sum"):
        figures[f"{key}_mkr"] = round(figures[key], -5)
    return figures
