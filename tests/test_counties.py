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


# --- postcodes and cities ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("postcode", "county_code", "region_code"),
    [("39127", "SE213", "SE21"), ("83127", "SE322", "SE32"), ("301 80", "SE231", "SE23")],
)
def test_seed_postcodes_give_their_county_and_region(postcode, county_code, region_code):
    from projects import places

    assert places.county_of_postcode(postcode) == county_code
    assert county(county_code).region.code == region_code


@pytest.mark.parametrize(
    ("city", "county_code"),
    [("KALMAR", "SE213"), ("HYLTEBRUK", "SE231"), ("ÖSTERSUND", "SE322"), ("Visby", "SE214")],
)
def test_cities_are_placed_by_municipality_or_locality(city, county_code):
    from projects import places

    assert places.county_of_city(city) == county_code


def test_unknown_cities_and_postcodes_are_not_placed():
    from projects import places

    assert places.place("", "EXEMPELSTAD").county is None
    assert places.county_of_postcode("00000") is None
    assert places.county_of_postcode("391") is None


def test_list_of_operations_import_derives_region_and_reports_it():
    from pathlib import Path

    from projects.importers import operations_csv, save

    fixtures = Path(__file__).resolve().parent.parent / "fixtures" / "operations"
    report = save.import_operations(operations_csv.parse_path(fixtures))
    assert not report.rolled_back, report.text_lines()
    kalmar = Project.objects.get(diary_number="22-005-S01")
    assert (kalmar.county.code, kalmar.region.code) == ("SE213", "SE21")
    assert "härledd från länet (SE213)" in kalmar.field_sources["region"]
    assert "från ort" in kalmar.field_sources["county"]
    ostersund = Project.objects.get(diary_number="2019/00419")
    assert (ostersund.county.code, ostersund.region.code) == ("SE322", "SE32")
    # the invented cities (EXEMPELSTAD, EXEMPELBY …) cannot be placed and are listed
    placed = Project.objects.exclude(county=None).count()
    assert report.counties["ort"] == placed
    assert report.derived_regions == placed
    assert len(report.unplaced) == Project.objects.filter(county=None).count() > 0
    assert all("är varken en kommun eller en ort" in note.message for note in report.unplaced)
    assert report.as_dict()["places"]["derived_regions"] == placed
    assert any(line.startswith("Counties:") for line in report.text_lines())


def test_a_page_with_a_postcode_keeps_its_county_and_stated_region(client):
    from pathlib import Path

    from projects.importers import operations_csv, projectbank, save

    root = Path(__file__).resolve().parent.parent / "fixtures"
    save.import_pages(projectbank.parse_path(root / "projectbank"))
    page_project = Project.objects.get(diary_number="2020/00152")
    assert (page_project.county.code, page_project.region.code) == ("SE213", "SE21")
    assert "från postnummer" in page_project.field_sources["county"]
    report = save.import_operations(operations_csv.parse_path(root / "operations"))
    page_project.refresh_from_db()
    assert page_project.county.code == "SE213"
    assert report.counties.get("organisation", 0) >= 1


def test_fill_counties_places_existing_projects_once_with_history():
    from django.core.management import call_command

    kalmar = ProjectFactory(diary_number="2020/00152", region=None, postcode="39127")
    hylte = ProjectFactory(diary_number="2020/00153", city="HYLTEBRUK")
    unknown = ProjectFactory(diary_number="2020/00154", city="EXEMPELSTAD")
    call_command("fill_counties", stdout=(out := __import__("io").StringIO()))
    kalmar.refresh_from_db()
    hylte.refresh_from_db()
    assert (kalmar.county.code, kalmar.region.code) == ("SE213", "SE21")
    assert "härledd från länet" in kalmar.field_sources["region"]
    assert (hylte.county.code, hylte.region.code) == ("SE231", "SE21")  # stated region kept
    assert kalmar.history.first().history_change_reason == "fill_counties: län från postnummer"
    assert "1 from postnummer, 1 from ort; 1 regions derived" in out.getvalue()
    assert "not placed: 2020/00154" in out.getvalue()
    history = kalmar.history.count()
    call_command("fill_counties", stdout=__import__("io").StringIO())
    assert kalmar.history.count() == history
    unknown.refresh_from_db()
    assert unknown.county is None


def test_landing_page_lists_counties_with_links_to_their_pages(client, placed):
    html = client.get(reverse("projects:home")).content.decode()
    assert "Per län" in html
    assert 'href="/lan/SE213/">Kalmar län</a>' in html
    english = client.get("/en/").content.decode()
    assert 'href="/en/counties/SE213/">Kalmar County</a>' in english


def test_demo_projects_have_real_postcodes_of_their_county():
    from projects import demo, places

    demo.generate(projects=60, seed=1)
    projects = list(Project.objects.filter(is_demo=True).select_related("county"))
    assert projects and all(p.county is not None for p in projects)
    assert all(places.county_of_postcode(p.postcode) == p.county.code for p in projects)
    assert all(places.county_of_city(p.city) == p.county.code for p in projects)


def test_dashboard_has_a_county_section_linking_to_the_list(client, placed):
    response = client.get(DASHBOARD, {"county": "SE213"})
    section = next(s for s in response.context["sections"] if s.id == "lan")
    table = section.charts[0].table
    kalmar = next(row for row in table.rows if row.header == "Kalmar län")
    # ESF support, total budget (the factory's, three times), projects
    assert kalmar.cells[:3] == [60, 3 * 29_815_599, 3]
    assert "county=SE213" in kalmar.url
    english = client.get("/en" + DASHBOARD)
    section = next(s for s in english.context["sections"] if s.id == "lan")
    headers = [row.header for row in section.charts[0].table.rows]
    assert "Kalmar County" in headers and "No county" in headers
    assert section.charts[0].title == "ESF support and total budget by county"
