"""/dashboard/: aggregates against brute-force sums, the page's states, links and query count."""

import datetime
import json
import random
import re
import statistics
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import plotly.graph_objects
import pytest
from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from projects import aggregates, queries
from projects.filters import ProjectFilter
from projects.models import (
    Decision,
    InterventionField,
    Organisation,
    PageProject,
    Programme,
    ProgrammeArea,
    Project,
    Region,
)
from projects.presenters import ListLinks
from tests.factories import DecisionFactory, OrganisationFactory, ProjectFactory

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.django_db
URL = reverse("projects:dashboard")
LIST_URL = reverse("projects:list")


@pytest.fixture
def mixed():
    """40 projects of all three periods with every field that can be empty sometimes empty."""
    rng = random.Random(6)
    programmes = list(Programme.objects.order_by("first_year"))
    regions = [*Region.objects.all(), None]
    owners = [OrganisationFactory() for _ in range(6)]
    serial = {"2007-2013": 0, "2014-2020": 0, "2021-2027": 0}
    projects = []
    for _ in range(40):
        programme = rng.choice(programmes)
        period = programme.period
        serial[period] += 1
        # A 2007–2013 project has no diary number: its page's address names it.
        source = f"https://www.esf.se/projektbanken-2007-2013/projekt-{serial[period]}/"
        if period == "2007-2013":
            diary = None
        elif period == "2014-2020":
            diary = f"2016/{serial[period]:05d}"
        else:
            diary = f"23-{100 + serial[period]:03d}-S01"
        areas = list(ProgrammeArea.objects.filter(programme=programme))
        area = rng.choice([*areas, None])
        objective = rng.choice([*area.objectives.all(), None]) if area else None
        field = rng.choice([*InterventionField.objects.filter(programme=programme), None])
        start = datetime.date(rng.randint(2015, 2026), rng.randint(1, 12), 1)
        budget = rng.choice([None, rng.randint(200_000, 90_000_000)])
        grant = rng.choice([None, int((budget or 60_000_000) * rng.uniform(0.3, 0.6))])
        participants = rng.choice([None, 0, rng.randint(5, 800)])
        goal = rng.choice([None, (participants or 0) // 2]) if participants else None
        projects.append(
            ProjectFactory(
                diary_number=diary,
                source_url=source if diary is None else "",
                programme=programme,
                programme_area=area,
                specific_objective=objective,
                intervention_field=field,
                region=rng.choice(regions),
                owner=rng.choice(owners),
                start_date=start,
                end_date=start + datetime.timedelta(days=rng.randint(200, 1500)),
                total_budget=budget,
                esf_grant=grant,
                cofinancing_rate=rng.choice(
                    [None, Decimal("40"), Decimal("46"), Decimal("50"), Decimal("60.00")]
                ),  # fmt: skip
                planned_participants=participants,
                participant_goal=goal,
            )
        )
    # Every project has its grant (the factory records it); some got a later change.
    today = timezone.localdate()
    changed = [
        p
        for p in projects
        if (p.esf_grant or 0) >= 50_000 and p.start_date + datetime.timedelta(days=400) <= today
    ]
    for project in changed[:6]:
        DecisionFactory(project=project, kind=Decision.Kind.CHANGE,
                        decided_on=project.start_date + datetime.timedelta(days=400),
                        esf_grant_change=-50_000, total_budget_change=None)  # fmt: skip
    DecisionFactory(project=projects[0], kind=Decision.Kind.SNAPSHOT, decided_on=None,
                    esf_grant_change=None, total_budget_change=None)  # fmt: skip
    for project in projects:
        project.refresh_from_db()
    return projects


def filtered(query: str = "") -> tuple[list[Project], object]:
    """The projects ProjectFilter picks for a query string, and its queryset."""
    from django.http import QueryDict

    filterset = ProjectFilter(QueryDict(query), queryset=Project.objects.all())
    return list(filterset.qs.select_related("programme", "owner")), filterset.qs


def measures(projects: list[Project]) -> dict:
    """The additive measures of aggregates.MEASURES, by brute force in Python."""
    with_participants = [p for p in projects if p.planned_participants and p.esf_grant is not None]
    with_budget = [p for p in projects if p.total_budget and p.esf_grant is not None]
    return {
        "projects": len(projects),
        "esf_grant_sum": sum(p.esf_grant or 0 for p in projects),
        "total_budget_sum": sum(p.total_budget or 0 for p in projects),
        "budget_known": sum(p.total_budget is not None for p in projects),
        "participants_sum": sum(p.planned_participants or 0 for p in projects),
        "participant_goal_sum": sum(p.participant_goal or 0 for p in projects),
        "with_participants": len(with_participants),
        "grant_with_participants": sum(p.esf_grant for p in with_participants),
        "participants_with_grant": sum(p.planned_participants for p in with_participants),
        "with_budget": len(with_budget),
        "grant_with_budget": sum(p.esf_grant for p in with_budget),
        "budget_with_grant": sum(p.total_budget for p in with_budget),
    }


def grouped(projects, key) -> dict:
    groups = defaultdict(list)
    for project in projects:
        groups[key(project)].append(project)
    return {name: measures(members) for name, members in groups.items()}


QUERIES = ["", "region=SE21&region=SE33", "programme=2021-2027&status=ongoing",
           "esf_grant_min=5000000&participants_min=1", "q=Projekt+1"]  # fmt: skip


@pytest.mark.parametrize("query", QUERIES)
def test_key_figures_equal_brute_force_sums(mixed, query):
    projects, queryset = filtered(query)
    figures = aggregates.key_figures(
        aggregates.portfolio_rows(queryset), aggregates.distribution_rows(queryset)
    )
    expected = measures(projects)
    assert {key: figures[key] for key in expected} == expected
    rates = [p.cofinancing_rate for p in projects if p.cofinancing_rate is not None]
    median = statistics.median(rates).quantize(Decimal("0.01")) if rates else None
    assert figures["median_rate"] == median
    assert figures["without_participants"] == expected["projects"] - expected["with_participants"]
    if expected["budget_with_grant"]:
        share = Decimal(expected["grant_with_budget"] * 100) / expected["budget_with_grant"]
        assert figures["esf_share"] == share.quantize(Decimal("0.1"))


@pytest.mark.parametrize("query", QUERIES)
def test_grouped_rows_equal_brute_force_sums(mixed, query):
    projects, queryset = filtered(query)
    reference = queries.reference_lists()
    portfolio = aggregates.portfolio_rows(queryset)
    keys = list(aggregates.MEASURES)

    def strip(row):
        return {key: row[key] for key in keys}

    regions = aggregates.by_region(portfolio, reference=reference, lang="sv")
    assert {row["region_code"]: strip(row) for row in regions} == grouped(
        projects, lambda p: p.region.code if p.region else None
    )
    areas = aggregates.by_programme_area(portfolio, reference=reference, lang="sv")
    assert {(row["period"], row["area_code"]): strip(row) for row in areas} == grouped(
        projects,
        lambda p: (p.programme.period, p.programme_area.code if p.programme_area else None),
    )
    objectives = aggregates.by_specific_objective(portfolio, reference=reference, lang="sv")
    assert {(r["period"], r["area_code"], r["objective_code"]): strip(r) for r in objectives} == (
        grouped(
            projects,
            lambda p: (
                p.programme.period,
                p.programme_area.code if p.programme_area else None,
                p.specific_objective.code if p.specific_objective else None,
            ),
        )
    )
    fields = aggregates.by_intervention_field(portfolio, reference=reference, lang="sv")
    assert {(r["period"], r["intervention_code"]): strip(r) for r in fields} == grouped(
        projects,
        lambda p: (
            p.programme.period,
            p.intervention_field.code if p.intervention_field else None,
        ),
    )
    # largest grant first, ties by code
    assert [row["esf_grant_sum"] for row in regions] == sorted(
        (row["esf_grant_sum"] for row in regions), reverse=True
    )


@pytest.mark.parametrize("query", QUERIES)
def test_one_pass_for_years_and_sizes_gives_the_two_group_bys_rows(mixed, query):
    _projects, queryset = filtered(query)
    years, distribution = aggregates.shape_rows(queryset)
    assert years == aggregates.year_rows(queryset)
    assert distribution == aggregates.distribution_rows(queryset)
    assert years or not queryset.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="covering indexes are PostgreSQL's")
def test_decisions_per_year_read_only_columns_their_indexes_cover(mixed):
    """The decisions per year of a filtered set read the matching projects' ids and their dated
    decisions' years and amounts: both covering indexes hold every column the query reads, so
    at scale it is two index-only scans (docs/performance.md); no count of the decisions' ids,
    which would need their rows."""
    _projects, queryset = filtered("region=SE21")
    sql = str(aggregates.decision_years(queryset).query)
    assert '"projects_decision"."id"' not in sql
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE indexname IN "
            "('decision_project_money_idx', 'project_portfolio_idx')"
        )
        definitions = dict(cursor.fetchall())
    decisions = definitions["decision_project_money_idx"]
    assert "(project_id) INCLUDE (decided_on, esf_grant_change)" in decisions
    assert "WHERE (decided_on IS NOT NULL)" in decisions
    projects = definitions["project_portfolio_idx"]
    assert projects.startswith("CREATE INDEX project_portfolio_idx ON public.projects_project")
    assert "(region_id, county_id, programme_id, programme_area_id" in projects
    assert re.search(r"INCLUDE \([^)]*\bid\)", projects), projects


