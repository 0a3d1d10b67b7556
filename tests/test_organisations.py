"""/organisations/ and /organisations/<id>/: owners, their projects and totals."""

import pytest
from django.urls import reverse

from tests.factories import OrganisationFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def test_organisation_page_lists_its_projects_and_totals(client):
    owner = OrganisationFactory(name="Region Jämtland Härjedalen", org_number="2321000206")
    ProjectFactory(owner=owner, diary_number="2019/00419", total_budget=29_815_599,
                   esf_grant=19_895_809, planned_participants=210)  # fmt: skip
    ProjectFactory(owner=owner, diary_number="2020/00001", total_budget=1_000_000,
                   esf_grant=500_000, planned_participants=10)  # fmt: skip
    ProjectFactory(diary_number="2020/00002")  # another owner's
    response = client.get(owner.get_absolute_url())
    body = response.content.decode()
    assert [p.diary_number for p in response.context["projects"]] == ["2019/00419", "2020/00001"]
    assert response.context["totals"]["esf_grant"] == 20_395_809
    assert "20\xa0395\xa0809\xa0kr" in body
    assert "Stat, region, kommun eller församling" in body
    assert "2020/00002" not in body


def test_organisation_list_searches_name_and_number(client):
    kalmar = OrganisationFactory(name="Kommunförbundet Kalmar län", org_number="8025185011")
    ProjectFactory(owner=kalmar)
    ProjectFactory(owner=OrganisationFactory(name="Växjö kommun"))
    for query in ["kalmar", "802518-50"]:
        response = client.get(reverse("projects:organisations"), {"q": query})
        assert [o.name for o in response.context["page"].object_list] == [kalmar.name]


def test_organisation_list_orders_by_grant(client):
    small, large = OrganisationFactory(name="Liten"), OrganisationFactory(name="Stor")
    ProjectFactory(owner=small, esf_grant=1)
    ProjectFactory(owner=large, esf_grant=10_000_000)
    response = client.get(reverse("projects:organisations"))
    assert [o.name for o in response.context["page"].object_list] == ["Stor", "Liten"]


def test_unknown_organisation_is_404(client):
    assert client.get("/organisations/999999/").status_code == 404
    assert client.get("/organisations/abc/").status_code == 404


@pytest.mark.parametrize("n_projects", [1, 30])
def test_organisation_page_query_count_is_constant(client, django_assert_num_queries, n_projects):
    owner = OrganisationFactory()
    ProjectFactory.create_batch(n_projects, owner=owner)
    # organisation, its projects with foreign keys, totals, footer date, demo probe
    with django_assert_num_queries(5):
        client.get(owner.get_absolute_url())
