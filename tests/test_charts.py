"""charts.py: pure functions from rows to Plotly figures, tested without a database."""

import ast
import json
import re
from pathlib import Path

import plotly.offline
import pytest
from django.utils import translation

from projects import charts

ROOT = Path(__file__).resolve().parent.parent
OKABE_ITO = {"#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000"}


@pytest.fixture(autouse=True)
def swedish():
    with translation.override("sv"):
        yield


def region_row(code, name, grant, budget, projects=2, **extra):
    return {
        "region_code": code,
        "label": name,
        "url": f"/projects/?region={code}",
        "is_national": False,
        "projects": projects,
        "esf_grant_sum": grant,
        "total_budget_sum": budget,
        "participants_sum": 300,
        "participant_goal_sum": 120,
        "esf_per_participant": 25_000,
        **extra,
    }


REGIONS = [
    region_row("SE33", "Övre Norrland", 19_895_809, 29_815_599),
    region_row("SE21", "Småland och Öarna", 5_000_000, 10_000_000),
]


def plain(figure) -> dict:
    """The figure as the page gets it: JSON that json_script can write (no Decimal, no numpy)."""
    return json.loads(json.dumps(figure))


def test_region_money_has_grant_and_budget_bars_in_millions_with_links():
    figure = plain(charts.region_money(REGIONS))
    grant, budget = figure["data"]
    assert [grant["name"], budget["name"]] == ["ESF-stöd", "Total budget"]
    assert grant["orientation"] == "h" and grant["y"] == ["Övre Norrland", "Småland och Öarna"]
    assert grant["x"] == [19.896, 5.0] and budget["x"] == [29.816, 10.0]
    assert grant["customdata"][0] == ["/projects/?region=SE33", 2]
    assert "mnkr" in grant["hovertemplate"] and "%{x:,.1f}" in grant["hovertemplate"]
    assert figure["layout"]["barmode"] == "group"
    assert figure["layout"]["xaxis"]["title"]["text"] == "Miljoner kronor (mnkr)"
    assert figure["layout"]["yaxis"]["autorange"] == "reversed"  # first row on top


def test_region_participants_has_planned_and_goal_counts():
    figure = plain(charts.region_participants(REGIONS))
    planned, goal = figure["data"]
    assert planned["x"] == [300, 300] and goal["x"] == [120, 120]
    assert figure["layout"]["xaxis"]["title"]["text"] == "Antal deltagare"


def test_every_figure_uses_no_template_the_languages_separators_and_fixed_axes():
    figure = plain(charts.region_money(REGIONS))
    assert "template" not in figure["layout"]  # plotly.py's default would add ~7 kB
    assert figure["layout"]["separators"] == ",\xa0"
    assert figure["layout"]["xaxis"]["fixedrange"] is True
    assert figure["layout"]["dragmode"] is False
    with translation.override("en"):
        assert plain(charts.region_money(REGIONS))["layout"]["separators"] == ".,"


def test_charts_use_only_colour_blind_safe_colours():
    figures = [
        charts.region_money(REGIONS),
        charts.region_participants(REGIONS),
        charts.running_projects(
            [{"year": 2020, "running": {"2014-2020": 3, "2021-2027": 0}}],
            period_labels={"2014-2020": "ESF 2014–2020", "2021-2027": "ESF+ 2021–2027"},
        ),
        charts.top_organisations(
            [{"label": "A", "url": "/o/1/", "projects": 1, "esf_grant_sum": 1}]
        ),  # fmt: skip
    ]
    colours = {trace["marker"]["color"] for f in figures for trace in plain(f)["data"]}
    assert colours <= OKABE_ITO


def test_region_tiles_place_regions_like_the_map_and_offer_four_measures():
    rows = [
        *REGIONS,
        region_row("ESF-Nationellt", "ESF-Nationellt", 1_000_000, 2_000_000, is_national=True),
    ]
    figure = plain(charts.region_tiles(rows))
    (heatmap,) = figure["data"]
    col, row = charts.TILES["SE33"]
    assert row == 0  # the north at the top
    assert heatmap["z"][row][col] == 19.896
    assert "Övre<br>Norrland" in heatmap["text"][row][col]
    assert heatmap["customdata"][row][col][0] == "/projects/?region=SE33"
    national_col, national_row = charts.NATIONAL_TILE
    assert heatmap["z"][national_row][national_col] == 1.0
    assert heatmap["z"][1][0] is None and heatmap["text"][1][0] == ""  # sea: no tile, no text
    (menu,) = figure["layout"]["updatemenus"]
    assert menu["name"] == "Mått"  # the name of the buttons' group on the page
    buttons = menu["buttons"]
    assert [b["label"] for b in buttons] == ["ESF-stöd", "Projekt", "Deltagare", "Per deltagare"]
    projects = buttons[1]["args"][0]
    assert projects["z"][0][row][col] == 2  # restyle: one value per trace
    assert "%{z:,d}" in projects["hovertemplate"][0]


