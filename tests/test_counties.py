"""Counties (län): the code list, the project's county as a filter and facet, the "none" choice."""

import csv

import pytest
from django.urls import reverse

from projects import reference
from projects.models import County, Project, Region
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db
LIST = reverse("projects:list")
DASHBOARD = reverse("projects:dashboard")


def county(code: str) -> County:
    return County.objects.get(code=code)


@pytest.fixture
def placed():
    """Three projects in Kalmar län, one in Jämtlands län, one national in Stockholms län, one
    without a county."""
    small, mid = Region.objects.get(code="SE21"), Region.objects.get(code="SE32")
    national = Region.objects.get(code="ESF-Nationellt")
    kalmar = county("SE213")
    return [
        ProjectFactory(diary_number="2020/00152", region=small, county=kalmar, esf_grant=10),
        ProjectFactory(diary_number="2020/00153", region=small, county=kalmar, esf_grant=20),
        ProjectFactory(diary_number="2020/00154", region=small, county=kalmar, esf_grant=30),
        ProjectFactory(diary_number="2019/00419", region=mid, county=county("SE322")),
        ProjectFactory(diary_number="2018/00001", region=national, county=county("SE110")),
        ProjectFactory(diary_number="2018/00002", region=None, county=None),
    ]


def diaries(response) -> set[str]:
    return {project.diary_number for project in response.context["page"].object_list}


def test_the_21_counties_are_loaded_each_in_its_region():
    counties = {c.code: c for c in County.objects.select_related("region")}
    assert len(counties) == 21
    assert counties["SE213"].name_sv == "Kalmar län"
    assert counties["SE213"].name_en == "Kalmar County"
    assert counties["SE213"].scb_code == "08"
    assert counties["SE213"].region.code == "SE21"
    assert counties["SE322"].region.code == "SE32"
    assert counties["SE231"].region.code == "SE23"
    # every NUTS-3 code starts with its NUTS-2 region's
    assert all(c.code.startswith(c.region.code) for c in counties.values())


def test_loading_the_counties_again_changes_nothing():
    from django.apps import apps

    before = list(County.objects.values_list("code", "name_sv", "region__code"))
    reference.load_counties(apps)
    assert list(County.objects.values_list("code", "name_sv", "region__code")) == before


def test_the_reference_files_say_where_each_row_comes_from():
    counties = reference.rows("counties.csv")
    assert all(row["source"] for row in counties)
    with (reference.REFERENCE_DIR / "counties.csv").open(encoding="utf-8") as handle:
        assert next(csv.reader(handle))[:3] == ["code", "region", "scb_code"]


def test_list_filters_on_a_county(client, placed):
    response = client.get(LIST, {"county": "SE213"})
    assert diaries(response) == {"2020/00152", "2020/00153", "2020/00154"}
    assert response.context["summary"]["projects"] == 3


def test_list_takes_several_counties_and_the_none_choice(client, placed):
    response = client.get(LIST, {"county": ["SE213", "SE322"]})
    assert len(diaries(response)) == 4
    response = client.get(LIST, {"county": "none"})
    assert diaries(response) == {"2018/00002"}
    response = client.get(LIST, {"county": ["none", "SE110"]})
    assert diaries(response) == {"2018/00002", "2018/00001"}
    response = client.get(LIST, {"region": "none"})
    assert diaries(response) == {"2018/00002"}


def test_county_facet_counts_are_grouped_under_their_region(client, placed):
    response = client.get(LIST, {"county": "SE213"})
    facet = next(f for f in response.context["facets"] if f.name == "county")
    choices = {choice.value: choice for choice in facet.choices}
    assert len(choices) == 22  # the 21 counties and "Utan län"
    # counted without its own choice: what choosing another county would add
    assert choices["SE213"].count == 3 and choices["SE213"].selected
    assert choices["SE322"].count == 1
    assert choices["none"].count == 1
    assert choices["none"].label == "Utan län"
    assert choices["SE213"].group == "Småland och Öarna"
    assert choices["SE322"].group == "Mellersta Norrland"
    assert choices["SE231"].count == 0  # a short list: every county shows


def test_region_facet_offers_projects_without_a_region(client, placed):
    response = client.get(LIST)
    facet = next(f for f in response.context["facets"] if f.name == "region")
    choices = {choice.value: choice for choice in facet.choices}
    assert choices["none"].count == 1
    assert choices["none"].label == "Utan region"


def test_english_none_choices(client, placed):
    response = client.get("/en" + LIST)
    facets = {f.name: {c.value: c for c in f.choices} for f in response.context["facets"]}
    assert facets["county"]["none"].label == "No county"
    assert facets["county"]["SE213"].label == "Kalmar County"
    assert facets["region"]["none"].label == "No region"


def test_the_chip_of_the_none_choice_names_it(client, placed):
    response = client.get(LIST, {"county": "none"})
    assert any(chip.label == "Län: Utan län" for chip in response.context["chips"])


def test_dashboard_filters_on_a_county(client, placed):
    response = client.get(DASHBOARD, {"county": "SE213"})
    assert response.status_code == 200
    assert response.context["figures"]["projects"] == 3
    assert response.context["figures"]["esf_grant_sum"] == 60


def test_a_national_project_keeps_its_region_and_has_a_county(placed):
    national = Project.objects.get(diary_number="2018/00001")
    assert (national.region.code, national.county.code) == ("ESF-Nationellt", "SE110")
