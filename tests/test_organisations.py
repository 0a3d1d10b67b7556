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
    # organisation, its projects with foreign keys, totals, the projects it is a partner in,
    # footer date, demo probe
    with django_assert_num_queries(6):
        client.get(owner.get_absolute_url())


@pytest.fixture
def two_kalmars():
    """Two owners whose names a text search would both find."""
    kalmar = OrganisationFactory(name="Kommunförbundet Kalmar", org_number="8025185011")
    kalmar_2 = OrganisationFactory(name="Kommunförbundet Kalmar 2", org_number="2321000206")
    ProjectFactory(owner=kalmar, diary_number="2020/00152", esf_grant=3_000_000)
    ProjectFactory(owner=kalmar_2, diary_number="2020/00153", esf_grant=5_000_000)
    ProjectFactory(diary_number="2020/00154")
    return kalmar, kalmar_2


def test_the_owner_filter_finds_exactly_one_organisation_by_id_or_number(client, two_kalmars):
    kalmar, kalmar_2 = two_kalmars
    url = reverse("projects:list")
    for value in [str(kalmar.pk), "802518-5011", "8025185011", "16802518-5011"]:
        response = client.get(url, {"owner": value})
        assert [p.diary_number for p in response.context["page"]] == ["2020/00152"], value
        assert response.context["problems"] == []
        assert [label for label, _ in response.context["chips"]] == [
            "Projektägare: Kommunförbundet Kalmar"
        ]
    both = client.get(url, {"owner": [str(kalmar.pk), "232100-0206"]})
    assert sorted(p.diary_number for p in both.context["page"]) == ["2020/00152", "2020/00153"]


def test_an_unknown_owner_is_reported_and_the_rest_still_filters(client, two_kalmars):
    kalmar, _ = two_kalmars
    response = client.get(reverse("projects:list"), {"owner": [str(kalmar.pk), "999999", "x"]})
    assert [p.diary_number for p in response.context["page"]] == ["2020/00152"]
    assert response.context["problems"] == [
        "Projektägare: 999999, x ignorerades (okänd organisation)."
    ]


def test_the_owner_filter_works_on_the_dashboard_and_the_exports(client, two_kalmars):
    kalmar, _ = two_kalmars
    dashboard = client.get(reverse("projects:dashboard"), {"owner": kalmar.pk})
    assert dashboard.context["figures"]["projects"] == 1
    assert dashboard.context["figures"]["esf_grant_sum"] == 3_000_000
    csv = b"".join(client.get(reverse("projects:export_csv"), {"owner": kalmar.pk}))
    assert b"2020/00152" in csv
    assert b"2020/00153" not in csv and b"2020/00154" not in csv


def test_the_organisation_page_links_to_its_projects_through_the_owner_filter(client, two_kalmars):
    kalmar, _ = two_kalmars
    body = client.get(kalmar.get_absolute_url()).content.decode()
    for url in [
        "projects:list",
        "projects:dashboard",
        "projects:export_csv",
        "projects:export_xlsx",
    ]:
        assert f'href="{reverse(url)}?owner={kalmar.pk}"' in body
    assert "?q=" not in body


def test_unknown_parameters_get_the_same_message_as_bad_values(client, two_kalmars):
    response = client.get(reverse("projects:list"), {"year": "2020", "region": "SE21"})
    assert response.status_code == 200
    assert response.context["problems"] == ["year: okänd parameter, ignorerades."]
    assert "year: okänd parameter, ignorerades." in response.content.decode()
    dashboard = client.get(reverse("projects:dashboard"), {"year": "2020", "size": "25"})
    assert dashboard.context["problems"] == ["year: okänd parameter, ignorerades."]
    # the page's own parameters and the bounds of a range are known
    fine = client.get(reverse("projects:list"), {"size": "25", "esf_grant_min": "1", "page": "1"})
    assert fine.context["problems"] == []
