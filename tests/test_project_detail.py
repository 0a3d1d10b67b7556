"""/projects/<slug>/: every field, formatted, with the decision history; friendly 404."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from projects import services
from projects.models import (
    Decision,
    InterventionField,
    Programme,
    ProgrammeArea,
    Project,
    Region,
    SpecificObjective,
)
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def fortsatt_sla() -> Project:
    """2020/00152 with the figures of its project-bank page and a later extension."""
    programme = Programme.objects.get(period="2014-2020")
    area = ProgrammeArea.objects.get(programme=programme, code="2")
    project = Project(
        diary_number="2020/00152",
        programme=programme,
        name="Fortsatt SLA",
        owner=OrganisationFactory(name="Kommunförbundet Kalmar län", org_number="8025185011"),
        region=Region.objects.get(code="SE21"),
        start_date=datetime.date(2020, 8, 17),
        end_date=datetime.date(2022, 12, 31),
        cofinancing_rate=Decimal("50"),
        programme_area=area,
        specific_objective=SpecificObjective.objects.get(programme_area=area, code="2.3"),
        intervention_field=InterventionField.objects.get(programme=programme, code="109"),
        planned_participants=446,
        contact_name="Matilda Svensson",
        contact_email="matilda.svensson@kfkl.se",
        postcode="39127",
        description="Första stycket.\n\nAndra stycket.",
        source_url="https://www.esf.se/projektbank/2020-00152",
    )
    project = services.create_project(
        project=project,
        grant=Decision(
            kind=Decision.Kind.GRANT,
            decided_on=datetime.date(2020, 6, 10),
            decided_by="Strukturfondspartnerskapet Småland och Öarna",
            esf_grant_change=17_207_538,
            total_budget_change=36_619_373,
        ),
    )
    services.apply_decision(
        decision=Decision(
            project=project,
            kind=Decision.Kind.EXTENSION,
            decided_on=datetime.date(2022, 9, 1),
            decided_by="Strukturfondspartnerskapet Småland och Öarna",
            esf_grant_change=2_000_000,
            total_budget_change=4_000_000,
            new_end_date=datetime.date(2023, 6, 30),
        )
    )
    project.refresh_from_db()
    return project


def test_detail_shows_every_field_formatted(client, fortsatt_sla):
    response = client.get(reverse("projects:detail", args=["2020-00152"]))
    body = response.content.decode()
    assert response.status_code == 200
    for text in [
        "Fortsatt SLA",
        "2020/00152",
        "Kommunförbundet Kalmar län",
        "802518-5011",
        "Småland och Öarna",
        "SE21",
        "19\xa0207\xa0538\xa0kr",  # 17 207 538 + 2 000 000
        "40\xa0619\xa0373\xa0kr",
        "50\xa0%",
        "446",
        "2.3 — Kvinnor och män som står särskilt långt från arbetsmarknaden",
        "109 — Active inclusion",
        "2 — Öka övergångarna till arbete",
        "matilda.svensson@kfkl.se",
        "391\xa027",
        "<p>Första stycket.</p>",
        "<p>Andra stycket.</p>",
        "https://www.esf.se/projektbank/2020-00152",
        "34 månader",
        "Avslutat",
        "47,3\xa0%",  # ESF share of budget
        "43\xa0066\xa0kr",  # ESF per planned participant
    ]:
        assert text in body, text


def test_decision_history_has_running_totals(client, fortsatt_sla):
    response = client.get(fortsatt_sla.get_absolute_url())
    decisions = response.context["decisions"]
    assert [d.kind for d in decisions] == ["grant", "extension"]
    assert [d.running_grant for d in decisions] == [17_207_538, 19_207_538]
    body = response.content.decode()
    assert "+2\xa0000\xa0000\xa0kr" in body
    assert "2023-06-30" in body


def test_detail_in_english_uses_english_labels_and_formats(client, fortsatt_sla):
    response = client.get("/en" + fortsatt_sla.get_absolute_url())
    body = response.content.decode()
    assert "SEK\xa019,207,538" in body
    assert "Småland with the islands" in body
    assert '<html lang="en">' in body


def test_staff_see_a_link_to_the_admin(client, fortsatt_sla):
    url = fortsatt_sla.get_absolute_url()
    assert "Redigera i admin" not in client.get(url).content.decode()
    client.force_login(UserFactory())
    assert "Redigera i admin" in client.get(url).content.decode()


def test_unknown_project_gives_a_friendly_404(client):
    response = client.get("/projects/2099-99999/")
    assert response.status_code == 404
    assert "Sidan finns inte" in response.content.decode()


def test_detail_page_uses_a_constant_number_of_queries(
    client, fortsatt_sla, django_assert_num_queries
):
    # 1 project with its foreign keys, 1 decisions, 1 footer date, 1 demo probe
    with django_assert_num_queries(4):
        client.get(fortsatt_sla.get_absolute_url())


@pytest.fixture
def seed_projects():
    from pathlib import Path

    from django.core.management import call_command

    call_command("import_projectbank", str(Path(__file__).parent.parent / "fixtures/projectbank"),
                 verbosity=0)  # fmt: skip


@pytest.mark.parametrize(
    ("slug", "texts"),
    [
        ("2020-00152", ["Fortsatt SLA", "17\xa0207\xa0538\xa0kr", "36\xa0619\xa0373\xa0kr",
                        "446", "50\xa0%", "2.3 — ", "109 — ", "matilda.svensson@kfkl.se"]),
        ("22-005-S01", ["Samverkan, inkludering och anställningsbarhet", "802518-5011", "40\xa0%",
                        "584", "350", "A2A", "140", "KALMAR", "ESF+", "2021SE05SFPR001"]),
        ("2019-00419", ["Region Jämtland Härjedalen", "Välfärd och klimat",
                        "19\xa0895\xa0809\xa0kr", "29\xa0815\xa0599\xa0kr", "210", "125",
                        "Mellersta Norrland"]),
    ],
)  # fmt: skip
def test_seed_projects_show_their_real_figures(client, seed_projects, slug, texts):
    response = client.get(f"/projects/{slug}/")
    body = response.content.decode()
    assert response.status_code == 200
    for text in texts:
        assert text in body, text


def test_seed_owner_page_shows_both_of_its_projects(client, seed_projects):
    from projects.models import Organisation

    owner = Organisation.objects.get(org_number="8025185011")
    response = client.get(owner.get_absolute_url())
    assert {p.diary_number for p in response.context["projects"]} == {"2020/00152", "22-005-S01"}
    assert "17\xa0207\xa0538\xa0kr" in response.content.decode()