def test_region_tiles_text_uses_swedish_number_format():
    figure = plain(charts.region_tiles(REGIONS))
    col, row = charts.TILES["SE33"]
    assert "19,9\xa0mnkr" in figure["data"][0]["text"][row][col]


def test_county_tiles_round_large_sums_to_whole_millions():
    rows = [
        {"county_code": "SE232", "label": "Västra Götalands län", "short": "Västra Götaland",
         "url": "/projects/?county=SE232", "projects": 294, "esf_grant_sum": 1_618_559_823,
         "participants_sum": 50_922, "esf_per_participant": 31_785},
        {"county_code": "SE213", "label": "Kalmar län", "short": "Kalmar", "url": None,
         "projects": 3, "esf_grant_sum": 8_604_150, "participants_sum": 381,
         "esf_per_participant": None},
    ]  # fmt: skip
    (heatmap,) = plain(charts.county_tiles(rows))["data"]
    col, row = charts.COUNTY_TILES["SE232"]
    assert heatmap["text"][row][col] == "Västra<br>Götaland<br><b>1\xa0619\xa0mnkr</b>"
    assert heatmap["customdata"][row][col][2] == "Västra Götalands län"  # the hover: in full
    col, row = charts.COUNTY_TILES["SE213"]
    assert heatmap["text"][row][col].endswith("<b>8,6\xa0mnkr</b>")
    per_participant = plain(charts.county_tiles(rows))["layout"]["updatemenus"][0]["buttons"][3]
    assert per_participant["args"][0]["text"][0][row][col].endswith("<b>–</b>")


def test_programme_areas_has_grant_and_participant_panels_over_the_same_areas():
    rows = [
        {"label": "1 Kompetensförsörjning", "url": "/p/?a=1", "projects": 4,
         "esf_grant_sum": 12_000_000, "participants_sum": 400},
        {"label": "2 Öka övergångarna", "url": "/p/?a=2", "projects": 1,
         "esf_grant_sum": 3_000_000, "participants_sum": 0},
    ]  # fmt: skip
    figure = plain(charts.programme_areas(rows, period_label="ESF 2014–2020"))
    grant, people = figure["data"]
    assert grant["x"] == [12.0, 3.0] and people["x"] == [400, 0]
    assert people["xaxis"] == "x2" and people["yaxis"] == "y2"
    assert figure["layout"]["title"]["text"].endswith("ESF 2014–2020")
    assert [a["text"] for a in figure["layout"]["annotations"]] == [
        "<b>ESF-stöd (mnkr)</b>",
        "<b>Planerade deltagare (antal)</b>",
    ]


def test_specific_objectives_get_one_trace_per_area_and_category_axis():
    rows = [
        {"label": "1.1", "area_label": "1 Kompetens", "url": None, "projects": 1,
         "esf_grant_sum": 1_000_000},
        {"label": "2.1", "area_label": "2 Övergångar", "url": "/p/", "projects": 2,
         "esf_grant_sum": 2_000_000},
        {"label": "2.3", "area_label": "2 Övergångar", "url": "/p/", "projects": 2,
         "esf_grant_sum": 500_000},
    ]  # fmt: skip
    figure = plain(charts.specific_objectives(rows, period_label="ESF 2014–2020"))
    assert [trace["name"] for trace in figure["data"]] == ["1 Kompetens", "2 Övergångar"]
    assert figure["data"][1]["y"] == ["2.1", "2.3"]
    # "1.1" must stay a label, not become the number 1.1 on a linear axis
    assert figure["layout"]["yaxis"]["type"] == "category"
    assert figure["layout"]["yaxis"]["categoryarray"] == ["1.1", "2.1", "2.3"]


def test_grant_over_time_links_start_years_but_not_decision_years():
    decisions = [{"year": 2019, "esf_grant_sum": 10_000_000, "decisions": 3}]
    starts = [
        {"year": 2020, "esf_grant_sum": 8_000_000, "projects": 2, "url": "/p/?start_year_min=2020"}
    ]
    figure = plain(charts.grant_over_time(decisions, starts))
    decided, started = figure["data"]
    assert decided["x"] == [2019] and decided["y"] == [10.0]
    assert decided["customdata"] == [[None, 3]]
    assert started["customdata"] == [["/p/?start_year_min=2020", 2]]
    assert figure["layout"]["xaxis"]["tickformat"] == "d"  # 2019, not "2 019"