@pytest.mark.parametrize("query", QUERIES)
def test_years_sizes_decisions_and_owners_equal_brute_force(mixed, query):
    projects, queryset = filtered(query)
    reference = queries.reference_lists()
    years = aggregates.year_rows(queryset)

    starts = defaultdict(lambda: {"projects": 0, "esf_grant_sum": 0})
    for p in projects:
        starts[p.start_date.year]["projects"] += 1
        starts[p.start_date.year]["esf_grant_sum"] += p.esf_grant or 0
    assert {r["year"]: {"projects": r["projects"], "esf_grant_sum": r["esf_grant_sum"]}
            for r in aggregates.by_start_year(years)} == dict(starts)  # fmt: skip

    running = aggregates.running_per_year(years, span=range(2014, 2031), reference=reference)
    for row in running:
        year = row["year"]
        for period, count in row["running"].items():
            assert count == sum(
                1
                for p in projects
                if p.programme.period == period
                and p.start_date <= datetime.date(year, 12, 31)
                and p.end_date >= datetime.date(year, 1, 1)
            ), (year, period)

    sizes = aggregates.size_distribution(aggregates.distribution_rows(queryset))
    for row in sizes:
        if row["low"] is None:
            members = [p for p in projects if p.esf_grant is None]
        else:
            members = [p for p in projects if p.esf_grant is not None and p.esf_grant >= row["low"]
                       and (row["high"] is None or p.esf_grant < row["high"])]  # fmt: skip
        assert row["projects"] == len(members), row
        assert row["esf_grant_sum"] == sum(p.esf_grant or 0 for p in members)
    assert len(sizes) >= len(aggregates.SIZE_BUCKETS)

    ids = {p.pk for p in projects}
    decided = defaultdict(int)
    for decision in Decision.objects.exclude(decided_on=None).filter(project__in=ids):
        decided[decision.decided_on.year] += decision.esf_grant_change or 0
    assert {r["year"]: r["esf_grant_sum"] for r in aggregates.decision_year_rows(queryset)} == (
        dict(decided)
    )

    owners = defaultdict(int)
    for p in projects:
        owners[p.owner_id] += p.esf_grant or 0
    top = aggregates.top_organisations(queryset, limit=3)
    expected = sorted(owners.items(), key=lambda item: (-item[1], item[0]))[:3]
    assert [(row["organisation_id"], row["esf_grant_sum"]) for row in top] == expected
    names = dict(Organisation.objects.values_list("pk", "name"))
    assert all(row["organisation_name"] == names[row["organisation_id"]] for row in top)


