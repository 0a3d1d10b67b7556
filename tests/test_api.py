"""/api/v1/: the JSON API gives the HTML pages' numbers, pages by cursor, refuses bad queries."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from projects.api import pagination
from projects.models import County, Decision, Organisation, Project
from tests.factories import DecisionFactory, ProjectFactory
from tests.test_project_list import six_projects

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
YEAR = datetime.timedelta(days=365)


@pytest.fixture
def portfolio():
    """The list's six projects (`tests.test_project_list.six_projects`), and decisions."""
    projects = six_projects()
    DecisionFactory(project=projects[2], decided_on=datetime.date(2021, 3, 1))
    DecisionFactory(
        project=projects[1],
        kind=Decision.Kind.EXTENSION,
        decided_on=datetime.date(2022, 1, 10),
        esf_grant_change=None,
        total_budget_change=None,
        new_end_date=datetime.date(2022, 12, 31),
    )
    return projects


FILTERS = [
    "",
    "programme=2014-2020",
    "region=SE21&region=SE11",
    "programme_area=A",
    "legal_form=5",
    "status=ongoing",
    "start_year_min=2020&start_year_max=2020",
    "esf_grant_min=5000000",
    "rate_max=45",
    "q=Kompetens",
    "region=SE21&programme=2014-2020&status=finished",
    "owner=2120000415",
]


def get(client, name: str, query: str = "", *args):
    response = client.get(reverse(f"api:{name}", args=args) + (f"?{query}" if query else ""))
    return response


def all_pages(client, url: str) -> list[dict]:
    """Every project of a paged answer, following links.next."""
    rows = []
    while url:
        body = client.get(url).json()
        rows += body["projects"]
        url = body["links"]["next"]
    return rows


# --- the same numbers as the pages -------------------------------------------------------------
@pytest.mark.parametrize("query", FILTERS)
def test_project_list_gives_the_list_pages_projects_and_summary(client, portfolio, query):
    page = client.get(reverse("projects:list") + (f"?{query}&size=200" if query else "?size=200"))
    expected = [project.diary_number for project in page.context["page"].object_list]
    answer = get(client, "projects", query)
    assert answer.status_code == 200, answer.content
    assert answer.json()["summary"] == page.context["summary"]
    paged = all_pages(client, reverse("api:projects") + f"?{query}&size=2")
    assert [row["diary_number"] for row in paged] == expected


@pytest.mark.parametrize("query", FILTERS)
def test_aggregates_give_the_dashboards_tables(client, portfolio, query):
    page = client.get(reverse("projects:dashboard") + (f"?{query}" if query else ""))
    body = get(client, "aggregates", query).json()
    tables = {table["id"]: table for table in body["tables"]}
    charts = [chart for section in page.context["sections"] for chart in section.charts]
    assert list(tables) == [chart.id for chart in charts]
    for chart in charts:
        table = tables[chart.id]
        assert table["caption"] == chart.table.caption
        assert [row["label"] for row in table["rows"]] == [row.header for row in chart.table.rows]
        for row, expected in zip(table["rows"], chart.table.rows, strict=True):
            assert row["values"] == [
                float(v) if isinstance(v, Decimal) else v for v in expected.cells
            ]
    figures = page.context["figures"]
    for key in ("projects", "esf_grant_sum", "total_budget_sum", "participants_sum"):
        assert body["key_figures"][key] == figures[key]
    share = figures["esf_share"]
    assert body["key_figures"]["esf_share"] == (None if share is None else float(share))


def test_organisation_gives_the_organisation_pages_totals(client, portfolio):
    owner = Organisation.objects.get(org_number="5560360793")
    page = client.get(owner.get_absolute_url())
    body = get(client, "organisation", "", owner.pk).json()
    assert body["totals"] == page.context["totals"]
    assert [row["diary_number"] for row in body["projects"]] == [
        project.diary_number for project in page.context["projects"]
    ]
    assert body["esf_grant"] == page.context["totals"]["esf_grant"]


def test_organisation_list_gives_the_organisations_page_order(client, portfolio):
    page = client.get(reverse("projects:organisations"))
    body = get(client, "organisations", "size=1").json()
    names = [body["organisations"][0]["name"]]
    while body["links"]["next"]:
        body = client.get(body["links"]["next"]).json()
        names += [row["name"] for row in body["organisations"]]
    assert names == [organisation.name for organisation in page.context["page"].object_list]


