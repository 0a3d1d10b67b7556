"""/projects/export.json: the documented shape, typed values, same rows and order as the list."""

import datetime
import json
import re
from decimal import Decimal

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

from projects.exports import columns
from projects.models import Project
from tests.factories import DecisionFactory, ProjectFactory
from tests.test_export_csv import list_order, make_portfolio

pytestmark = pytest.mark.django_db
URL = reverse("projects:export_json")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DECIMAL = re.compile(r"^-?\d+\.\d+$")
CODE_OBJECT = {"code", "name_sv", "name_en"}
# The documented shape: key → type check, in the order of the module docstring
SHAPE = {
    "diary_number": str,
    "name": str,
    "programme": {"code", "name_sv", "name_en", "cci", "fund"},
    "owner": {"name", "org_number"},
    "owner_unit": str,
    "region": CODE_OBJECT | {"nuts2"},
    "city": str,
    "postcode": str,
    "start_date": "date",
    "end_date": "date",
    "status": {"upcoming", "ongoing", "finished"},
    "total_budget": int,
    "esf_grant": int,
    "cofinancing_rate": "decimal",
    "esf_share_of_budget": "decimal",
    "programme_area": CODE_OBJECT,
    "specific_objective": CODE_OBJECT,
    "intervention_field": CODE_OBJECT,
    "planned_participants": int,
    "participant_goal": int,
    "child_poverty_theme": bool,
    "strategic_importance": bool,
    "decision_count": int,
    "last_decision_date": "date",
    "description": str,
    "url": str,
    "is_demo": bool,
    "county": CODE_OBJECT,
}
NULLABLE = {
    "total_budget", "esf_grant", "cofinancing_rate", "esf_share_of_budget", "region", "county",
    "programme_area", "specific_objective", "intervention_field", "planned_participants",
    "participant_goal", "child_poverty_theme", "strategic_importance", "last_decision_date",
}  # fmt: skip


@pytest.fixture
def portfolio():
    return make_portfolio()


def read_json(response) -> dict:
    return json.loads(b"".join(response.streaming_content))


def check_shape(document: dict) -> None:
    """Fail unless the document is what the docstring of projects/exports/ promises."""
    assert list(document) == ["count", "exported_at", "filters", "warnings", "projects"]
    assert document["count"] == len(document["projects"])
    assert isinstance(document["filters"], dict) and isinstance(document["warnings"], list)
    datetime.datetime.fromisoformat(document["exported_at"])
    for project in document["projects"]:
        assert list(project) == list(SHAPE)
        for key, kind in SHAPE.items():
            value = project[key]
            if value is None:
                assert key in NULLABLE, key
            elif kind == "date":
                assert ISO_DATE.match(value), (key, value)
            elif kind == "decimal":
                assert DECIMAL.match(value), (key, value)
            elif isinstance(kind, set) and key == "status":
                assert value in kind
            elif isinstance(kind, set):
                assert set(value) == kind, key
            elif kind is int:
                assert type(value) is int, key  # not bool
            else:
                assert isinstance(value, kind), key


def test_it_streams_the_documented_shape(client, portfolio):
    response = client.get(URL)
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "application/json; charset=utf-8"
    document = read_json(response)
    check_shape(document)
    assert document["count"] == len(portfolio)


def test_values_are_typed_and_equal_the_database(client, portfolio):
    document = read_json(client.get(f"{URL}?region=SE21&sort=diary_number"))
    first = document["projects"][0]
    stored = Project.objects.get(diary_number="2015/00001")
    assert first["diary_number"] == "2015/00001"
    assert first["name"] == "Kompetenslyft i vården"
    assert first["total_budget"] == 10_000_000 and first["esf_grant"] == 5_000_000
    assert first["cofinancing_rate"] == "50.00"
    assert Decimal(first["cofinancing_rate"]) == stored.cofinancing_rate
    assert first["esf_share_of_budget"] == "50.0"
    assert first["start_date"] == "2015-03-01"
    assert first["status"] == "finished"
    assert first["region"] == {
        "code": "SE21",
        "name_sv": "Småland och Öarna",
        "name_en": stored.region.name_en,
        "nuts2": "SE21",
    }
    assert first["county"] == {
        "code": "SE213",
        "name_sv": "Kalmar län",
        "name_en": "Kalmar County",
    }
    assert first["programme"]["cci"] == "2014SE05M9OP001"
    assert first["owner"] == {"name": "Kalmar kommun", "org_number": "2120000415"}
    assert first["child_poverty_theme"] is True and first["strategic_importance"] is False
    assert first["decision_count"] == 2 and first["last_decision_date"] == "2016-05-03"
    assert first["participant_goal"] == 40
    assert first["url"] == "http://testserver/projects/2015-00001/"
    assert first["description"].startswith("Åtgärder")