@pytest.mark.parametrize(
    ("rates", "median"),
    [([50], "50.00"), ([40, 50], "45.00"), ([40, 46, 50, 50], "48.00"), ([60, 40, 50], "50.00")],
)
def test_median_rate_from_frequencies(rates, median):
    counts = defaultdict(int)
    for rate in rates:
        counts[rate] += 1
    rows = [{"rate": Decimal(r), "projects": n} for r, n in counts.items()]
    rows.append({"rate": None, "projects": 7})  # unknown rates do not count
    assert aggregates.median_rate(rows) == Decimal(median)
    assert aggregates.median_rate([]) is None


# --- the page ----------------------------------------------------------------------------------
def charts_of(response) -> dict[str, dict]:
    return {
        chart.id: chart.figure
        for section in response.context["sections"]
        for chart in section.charts
    }


def test_empty_registry_says_so_and_draws_nothing(client):
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Inga projekt matchar filtret." in html
    assert "data-chart" not in html and "plotly-cartesian.min.js" not in html


def test_filter_that_matches_nothing_keeps_the_filters_and_offers_a_way_out(client, mixed):
    response = client.get(URL, {"region": "SE33", "q": "finns-inte-någonstans"})
    html = response.content.decode()
    assert "Inga projekt matchar filtret." in html
    assert "data-chart" not in html
    assert f'href="{URL}"' in html  # the whole registry
    assert "Sök: ”finns-inte-någonstans”" in html


