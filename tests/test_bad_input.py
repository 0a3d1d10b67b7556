"""Input no page can use is refused with 400, never passed on to the database (a 500)."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from projects import permissions
from projects.models import Organisation
from tests.factories import OrganisationFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/organisations/?q=%00",
        "/en/organisations/?q=V%C3%A4xj%C3%B6%00",
        "/projects/?q=%00",
        "/projects/?region=SE21%00",
        "/projects/?%00=1",
        "/dashboard/?q=a%00b",
        "/projects/export.csv?q=%00",
        "/projects/export.json?q=%00",
    ],
)
def test_a_nul_byte_in_a_public_query_string_is_400(client, url):
    ProjectFactory()

    response = client.get(url)

    assert response.status_code == 400
    assert "nolltecken" in response.content.decode() or "null character" in (
        response.content.decode()
    )


@pytest.fixture
def caseworker(client):
    user = UserFactory()
    user.groups.add(Group.objects.get(name=permissions.CASEWORKER))
    client.force_login(user)
    return client


def test_a_nul_byte_in_the_admins_autocomplete_and_search_is_400(caseworker):
    ProjectFactory()
    autocomplete = (
        "/admin/autocomplete/?term=%00&app_label=projects&model_name=project&field_name=owner"
    )
    assert caseworker.get(autocomplete).status_code == 400
    assert caseworker.get("/admin/projects/organisation/?q=%00").status_code == 400


def test_a_nul_byte_in_a_posted_admin_form_is_400_and_nothing_is_saved(caseworker):
    organisation = OrganisationFactory(name="Växjö kommun")
    url = reverse("admin:projects_organisation_change", args=[organisation.pk])

    response = caseworker.post(url, {"name": "Växjö\x00kommun", "org_number": ""})

    assert response.status_code == 400
    assert Organisation.objects.get(pk=organisation.pk).name == "Växjö kommun"


def test_ordinary_input_still_passes(client):
    ProjectFactory(name="Etableringssamverkan Kronoberg")
    assert client.get("/organisations/?q=V%C3%A4xj%C3%B6").status_code == 200
    assert client.get("/projects/?q=Kronoberg").status_code == 200


def test_a_range_whose_minimum_is_above_its_maximum_says_so(client):
    response = client.get("/projects/", {"start_year_min": "2022", "start_year_max": "2020"})
    assert response.status_code == 200
    (problem,) = response.context["problems"]
    assert problem.startswith("Startår: 2022, 2020 ignorerades")
    assert "från 2022 är större än till 2020" in problem
    assert response.context["chips"] == []
