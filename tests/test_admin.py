"""The admin, where caseworkers enter projects and decisions every day."""

import datetime
import re

import lxml.html
import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from projects.admin import current_version
from projects.models import Decision, Organisation, Programme, Project, Region
from projects.permissions import CASEWORKER, READER
from tests.factories import DecisionFactory, OrganisationFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def caseworker_client(client):
    user = UserFactory()
    user.groups.add(Group.objects.get(name=CASEWORKER))
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def reader_client(client):
    user = UserFactory()
    user.groups.add(Group.objects.get(name=READER))
    client.force_login(user)
    return client


def project_form(**overrides) -> dict:
    owner = Organisation.objects.first() or OrganisationFactory(org_number="8025185011")
    data = {
        "diary_number": "2020/00152",
        "programme": Programme.objects.get(period="2014-2020").pk,
        "name": "Fortsatt SLA",
        "owner": owner.pk,
        "owner_unit": "",
        "decided_on": "2020-06-10",
        "decided_by": "Strukturfondspartnerskapet Småland och Öarna",
        "start_date": "2020-08-17",
        "end_date": "2022-12-31",
        "total_budget": "36619373",
        "esf_grant": "17207538",
        "cofinancing_rate": "50",
        "region": Region.objects.get(code="SE21").pk,
        "country": "Sverige",
        "child_poverty_theme": "unknown",
        "strategic_importance": "unknown",
    }
    data.update(overrides)
    return data


def inline_management(project: Project, forms: list[dict]) -> dict:
    """POST data for the decisions inline: the existing rows unchanged plus `forms` as new rows."""
    existing = list(project.decisions.order_by("decided_on", "id"))
    data = {
        "decisions-TOTAL_FORMS": str(len(existing) + len(forms)),
        "decisions-INITIAL_FORMS": str(len(existing)),
        "decisions-MIN_NUM_FORMS": "0",
        "decisions-MAX_NUM_FORMS": "1000",
    }
    for index, decision in enumerate(existing):
        prefix = f"decisions-{index}-"
        data |= {
            prefix + "id": str(decision.pk),
            prefix + "project": str(project.pk),
            prefix + "kind": decision.kind,
            prefix + "decided_on": decision.decided_on.isoformat() if decision.decided_on else "",
            prefix + "decided_by": decision.decided_by,
            prefix + "esf_grant_change": str(decision.esf_grant_change or ""),
            prefix + "total_budget_change": str(decision.total_budget_change or ""),
            prefix + "new_end_date": decision.new_end_date.isoformat()
            if decision.new_end_date
            else "",
            prefix + "note": decision.note,
        }
    for offset, form in enumerate(forms, start=len(existing)):
        data |= {f"decisions-{offset}-{key}": value for key, value in form.items()}
        data[f"decisions-{offset}-project"] = str(project.pk)
    return data


def change_form(project: Project, decisions: list[dict]) -> dict:
    data = project_form(
        diary_number=project.diary_number,
        name=project.name,
        owner=project.owner_id,
        start_date=project.start_date.isoformat(),
    )
    for derived in ("decided_on", "decided_by", "end_date", "total_budget", "esf_grant"):
        data.pop(derived)
    data["version"] = current_version(project)  # the version the form was opened at
    return data | inline_management(project, decisions)


@pytest.mark.parametrize(
    "url",
    [
        reverse("admin:projects_project_changelist"),
        reverse("admin:projects_project_add"),
        reverse("admin:projects_decision_add"),
        reverse("admin:projects_organisation_changelist"),
    ],
)
def test_admin_pages_render_for_a_caseworker(caseworker_client, url):
    ProjectFactory()
    assert caseworker_client.get(url).status_code == 200


def test_project_change_page_shows_the_decisions(caseworker_client):
    decision = DecisionFactory(decided_by="Svenska ESF-rådet")
    response = caseworker_client.get(
        reverse("admin:projects_project_change", args=[decision.project.pk])
    )
    assert response.status_code == 200
    assert "Svenska ESF-rådet" in response.content.decode()


def test_changelist_search_finds_diary_number_name_and_owner(caseworker_client):
    ProjectFactory(diary_number="2019/00419", name="Vägar till egenförsörjning")
    ProjectFactory(diary_number="2020/00152", owner=OrganisationFactory(name="Kommunförbundet"))
    url = reverse("admin:projects_project_changelist")
    for query, expected in [("2019/00419", "2019/00419"), ("egenförsörjning", "2019/00419"),
                            ("Kommunförbundet", "2020/00152")]:  # fmt: skip
        response = caseworker_client.get(url, {"q": query})
        assert [p.diary_number for p in response.context["cl"].result_list] == [expected]


