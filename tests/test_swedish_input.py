"""Numbers as people write them: decimal comma, grouped digits, units and a real minus sign,
in the list's filters and the admin's fields; shown back the way the pages write them."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from projects import services
from projects.models import Decision
from projects.number_fields import plain_number
from projects.templatetags import esf
from tests.factories import OrganisationFactory, ProjectFactory
from tests.test_admin import caseworker_client, change_form  # noqa: F401 (fixture)
from tests.test_admin_writes import change, granted_project

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("lang", "text", "plain"),
    [
        ("sv", "40,5", "40.5"),
        ("sv", "1 000 000", "1000000"),
        ("sv", "1\xa0000\xa0000", "1000000"),
        ("sv", "17 207 538 kr", "17207538"),
        ("sv", "−2 000 000", "-2000000"),
        ("sv", "1.000.000", "1000000"),
        ("sv", "49,5 %", "49.5"),
        ("en", "1,000,000", "1000000"),
        ("en", "SEK 17,207,538", "17207538"),
        ("en", "40.5", "40.5"),
    ],
)
def test_plain_number(lang, text, plain):
    assert plain_number(text, lang) == plain


def test_the_list_filters_take_swedish_numbers(client):
    ProjectFactory(diary_number="2020/00001", esf_grant=900_000, cofinancing_rate=Decimal("40"))
    ProjectFactory(diary_number="2020/00002", esf_grant=2_000_000, cofinancing_rate=Decimal("41"))
    response = client.get(
        "/projects/", {"esf_grant_min": "1 000 000", "esf_grant_max": "17 207 538 kr"}
    )
    assert response.context["problems"] == []
    assert [p.diary_number for p in response.context["page"]] == ["2020/00002"]
    response = client.get("/projects/", {"rate_min": "40,5"})
    assert response.context["problems"] == []
    assert [p.diary_number for p in response.context["page"]] == ["2020/00002"]
    english = client.get("/en/projects/", {"esf_grant_min": "1,000,000"})
    assert [p.diary_number for p in english.context["page"]] == ["2020/00002"]
    body = response.content.decode()
    assert 'type="number"' not in body
    assert 'name="rate_min" id="id_rate_min" value="40,5"' in body


def test_the_admin_reads_40_comma_5_as_40_point_5_and_shows_amounts_grouped(
    caseworker_client,  # noqa: F811
):
    project = granted_project(name="Fortsatt SLA", cofinancing_rate=Decimal("50"))
    url = reverse("admin:projects_project_change", args=[project.pk])
    page = caseworker_client.get(url).content.decode()
    assert 'name="cofinancing_rate"' in page
    assert 'type="number"' not in page
    grant = esf.grouped(project.esf_grant).replace("\u2212", "-")
    assert f'value="{grant}"' in page  # e.g. 17 207 538 with no-break spaces
    data = change_form(project, [])
    data["cofinancing_rate"] = "40,5"
    data["planned_participants"] = "1 200"
    response = caseworker_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    project.refresh_from_db()
    assert project.cofinancing_rate == Decimal("40.5")
    assert project.planned_participants == 1200


def test_a_decision_takes_a_grouped_negative_amount(caseworker_client):  # noqa: F811
    project = granted_project(esf_grant=3_000_000, total_budget=6_000_000)
    url = reverse("admin:projects_decision_add")
    page = caseworker_client.get(url).content.decode()
    assert 'name="esf_grant_change"' in page and 'type="number"' not in page
    decision = change(project)
    data = {
        "project": project.pk,
        "kind": Decision.Kind.CHANGE,
        "decided_on": decision.decided_on.isoformat(),
        "decided_by": "",
        "esf_grant_change": "−1 000 000 kr",
        "total_budget_change": "",
        "new_end_date": "",
        "note": "",
    }
    response = caseworker_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    project.refresh_from_db()
    assert project.esf_grant == 2_000_000


def test_pages_write_a_minus_sign_org_numbers_and_postcodes_as_swedes_do(client):
    with translation.override("sv"):
        assert esf.kr(-2_000_000) == "\u22122\xa0000\xa0000\xa0kr"
        assert esf.mkr(-2_000_000) == "\u22122,0\xa0mnkr"
        assert esf.number(-5) == "\u22125"
        assert esf.kr(0) == "0\xa0kr"
        assert esf.kr(None) == "–"
    assert esf.org_number("8025185011") == "802518-5011"
    assert esf.org_number(None) == "–"
    assert esf.postcode("39127") == "391\xa027"
    owner = OrganisationFactory(name="Kommunförbundet Kalmar län", org_number="8025185011")
    project = ProjectFactory(owner=owner, postcode="39127")
    body = client.get(project.get_absolute_url()).content.decode()
    assert "(802518-5011)" in body
    assert "391\xa027" in body
    assert "802518-5011" in client.get(owner.get_absolute_url()).content.decode()


def test_a_snapshot_without_a_grant_leaves_the_running_total_unknown(client):
    project = ProjectFactory(esf_grant=None)
    (decision,) = services.ledger(project.decisions.order_by("id"))
    assert decision.esf_grant_change is None
    assert decision.running_grant is None
    body = client.get(project.get_absolute_url()).content.decode()
    assert "0\xa0kr" not in body.split('id="decisions-caption"')[1]