def test_unknowns_are_null_and_text_is_not_defused(client, portfolio):
    projects = {p["diary_number"]: p for p in read_json(client.get(URL))["projects"]}
    none = projects["23-010-S03"]
    assert none["region"] is None and none["county"] is None and none["programme_area"] is None
    assert none["owner"]["org_number"] is None
    assert none["cofinancing_rate"] is None and none["esf_share_of_budget"] is None
    assert none["total_budget"] == 0 and none["decision_count"] == 1  # its grant
    # JSON is not a spreadsheet: text comes as it is stored
    assert projects["2020/00152"]["name"] == "=SUM(A1:A9)"
    assert projects["24-011-S01"]["region"]["nuts2"] is None  # the national level


def test_filters_are_the_cleaned_values(client, portfolio):
    query = "region=SE21&region=XX&status=finished&esf_grant_min=1000000&q=kompetens&rate_min=x"
    response = client.get(f"{URL}?{query}")
    document = read_json(response)
    assert document["filters"] == {
        "q": "kompetens",
        "region": ["SE21"],
        "status": "finished",
        "esf_grant": {"min": 1000000, "max": None},
        "sort": "relevance",
    }
    assert len(document["warnings"]) == 2
    assert any("XX" in warning for warning in document["warnings"])
    assert response["X-ESF-Ignored-Parameters"] == "region, rate"
    check_shape(document)


@pytest.mark.parametrize("query", ["", "region=SE21&sort=-grant", "q=Kompetens", "sort=rate"])
def test_rows_and_order_are_those_of_the_list(client, portfolio, query):
    document = read_json(client.get(f"{URL}?{query}"))
    assert [p["diary_number"] for p in document["projects"]] == list_order(client, query)


def test_county_filter_gives_the_county_s_projects(client, portfolio):
    document = read_json(client.get(f"{URL}?county=SE213&sort=diary_number"))
    assert [p["diary_number"] for p in document["projects"]] == [
        "2015/00001", "2020/00152", "22-005-S01", "24-011-S01"
    ]  # fmt: skip
    assert {p["county"]["code"] for p in document["projects"]} == {"SE213"}
    assert document["count"] == 4 and document["filters"]["county"] == ["SE213"]
    none = read_json(client.get(f"{URL}?county=none"))
    assert [p["diary_number"] for p in none["projects"]] == ["23-010-S03"]


def test_an_empty_set_is_valid_json(client, portfolio):
    document = read_json(client.get(f"{URL}?region=SE12"))
    assert document["count"] == 0 and document["projects"] == []


def test_filename(client, portfolio):
    today = timezone.localdate().isoformat()
    disposition = client.get(f"{URL}?programme=2021-2027")["Content-Disposition"]
    assert disposition == f'attachment; filename="esf-projekt-{today}-2021-2027.json"'


@pytest.mark.parametrize("n_projects", [1, 40])
def test_query_count_does_not_grow_with_rows(client, django_assert_num_queries, n_projects):
    projects = ProjectFactory.create_batch(n_projects)
    DecisionFactory(project=projects[-1])
    # 6 reference lists, 1 COUNT for "count", 1 query for the rows
    with django_assert_num_queries(8):
        document = read_json(client.get(URL))
    assert document["count"] == len(document["projects"]) == n_projects


def test_json_keys_come_from_the_column_spec():
    keys = {column.key.split(".")[0] for column in columns.COLUMNS}
    assert keys == set(SHAPE)
