"""Partners (samverkansparter): proposed from news, confirmed, shown on pages and filtered."""

import datetime
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from projects import permissions
from projects.importers import news, proposals
from projects.models import Decision, Organisation, ProjectOrganisation
from projects.services import proposals as proposal_services
from tests.factories import OrganisationFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db

NEWS = Path(__file__).resolve().parent / "data" / "news" / "nyhet_samverkan_kalmar.txt"
KOMMUNER = [
    "Emmaboda kommun",
    "Mönsterås kommun",
    "Torsås kommun",
    "Nybro kommun",
    "Borgholms kommun",
    "Mörbylånga kommun",
    "Högsby kommun",
]


def caseworker():
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=permissions.CASEWORKER))
    return user


@pytest.fixture
def project():
    return ProjectFactory(
        name="Unga vägar i Kalmar län (UVK)",
        owner=OrganisationFactory(name="Regionförbundet Kalmar län"),
    )


def test_a_news_text_proposes_its_listed_partners(project):
    [proposal] = proposals.import_news(news.parse_path(NEWS)).proposed

    assert proposal.partners == KOMMUNER
    assert proposal.project == project
    assert "i samverkan med sju av länets kommuner" in proposal.evidence["partners"]
    assert ProjectOrganisation.objects.count() == 0


def test_accepting_links_the_confirmed_partners(project):
    emmaboda = OrganisationFactory(name="Emmaboda kommun")
    [proposal] = proposals.import_news(news.parse_path(NEWS)).proposed

    proposal_services.accept_proposal(
        proposal=proposal,
        user=caseworker(),
        decided_on=datetime.date(2021, 3, 1),
        kind=Decision.Kind.CHANGE,
        esf_grant_change=0,
        amounts_confirmed=True,
        project=project,
        partners=["Emmaboda kommun", "Nybro kommun"],
    )

    links = ProjectOrganisation.objects.filter(project=project).order_by("organisation__name")
    assert [(link.organisation.name, link.role) for link in links] == [
        ("Emmaboda kommun", "partner"),
        ("Nybro kommun", "partner"),
    ]
    assert links[0].organisation == emmaboda
    assert Organisation.objects.get(name="Nybro kommun").history.count() == 1
    assert links[0].history.count() == 1


def link(project, organisation):
    return ProjectOrganisation.objects.create(
        project=project, organisation=organisation, role=ProjectOrganisation.Role.PARTNER
    )


def test_an_organisation_page_shows_projects_as_owner_and_as_partner(client, project):
    nybro = OrganisationFactory(name="Nybro kommun")
    own = ProjectFactory(owner=nybro, name="Nybros eget projekt")
    link(project, nybro)

    body = client.get(nybro.get_absolute_url()).content.decode()

    owned, partnered = body.split('id="partner-projects"')
    assert own.name in owned
    assert project.name in partnered
    assert "role=any" in body


def test_the_owner_filter_includes_partners_with_role_any(client, project):
    nybro = OrganisationFactory(name="Nybro kommun")
    own = ProjectFactory(owner=nybro)
    link(project, nybro)
    url = reverse("projects:list")

    only_owned = client.get(url, {"owner": nybro.pk}).content.decode()
    with_partners = client.get(url, {"owner": nybro.pk, "role": "any"}).content.decode()

    assert own.diary_number in only_owned and project.diary_number not in only_owned
    assert own.diary_number in with_partners and project.diary_number in with_partners