# --- shapes --------------------------------------------------------------------------------
def test_a_project_has_numbers_iso_dates_links_and_the_operation_id(client, portfolio):
    body = get(client, "project", "", "22-005-S01").json()
    assert body["operation_id"] == "2021SE05SFPR001_22-005-S01"
    assert body["cofinancing_rate"] == 40.0
    assert body["start_date"] == (TODAY - YEAR).isoformat()
    assert body["status"] == "ongoing"
    assert body["links"]["html"] == "http://testserver/projects/22-005-S01/"
    assert body["links"]["self"] == "http://testserver/api/v1/projects/22-005-S01/"
    detail = get(client, "project", "", "2020-00152").json()
    project = Project.objects.get(diary_number="2020/00152")
    assert detail["esf_share_of_budget"] == float(project.esf_share_of_budget) == 47.1
    assert [d["kind"] for d in detail["decisions"]] == ["grant", "change"]
    assert detail["decisions"][-1]["running_grant"] == 17_207_538 + 1_000_000 == detail["esf_grant"]
    assert detail["sources"] == []
    decisions = client.get(detail["links"]["decisions"]).json()["decisions"]
    assert [d["kind"] for d in decisions] == ["change", "grant"]


def test_a_project_names_its_county_and_the_list_filters_by_county(client, portfolio):
    Project.objects.filter(diary_number="22-005-S01").update(
        county=County.objects.get(code="SE213")
    )
    body = get(client, "project", "", "22-005-S01").json()
    assert body["county"] == {"code": "SE213", "name_sv": "Kalmar län", "name_en": "Kalmar County"}
    assert get(client, "project", "", "2020-00152").json()["county"] is None
    listed = get(client, "projects", "county=SE213").json()
    assert [row["diary_number"] for row in listed["projects"]] == ["22-005-S01"]
    without = get(client, "projects", "county=none&size=100").json()
    assert len(without["projects"]) == len(portfolio) - 1


def test_an_unknown_project_is_404_json(client, portfolio):
    response = get(client, "project", "", "2099-99999")
    assert response.status_code == 404


def test_decisions_filter_by_project_filters_date_and_kind(client, portfolio):
    body = get(client, "decisions", "region=SE21").json()
    assert {d["project"]["diary_number"] for d in body["decisions"]} == {
        "2015/00001", "2020/00152", "22-005-S01",
    }  # fmt: skip
    body = get(client, "decisions", "kind=extension").json()
    assert [d["project"]["diary_number"] for d in body["decisions"]] == ["2019/00419"]
    body = get(client, "decisions", "decided_on_min=2021-01-01&decided_on_max=2021-12-31").json()
    assert [(d["kind"], d["decided_on"]) for d in body["decisions"]] == [("change", "2021-03-01")]
    dates = [d["decided_on"] for d in get(client, "decisions").json()["decisions"]]
    assert dates == sorted(dates, reverse=True)


def test_code_lists_name_every_filter_code(client, portfolio):
    body = get(client, "codes").json()
    assert {row["period"] for row in body["programme"]} == {"2007-2013", "2014-2020", "2021-2027"}
    assert "SE21" in {row["code"] for row in body["region"]}
    assert {row["code"] for row in body["decision_kind"]} >= {"grant", "snapshot"}


# --- pagination ------------------------------------------------------------------------------
@pytest.mark.parametrize("sort", ["-start", "grant", "-grant", "budget", "-rate", "name"])
def test_cursor_pages_follow_every_sort_with_unknown_figures_last(client, portfolio, sort):
    page = client.get(reverse("projects:list") + f"?sort={sort}")
    expected = [project.diary_number for project in page.context["page"].object_list]
    paged = all_pages(client, reverse("api:projects") + f"?sort={sort}&size=1")
    assert [row["diary_number"] for row in paged] == expected


@pytest.mark.parametrize("size", ["0", "1001", "x", "-1"])
def test_a_page_size_outside_1_to_1000_is_refused(client, portfolio, size):
    response = get(client, "projects", f"size={size}")
    assert response.status_code == 400
    assert response.json()["errors"]


def test_a_page_of_1000_is_allowed(client, portfolio):
    assert get(client, "projects", "size=1000").status_code == 200


@pytest.mark.parametrize(
    "cursor",
    ["x", "eyJvIjoiLXN0YXJ0In0", pagination.encode({"o": "-start", "p": ["nodate", "x"]}),
     pagination.encode({"o": "grant", "p": [1, "x"]}), pagination.encode({"o": "-start", "p": 5}),
     pagination.encode({"o": "-start", "p": [10**30, "x"]}), "%00", "W10"],
)  # fmt: skip
def test_a_bad_cursor_is_a_400_not_a_500(client, portfolio, cursor):
    response = client.get(reverse("api:projects"), {"cursor": cursor})
    assert response.status_code == 400
    assert response.json()["errors"]