def test_one_project_renders_every_chart(client):
    ProjectFactory(region=Region.objects.get(code="SE33"))
    response = client.get(URL)
    assert response.status_code == 200
    figures = charts_of(response)
    assert {"region-money", "region-participants", "region-map", "areas-20142020",
            "objectives-20142020", "grant-years", "running-years", "cost-region",
            "cost-intervention", "top-organisations", "project-sizes"} <= set(figures)  # fmt: skip
    assert "areas-20212027" not in figures  # no ESF+ project, no ESF+ chart
    html = response.content.decode()
    assert html.count('role="img"') == len(figures)
    assert html.count("Visa som tabell") == len(figures)
    assert 'id="region-money-data" type="application/json"' in html


def test_many_projects_render_with_swedish_numbers(client, mixed):
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    # Three per county section (money, map, participants); three periods: areas and objectives
    # three times (2007–2013's objectives chart too: its areas, without objectives, are drilled
    # down to none).
    assert len(charts_of(response)) == 18
    small = sum(p.esf_grant or 0 for p in mixed if p.region and p.region.code == "SE21")
    assert f"{small:,}\xa0kr".replace(",", "\xa0") in html  # a table cell: 17 207 538 kr
    total = round(sum(p.esf_grant or 0 for p in mixed), -5) / 1_000_000
    assert f"{total:.1f}\xa0mnkr".replace(".", ",") in html  # the key figure: 477,6 mnkr


def test_the_vendored_plotly_bundle_has_every_trace_type_the_dashboard_draws(client, mixed):
    bundle = (ROOT / "static" / "js" / "plotly-cartesian.min.js").read_text(encoding="utf-8")
    registered = set(re.findall(r'moduleType:"trace",name:"(\w+)"', bundle))
    assert {"bar", "heatmap", "scatter"} <= registered and "scattergeo" not in registered
    drawn = {
        trace.get("type", "scatter")
        for figure in charts_of(client.get(URL)).values()
        for trace in json.loads(json.dumps(figure, default=str))["data"]
    }
    assert drawn and drawn <= registered


def test_every_figure_is_one_plotly_accepts(client, mixed):
    # charts.py writes plain dicts; plotly's graph objects refuse any property Plotly.js lacks
    figures = charts_of(client.get(URL)) | charts_of(client.get(f"/en{URL}"))
    for name, figure in figures.items():
        plotly.graph_objects.Figure(figure)  # raises ValueError on an invalid property
        assert figure["data"] and all("type" in trace for trace in figure["data"]), name