def test_changelist_filters_by_status_region_and_programme(caseworker_client):
    ProjectFactory(start_date=datetime.date(2099, 1, 1), end_date=datetime.date(2100, 1, 1))
    ProjectFactory(region=Region.objects.get(code="SE33"))
    url = reverse("admin:projects_project_changelist")
    response = caseworker_client.get(url, {"status": "upcoming"})
    assert len(response.context["cl"].result_list) == 1
    response = caseworker_client.get(url, {"region__id__exact": Region.objects.get(code="SE33").pk})
    assert len(response.context["cl"].result_list) == 1
    programme = Programme.objects.get(period="2014-2020")
    response = caseworker_client.get(url, {"programme__id__exact": programme.pk})
    assert len(response.context["cl"].result_list) == 2


def test_adding_a_project_records_its_grant_decision(caseworker_client):
    response = caseworker_client.post(reverse("admin:projects_project_add"), project_form())
    assert response.status_code == 302, response.context["adminform"].form.errors
    project = Project.objects.get(diary_number="2020/00152")
    assert (project.esf_grant, project.total_budget) == (17_207_538, 36_619_373)
    grant = project.decisions.get()
    assert grant.kind == Decision.Kind.GRANT
    assert grant.decided_on == datetime.date(2020, 6, 10)
    assert grant.new_end_date == datetime.date(2022, 12, 31)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"esf_grant": "40000000"}, "esf_grant", "får inte överstiga total projektbudget"),
        ({"end_date": "2019-01-01"}, "end_date", "ligger före startdatum"),
        ({"cofinancing_rate": "120"}, "cofinancing_rate", "mindre än eller lika med 100"),
        ({"total_budget": "-5"}, "total_budget", "större än eller lika med 0"),
        ({"diary_number": "2020/152"}, "diary_number", "Ogiltigt diarienummer"),
        ({"decided_on": ""}, "decided_on", "Detta fält måste fyllas i"),
    ],
    ids=["esf-above-budget", "end-before-start", "rate", "negative", "diary-number", "no-date"],
)
def test_invalid_project_shows_a_swedish_message_on_the_field(
    caseworker_client, overrides, field, message
):
    response = caseworker_client.post(
        reverse("admin:projects_project_add"), project_form(**overrides)
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert message in " ".join(errors[field]), errors
    assert not Project.objects.exists()


def test_organisation_number_with_a_wrong_check_digit_is_refused(caseworker_client):
    response = caseworker_client.post(
        reverse("admin:projects_organisation_add"),
        {"name": "Kommunförbundet Kalmar län", "org_number": "802518-5012"},
    )
    assert "fel kontrollsiffra" in " ".join(response.context["adminform"].form.errors["org_number"])
    response = caseworker_client.post(
        reverse("admin:projects_organisation_add"),
        {"name": "Kommunförbundet Kalmar län", "org_number": "802518-5011"},
    )
    assert response.status_code == 302
    assert Organisation.objects.get().org_number == "8025185011"


def test_extension_added_inline_updates_the_totals(caseworker_client):
    caseworker_client.post(reverse("admin:projects_project_add"), project_form())
    project = Project.objects.get()
    extension = {
        "kind": "extension",
        "decided_on": "2022-06-01",
        "decided_by": "Strukturfondspartnerskapet Småland och Öarna",
        "esf_grant_change": "5000000",
        "total_budget_change": "10000000",
        "new_end_date": "2023-06-30",
    }
    response = caseworker_client.post(
        reverse("admin:projects_project_change", args=[project.pk]),
        change_form(project, [extension]),
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.esf_grant == 22_207_538
    assert project.total_budget == 46_619_373
    assert project.end_date == datetime.date(2023, 6, 30)


def test_inline_decisions_that_together_break_the_budget_are_refused(caseworker_client):
    caseworker_client.post(reverse("admin:projects_project_add"), project_form())
    project = Project.objects.get()
    too_much = {"kind": "change", "decided_on": "2021-01-01", "esf_grant_change": "20000000"}
    response = caseworker_client.post(
        reverse("admin:projects_project_change", args=[project.pk]),
        change_form(project, [too_much]),
    )
    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    # on the row and field that would break the rule, with the amounts grouped
    (row,) = [form for form in formset.forms if form.errors]
    (message,) = row.errors["esf_grant_change"]
    assert "skulle överstiga total budget" in message
    assert re.search(r"\(\d{1,3}(\xa0\d{3})+ kr\)", message), message
    assert project.decisions.count() == 1


def test_decision_form_refuses_esf_above_budget_with_a_message_on_the_field(caseworker_client):
    project = ProjectFactory(total_budget=2_000_000, esf_grant=1_000_000)  # and its grant
    response = caseworker_client.post(
        reverse("admin:projects_decision_add"),
        {"project": project.pk, "kind": "change", "decided_on": "2021-02-01",
         "esf_grant_change": "1500000"},
    )  # fmt: skip
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "skulle överstiga total budget" in " ".join(errors["esf_grant_change"])
    assert project.decisions.count() == 1


def test_decision_form_saves_through_the_service(caseworker_client):
    project = ProjectFactory(total_budget=2_000_000, esf_grant=1_000_000)  # and its grant
    response = caseworker_client.post(
        reverse("admin:projects_decision_add"),
        {"project": project.pk, "kind": "extension", "decided_on": "2021-02-01",
         "esf_grant_change": "500000", "total_budget_change": "1000000",
         "new_end_date": "2023-01-31"},
    )  # fmt: skip
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.esf_grant, project.total_budget) == (1_500_000, 3_000_000)
    assert project.end_date == datetime.date(2023, 1, 31)


def test_history_records_who_changed_what(caseworker_client):
    caseworker_client.post(reverse("admin:projects_project_add"), project_form())
    project = Project.objects.get()
    data = change_form(project, [])
    data["name"] = "Fortsatt Samverkan leder till arbete"
    caseworker_client.post(reverse("admin:projects_project_change", args=[project.pk]), data)
    latest = project.history.latest()
    assert latest.name == "Fortsatt Samverkan leder till arbete"
    assert latest.history_user == caseworker_client.user
    assert latest.diff_against(latest.prev_record).changed_fields == ["name"]
    response = caseworker_client.get(reverse("admin:projects_project_history", args=[project.pk]))
    assert caseworker_client.user.username in response.content.decode()


def test_readers_may_look_but_not_write(reader_client):
    project = ProjectFactory()
    assert reader_client.get(reverse("admin:projects_project_changelist")).status_code == 200
    assert (
        reader_client.get(reverse("admin:projects_project_change", args=[project.pk])).status_code
        == 200
    )
    assert reader_client.get(reverse("admin:projects_project_add")).status_code == 403
    response = reader_client.post(
        reverse("admin:projects_project_change", args=[project.pk]), {"name": "Ändrat"}
    )
    assert response.status_code == 403
    project.refresh_from_db()
    assert project.name != "Ändrat"


def test_caseworkers_cannot_change_the_code_lists(caseworker_client):
    region = Region.objects.get(code="SE21")
    assert (
        caseworker_client.get(reverse("admin:projects_region_change", args=[region.pk])).status_code
        == 200
    )
    assert caseworker_client.get(reverse("admin:projects_region_add")).status_code == 403


def test_autocomplete_finds_organisations_by_name_and_number(caseworker_client):
    OrganisationFactory(name="Kommunförbundet Kalmar län", org_number="8025185011")
    url = reverse("admin:autocomplete")
    params = {"app_label": "projects", "model_name": "project", "field_name": "owner"}
    for term in ["Kalmar", "802518"]:
        response = caseworker_client.get(url, {**params, "term": term})
        assert [r["text"] for r in response.json()["results"]] == [
            "Kommunförbundet Kalmar län (8025185011)"
        ]


def test_every_input_of_the_decisions_inline_has_a_label(caseworker_client):
    """The column headers name the inputs only for the eye; each input has its own label."""
    project = DecisionFactory().project
    response = caseworker_client.get(reverse("admin:projects_project_change", args=[project.pk]))
    page = lxml.html.fromstring(response.content.decode())
    inline = page.get_element_by_id("decisions-group")
    labels = {label.get("for"): label.text_content().strip() for label in inline.iter("label")}
    inputs = [
        element
        for element in inline.xpath(".//input|.//select|.//textarea")
        if element.get("type") != "hidden"
    ]
    assert len(inputs) >= 3 * 8  # two decisions and an empty row, seven fields and delete
    for element in inputs:
        assert labels.get(element.get("id")), element.get("name")
    assert labels["id_decisions-0-decided_on"] == "Beslutsdatum"