# --- bad query strings -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "query",
    ["region=XX", "regoin=SE21", "esf_grant_min=lots", "rate_max=500", "start_year_min=0",
     "esf_grant_min=5&esf_grant_max=1", "status=sometimes", "sort=colour", "owner=nobody",
     "programme=%00", "q=" + "x" * 500, "lang=de"],
)  # fmt: skip
def test_a_bad_query_is_a_400_with_the_list_pages_messages(client, portfolio, query):
    response = client.get(reverse("api:projects") + "?" + query)
    assert response.status_code == 400
    page = client.get(reverse("projects:list") + "?" + query)
    if "lang" not in query and "%00" not in query:
        assert response.json()["errors"] == [str(p) for p in page.context["problems"]]


def test_messages_are_english_with_lang_en(client, portfolio):
    body = client.get(reverse("api:projects") + "?region=XX&lang=en").json()
    assert "ignored" in body["errors"][0]


@pytest.mark.parametrize("name", ["decisions", "aggregates"])
@pytest.mark.parametrize(
    "query", ["region=XX", "decided_on_min=yesterday", "kind=edict", "unknown=1",
              "decided_on_min=2022-01-01&decided_on_max=2021-01-01"],
)  # fmt: skip
def test_decisions_and_aggregates_refuse_bad_queries(client, portfolio, name, query):
    if name == "aggregates" and query.startswith(("decided", "kind")):
        query = "rate_min=x"
    response = get(client, name, query)
    assert response.status_code == 400
    assert response.json()["errors"]


# --- query counts ---------------------------------------------------------------------------
# The code lists: programmes, regions, areas, objectives, intervention types (5), read once per
# registry version and cached after that.
REFERENCE = 6  # the code lists: programmes, regions, counties, areas, objectives, interventions


@pytest.mark.parametrize("n_projects", [1, 12])
def test_query_counts_do_not_grow_with_rows(client, django_assert_num_queries, n_projects):
    projects = ProjectFactory.create_batch(n_projects)
    DecisionFactory.create_batch(2, project=projects[0])
    owner = projects[0].owner
    cases = [
        # the summary, one page with every code list joined
        ("projects", "size=1000", (), REFERENCE + 2),
        # the owner filter's look-up, the summary, the page
        ("projects", f"owner={owner.pk}", (), REFERENCE + 3),
        # the project with its code lists, its decisions
        ("project", "", (projects[0].slug,), 2),
        # one page of organisations with their totals
        ("organisations", "", (), 1),
        # the organisation, its projects, their totals
        ("organisation", "", (owner.pk,), 3),
        # one page of decisions with their projects
        ("decisions", "region=SE21", (), REFERENCE + 1),
        ("codes", "", (), REFERENCE),
        # the roll-ups' day, the portfolio from its roll-up, years, sizes and rates from
        # theirs (one query), decision years, top owners and their names
        ("aggregates", "", (), REFERENCE + 6),
    ]
    for name, query, args, count in cases:
        from django.core.cache import cache

        cache.clear()
        with django_assert_num_queries(count):
            response = get(client, name, query, *args)
        assert response.status_code == 200, (name, response.content)


# --- schema and docs -------------------------------------------------------------------------
def test_the_schema_is_valid_openapi_3(client):
    from openapi_spec_validator import validate

    response = client.get(reverse("api:schema") + "?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    validate(schema)
    assert "/api/v1/projects/" in schema["paths"]
    names = {p["name"] for p in schema["paths"]["/api/v1/projects/"]["get"]["parameters"]}
    assert {"region", "esf_grant_min", "sort", "cursor", "size"} <= names


def test_the_docs_page_loads_only_local_scripts(client):
    response = client.get(reverse("api:docs"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<script src="/static/drf_spectacular_sidecar/swagger-ui-dist/' in html
    assert "http" not in html.split("<body>")[1].replace("http-equiv", "")
    assert "<script>" not in html and "<style>" not in html
    script = client.get(reverse("api:docs") + "?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")


def test_api_is_not_under_the_language_prefix(client):
    assert reverse("api:projects") == "/api/v1/projects/"
    assert client.get("/en/api/v1/projects/").status_code == 404


def test_search_on_postgresql_pages_by_relevance(client, portfolio):
    if connection.vendor != "postgresql":
        pytest.skip("relevance is PostgreSQL's full-text rank")
    page = client.get(reverse("projects:list") + "?q=kompetens")
    expected = [project.diary_number for project in page.context["page"].object_list]
    paged = all_pages(client, reverse("api:projects") + "?q=kompetens&size=1")
    assert [row["diary_number"] for row in paged] == expected