def test_page_has_no_inline_script(client, mixed):
    html = client.get(URL).content.decode()
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts, "the page needs its scripts"
    for tag in scripts:
        assert 'type="application/json"' in tag or re.search(r'src="[^"]*/static/js/', tag), tag
    assert " on" not in "".join(re.findall(r"<[a-z]+\b[^>]*\bon[a-z]+=", html))
    assert "cdn" not in html.lower()
    assert "/static/js/plotly-cartesian.min.js" in html and "/static/js/charts.js" in html


@pytest.mark.parametrize("query", QUERIES + ["region=SE21&status=finished&sort=-grant"])
def test_list_and_dashboard_count_the_same_projects_for_the_same_query(client, mixed, query):
    listed = client.get(f"{LIST_URL}?{query}&size=200")
    if listed.status_code == 302:  # the list tidies its query string first
        listed = client.get(listed["Location"])
    dashboard = client.get(f"{URL}?{query}")
    summary, figures = listed.context["summary"], dashboard.context["figures"]
    assert figures["projects"] == summary["projects"]
    assert figures["esf_grant_sum"] == summary["esf_grant"]
    assert figures["total_budget_sum"] == summary["total_budget"]
    assert figures["participants_sum"] == summary["participants"]


def test_region_bar_links_to_the_list_with_the_other_filters_kept(client, mixed):
    response = client.get(URL, {"programme": "2014-2020", "region": ["SE21", "SE33"]})
    money = charts_of(response)["region-money"]
    links = {
        label: data[0]
        for label, data in zip(money["data"][0]["y"], money["data"][0]["customdata"], strict=True)
    }
    assert links["Övre Norrland"] == f"{LIST_URL}?programme=2014-2020&region=SE33"
    assert f'href="{LIST_URL}?programme=2014-2020&amp;region=SE33"' in response.content.decode()


def test_links_keep_the_english_prefix(client, mixed):
    with translation.override("en"):
        english = reverse("projects:dashboard")
    response = client.get(english)
    money = charts_of(response)["region-money"]
    assert all(
        url is None or url.startswith("/en/projects/?region=")
        for url, _count in money["data"][0]["customdata"]
    )


def test_range_links_stay_inside_the_chosen_range():
    from django.http import QueryDict

    links = ListLinks(
        QueryDict("esf_grant_min=3000000&start_year_min=2018&page=3"),
        {"esf_grant": slice(3_000_000, None), "start_year": slice(2018, None)},
    )
    assert links.grant_size(1_000_000, 5_000_000) == (
        f"{LIST_URL}?esf_grant_min=3000000&start_year_min=2018&esf_grant_max=4999999"
    )
    assert links.grant_size(0, 1_000_000) is None  # nothing of that bucket is in the range
    assert links.start_year(2020) == (
        f"{LIST_URL}?esf_grant_min=3000000&start_year_min=2020&start_year_max=2020"
    )


def test_bad_parameters_are_reported_and_the_rest_applies(client, mixed):
    response = client.get(URL, {"region": ["SE21", "XX"], "esf_grant_min": "abc"})
    html = response.content.decode()
    assert 'class="notice" role="status"' in html
    assert "XX" in html
    assert response.context["figures"]["projects"] == sum(
        1 for p in mixed if p.region and p.region.code == "SE21"
    )


def test_active_filters_show_as_chips_that_remove_themselves(client, mixed):
    response = client.get(URL, {"region": ["SE21", "SE33"], "q": "Projekt", "status": "ongoing"})
    chips = dict(response.context["chips"])
    assert chips["Region: Övre Norrland"] == "?region=SE21&q=Projekt&status=ongoing"
    assert chips["Sök: ”Projekt”"] == "?region=SE21&region=SE33&status=ongoing"
    assert "Status i dag: Pågående" in chips