def test_running_projects_stacks_the_periods():
    rows = [
        {"year": 2021, "running": {"2014-2020": 5, "2021-2027": 1}},
        {"year": 2022, "running": {"2014-2020": 2, "2021-2027": 4}},
    ]
    labels = {"2014-2020": "ESF 2014–2020", "2021-2027": "ESF+ 2021–2027"}
    figure = plain(charts.running_projects(rows, period_labels=labels))
    assert figure["layout"]["barmode"] == "stack"
    assert [(t["name"], t["y"]) for t in figure["data"]] == [
        ("ESF 2014–2020", [5, 2]),
        ("ESF+ 2021–2027", [1, 4]),
    ]
    assert figure["layout"]["yaxis"]["title"]["text"] == "Antal projekt"


def test_cost_per_participant_leaves_out_rows_without_participants():
    rows = [
        {"label": "Stockholm", "url": "/p/?region=SE11", "esf_per_participant": 30_000,
         "participants_with_grant": 100, "with_participants": 2},
        {"label": "Utan deltagare", "url": None, "esf_per_participant": None,
         "participants_with_grant": 0, "with_participants": 0},
    ]  # fmt: skip
    figure = plain(charts.cost_per_participant(rows, title="Per region"))
    (bars,) = figure["data"]
    assert bars["y"] == ["Stockholm"] and bars["x"] == [30_000]
    assert "kr" in bars["hovertemplate"]
    assert figure["layout"]["showlegend"] is False  # one group: no legend needed


def test_cost_per_participant_colours_intervention_types_by_period():
    rows = [
        {"label": "102", "period": "2014-2020", "period_label": "ESF", "url": None,
         "esf_per_participant": 1, "participants_with_grant": 1, "with_participants": 1},
        {"label": "134", "period": "2021-2027", "period_label": "ESF+", "url": None,
         "esf_per_participant": 2, "participants_with_grant": 1, "with_participants": 1},
    ]  # fmt: skip
    figure = plain(charts.cost_per_participant(rows, title="Per typ"))
    assert [t["marker"]["color"] for t in figure["data"]] == [charts.BLUE, charts.ORANGE]
    assert figure["layout"]["showlegend"] is True


def test_size_distribution_counts_projects_per_bucket():
    rows = [
        {"label": "under 1", "url": "/p/?esf_grant_max=999999", "projects": 3,
         "esf_grant_sum": 1_500_000},
        {"label": "Okänt", "url": None, "projects": 1, "esf_grant_sum": 0},
    ]  # fmt: skip
    figure = plain(charts.size_distribution(rows))
    (bars,) = figure["data"]
    assert bars["x"] == ["under 1", "Okänt"] and bars["y"] == [3, 1]
    assert bars["customdata"][0] == ["/p/?esf_grant_max=999999", 1.5]
    assert figure["layout"]["xaxis"]["type"] == "category"


def test_english_titles_come_through_gettext():
    """The figure is built in the active language: title, axis and legend from the catalogue."""
    swedish = plain(charts.region_money(REGIONS))
    with translation.override("en"):
        english = plain(charts.region_money(REGIONS))
    assert swedish["layout"]["title"]["text"] == "ESF-stöd och total budget per region"
    assert english["layout"]["title"]["text"] == "ESF support and total budget by region"
    assert english["layout"]["xaxis"]["title"]["text"] == "SEK million"
    assert [trace["name"] for trace in english["data"]] == ["ESF support", "Total budget"]


def test_charts_import_neither_the_orm_nor_the_request():
    tree = ast.parse((ROOT / "projects" / "charts.py").read_text())
    imported = {
        node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
    } | {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
         for alias in node.names}  # fmt: skip
    assert not {name for name in imported if "models" in name or name.startswith(
        ("django.db", "django.http", "django.shortcuts"))}  # fmt: skip


@pytest.mark.parametrize("text", ["Övre Norrland", "ESF-Nationellt", "Östra Mellansverige"])
def test_tile_labels_wrap_between_words_only(text):
    assert charts.wrapped(text).replace("<br>", " ") == text


def test_vendored_plotly_js_matches_the_python_package():
    head = (ROOT / "static" / "js" / "plotly-cartesian.min.js").read_text(encoding="utf-8")[:200]
    version = re.search(r"plotly\.js \(cartesian - minified\) v(\d+\.\d+\.\d+)", head).group(1)
    assert version == plotly.offline.get_plotlyjs_version()