def test_compact_form_keeps_the_other_filters_as_hidden_fields(client, mixed):
    response = client.get(URL, {"region": "SE21", "q": "Projekt", "esf_grant_min": "100"})
    html = response.content.decode()
    assert '<input type="hidden" name="q" value="Projekt">' in html
    assert '<input type="hidden" name="esf_grant_min" value="100">' in html
    assert 'name="region" value="SE21" checked' in html
    assert f'action="{URL}"' in html


def test_cost_per_participant_says_how_many_projects_are_left_out(client, mixed):
    response = client.get(URL)
    left_out = sum(1 for p in mixed if not p.planned_participants or p.esf_grant is None)
    assert left_out  # the fixture has some
    assert f"{left_out} projekt utan planerade deltagare" in response.content.decode()


@pytest.mark.parametrize("n_projects", [1, 40])
def test_query_count_does_not_grow_with_projects(client, django_assert_num_queries, n_projects):
    ProjectFactory.create_batch(n_projects)
    DecisionFactory.create_batch(3)
    cache.clear()  # the footer's date is cached between requests; count it every time
    # 6 reference lists (programmes, regions, counties, areas, objectives, interventions),
    # 1 check that the portfolio roll-up is as of today, 1 portfolio GROUP BY of the roll-up
    # (region × county × programme × area × objective × intervention type),
    # 1 query of the years', sizes' and rates' roll-ups (a UNION ALL of three GROUP BYs),
    # 1 decisions per year, 1 top owners by grant + 1 their names, 1 footer date, 1 "any demo
    # data?" probe for the notice; the filter panel's counts: the set's summary is the
    # portfolio's totals, and for each facet in use, its counts without it (region: 1 GROUP
    # BY; status: 1 summary).
    with django_assert_num_queries(16):
        response = client.get(URL, {"region": "SE21", "status": "finished"})
    assert response.status_code == 200


def test_empty_set_stops_after_the_first_aggregate(client, django_assert_num_queries):
    cache.clear()
    # 6 reference lists, 1 roll-up day check, 1 portfolio GROUP BY (empty: no more
    # aggregates; its totals give the filter panel's status counts), 1 footer date, 1 demo probe
    with django_assert_num_queries(10):
        client.get(URL)


def test_an_invalid_value_is_not_copied_into_every_link(client, mixed):
    """A long bad value once made every chart link carry it: a page of hundreds of MB."""
    response = client.get("/dashboard/", {"total_budget_max": "x" * 20_000, "region": "SE21"})

    body = response.content.decode()
    assert response.status_code == 200
    # Only the language switch keeps the address as it was (the same page in English).
    assert body.count("x" * 20_000) == 1
    assert "region=SE21" in body  # the valid filter still reaches the links
    assert len(body) < 2_000_000


def test_the_filter_panel_counts_each_choice_without_its_own_facet(client, mixed):
    response = client.get(URL, {"region": "SE21", "status": "finished"})
    form = response.context["form"]
    regions = {o["value"]: o["count"] for o in form["region"]}
    statuses = {o["value"]: o["count"] for o in form["status"]}
    projects = list(Project.objects.select_related("region"))
    for code, count in regions.items():
        assert count == sum(
            1 for p in projects if p.region and p.region.code == code and p.status() == "finished"
        ), code
    in_region = [p for p in projects if p.region and p.region.code == "SE21"]
    for status in Project.Status.values:
        assert statuses[status] == sum(1 for p in in_region if p.status() == status), status
    assert statuses[""] == len(in_region)
    programmes = {o["value"]: o["count"] for o in form["programme"]}
    assert sum(programmes.values()) == response.context["figures"]["projects"]
    assert 'class="count"' in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "",
        "region=SE21",  # from the roll-up
        "esf_grant_min=500000",  # from the projects
        "esf_grant_min=500000&status=ongoing",
        "programme=2021-2027&status=upcoming",
        "q=Arbetsmarknad",
    ],
)
def test_the_portfolio_totals_are_the_sets_summary(client, mixed, query):
    """The dashboard's filter panel counts statuses and demo projects from the portfolio's
    totals (no summary query of its own), from the roll-up or from the projects alike."""
    filterset = ProjectFilter(QueryDict(query), queryset=Project.objects.all())
    expected = queries.summary(filterset.qs)
    rows = aggregates.filtered_dashboard_rows(filterset)
    assert aggregates.portfolio_summary(rows["portfolio"]) == expected
    assert aggregates.portfolio_summary(aggregates.portfolio_rows(filterset.qs)) == expected
    form = client.get(URL + "?" + query).context["form"]
    statuses = {o["value"]: o["count"] for o in form["status"]}
    if "status" not in query:
        for status in Project.Status.values:
            assert statuses[status] == expected[status], status
    assert sum(expected[status] for status in Project.Status.values) == expected["projects"]


@pytest.mark.parametrize("query", ["", "region=SE21", "programme=2021-2027&status=ongoing"])
def test_every_rollup_equals_the_sum_of_the_projects_rows(mixed, query):
    projects = ProjectFilter(QueryDict(query), queryset=Project.objects.all()).qs
    portfolio = aggregates.portfolio_rows(projects)
    counts = queries.status_counts(timezone.localdate())
    fine = list(
        projects.order_by()
        .values(*aggregates.PORTFOLIO_KEYS)
        .annotate(**aggregates.MEASURES, **counts)
    )
    if connection.vendor == "postgresql":  # the database added them up: a row per group
        assert {row["grouping"] for row in portfolio} == set(aggregates.GROUPINGS)
        assert len(portfolio) < len(fine) * len(aggregates.GROUPINGS)
    for dims in aggregates.GROUPINGS:
        assert aggregates.rollup(portfolio, dims) == aggregates.rollup(fine, dims), dims
    assert aggregates.rollup(portfolio, ())[()]["projects"] == projects.count() > 0


# --- a search: its projects read once --------------------------------------------------------
SEARCHES = [
    "q=projekt",
    "q=projekt&status=finished&programme=2014-2020",
    "q=projekt&esf_grant_min=10",
]


@pytest.mark.parametrize("query", SEARCHES)
def test_a_search_dashboard_from_its_copied_projects_equals_one_from_the_projects(mixed, query):
    filterset = ProjectFilter(QueryDict(query), queryset=Project.objects.all())
    assert filterset.qs.exists()
    rows = aggregates.filtered_dashboard_rows(filterset)
    expected = aggregates.dashboard_rows(filterset.qs, today=filterset.today)
    # rows of different groupings with the same keys may come in either order
    assert sorted(map(repr, rows.pop("portfolio"))) == sorted(map(repr, expected.pop("portfolio")))
    assert rows == expected
    assert rows["decisions"] and rows["owners"]


def test_a_search_reads_the_projects_once_and_leaves_no_table_behind(client, mixed):
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(URL, {"q": "projekt"})
    assert response.status_code == 200 and "data-chart" in response.content.decode()
    reads = [q["sql"] for q in captured.captured_queries if "page_projects" in q["sql"]]
    copies = [sql for sql in reads if "CREATE TEMPORARY TABLE" in sql]
    assert len(copies) == 1 and '"projects_project"' in copies[0]
    assert not any(sql.startswith("ANALYZE") for sql in reads)  # a pass of its own, not needed
    aggregates_read = [sql for sql in reads if sql.startswith(("SELECT", "(SELECT", "WITH"))]
    assert len(aggregates_read) >= 4  # portfolio, years and sizes, decisions, owners
    assert not any('FROM "projects_project"' in sql for sql in aggregates_read)
    with pytest.raises(DatabaseError), transaction.atomic():
        PageProject.objects.count()  # dropped at the end


def test_a_search_without_words_gives_an_empty_dashboard(client, mixed):
    response = client.get(URL, {"q": "!!"})
    assert response.status_code == 200
    assert "Inga projekt matchar filtret." in response.content.decode()
