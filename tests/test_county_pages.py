"""County pages (/lan/SE213/, /en/counties/SE213/), the dashboard's county map and the links
from the landing page's and the dashboard's "Per län" to the county pages."""

import datetime
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from projects import charts
from projects.models import County, Region
from tests.factories import OrganisationFactory, ProjectFactory

pytestmark = pytest.mark.django_db
KALMAR = "/lan/SE213/"


def county(code: str) -> County:
    return County.objects.get(code=code)


@pytest.fixture
def kalmar():
    """Three projects in Kalmar län (two owners, one of them also owning a national project
    placed in the county), one in Jämtlands län."""
    small, national = Region.objects.get(code="SE21"), Region.objects.get(code="ESF-Nationellt")
    municipality = OrganisationFactory(name="Kalmar kommun", org_number="2120000415")
    region = OrganisationFactory(name="Region Kalmar län", org_number="2321000081")
    return [
        ProjectFactory(diary_number="2020/00152", name="Fortsatt SLA", region=small,
                       county=county("SE213"), owner=municipality, total_budget=36_619_373,
                       esf_grant=17_207_538, planned_participants=446,
                       start_date=datetime.date(2020, 8, 17)),
        ProjectFactory(diary_number="2021/00007", name="Unga i länet", region=small,
                       county=county("SE213"), owner=region, total_budget=4_000_000,
                       esf_grant=2_000_000, planned_participants=60,
                       start_date=datetime.date(2021, 9, 1)),
        ProjectFactory(diary_number="2019/00020", name="Nationellt i Kalmar", region=national,
                       county=county("SE213"), owner=municipality, total_budget=1_000_000,
                       esf_grant=500_000, planned_participants=None,
                       start_date=datetime.date(2019, 1, 1)),
        ProjectFactory(diary_number="2019/00419", name="Vägar", region=Region.objects.get(
            code="SE32"), county=county("SE322"), esf_grant=5_000_000),
    ]  # fmt: skip


def test_the_county_page_names_the_county_its_region_and_its_figures(client, kalmar):
    response = client.get(KALMAR)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Kalmar län</h1>" in html
    assert "Småland och Öarna" in html and "NUTS-3 SE213, SCB 08" in html
    figures = dict(re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)", html))
    assert figures["Projekt"] == "3"
    assert figures["Beviljat ESF-stöd"] == "19,7\xa0mnkr"  # and the exact sum below it
    assert '<span class="figures__exact">19\xa0707\xa0538\xa0kr</span>' in html
    assert figures["Total budget"] == "41,6\xa0mnkr"
    assert '<span class="figures__exact">41\xa0619\xa0373\xa0kr</span>' in html
    assert figures["Planerade deltagare"] == "506"
    assert "Vägar" not in html  # Jämtland's project


def test_the_county_page_lists_its_largest_and_latest_projects_and_owners(client, kalmar):
    figures = client.get(KALMAR).context["figures"]
    assert [p.diary_number for p in figures.largest] == ["2020/00152", "2021/00007", "2019/00020"]
    assert [p.diary_number for p in figures.latest] == ["2021/00007", "2020/00152", "2019/00020"]
    assert [(o["owner_name"], o["projects"], o["esf_grant"]) for o in figures.owners] == [
        ("Kalmar kommun", 2, 17_707_538),
        ("Region Kalmar län", 1, 2_000_000),
    ]


def test_the_county_page_links_to_the_same_set_everywhere(client, kalmar):
    html = client.get(KALMAR).content.decode()
    for name in ("list", "dashboard", "export_csv", "export_xlsx", "export_json"):
        assert f'href="{reverse(f"projects:{name}")}?county=SE213"' in html, name
    assert f'href="{reverse("projects:export_csv")}?sep=semicolon&amp;county=SE213"' in html
    assert f'href="{reverse("projects:list")}?region=SE21"' in html
    # the list behind the link holds the page's three projects
    listed = client.get(f"{reverse('projects:list')}?county=SE213").context["page"]
    assert {p.diary_number for p in listed.object_list} == {
        "2020/00152",
        "2021/00007",
        "2019/00020",
    }


def test_the_english_county_page_has_its_own_path(client, kalmar):
    with translation.override("en"):
        assert reverse("projects:county", args=["SE213"]) == "/en/counties/SE213/"
    response = client.get("/en/counties/SE213/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Kalmar County</h1>" in html and "Småland with the islands" in html
    assert "Granted ESF support" in html
    assert 'href="/en/projects/?county=SE213"' in html
    redirect = client.get("/en/lan/SE213/")
    assert (redirect.status_code, redirect["Location"]) == (301, "/en/counties/SE213/")


@pytest.mark.parametrize("code", ["SE999", "SE21", "none", "se213", "ESF-Nationellt"])
def test_an_unknown_county_is_404(client, kalmar, code):
    assert client.get(f"/lan/{code}/").status_code == 404
    assert client.get(f"/en/counties/{code}/").status_code == 404


def test_a_county_without_projects_says_so(client, kalmar):
    response = client.get("/lan/SE214/")
    assert response.status_code == 200
    assert "Inga projekt i länet ännu." in response.content.decode()


@pytest.mark.parametrize("n_projects", [1, 30])
def test_county_page_query_count_is_constant(client, django_assert_num_queries, n_projects):
    ProjectFactory.create_batch(n_projects, county=county("SE213"))
    # the county with its region, the summary, the largest and the latest projects (owner and
    # region joined), the owners by ESF support, footer date, demo probe
    with django_assert_num_queries(7):
        response = client.get(KALMAR)
    assert response.context["figures"].totals["projects"] == n_projects


def test_a_repeated_county_page_is_read_from_the_cache(client, kalmar):
    first = client.get(KALMAR).content
    with CaptureQueriesContext(connection) as captured:
        again = client.get(KALMAR).content
    assert len(captured) == 0 and again == first
    ProjectFactory(county=county("SE213"), esf_grant=1_000)  # a change shows at once
    assert client.get(KALMAR).context["figures"].totals["projects"] == 4


def dashboard_chart(client, chart_id: str, query: str = "") -> tuple[str, dict]:
    html = client.get(f"{reverse('projects:dashboard')}{query}").content.decode()
    data = re.search(rf'<script id="{chart_id}-data" type="application/json">(.*?)</script>', html)
    return html, json.loads(data[1])


def test_the_dashboard_s_county_table_links_to_the_county_pages(client, kalmar):
    html, _figure = dashboard_chart(client, "county-money")
    table = html.split('id="county-money-caption"')[1].split("</table>")[0]
    assert '<a href="/lan/SE213/">Kalmar län</a>' in table
    assert '<a href="/lan/SE322/">Jämtlands län</a>' in table


def test_the_county_map_has_a_tile_for_every_county_and_links_to_the_list(client, kalmar):
    _html, figure = dashboard_chart(client, "county-map", "?programme=2014-2020")
    heatmap = figure["data"][0]
    tiles = [cell for line in heatmap["customdata"] for cell in line if cell]
    assert len(tiles) == 21
    by_name = {name: (url, projects) for url, projects, name in tiles}
    url, projects = by_name["Kalmar län"]
    assert projects == 3
    assert url == "/projects/?programme=2014-2020&county=SE213"
    assert by_name["Gotlands län"] == (None, 0)  # shown, without a link
    column, line = charts.COUNTY_TILES["SE213"]
    assert heatmap["z"][line][column] == pytest.approx(19.708, abs=0.001)  # mnkr
    assert "Kalmar" in heatmap["text"][line][column]
    labels = [button["label"] for button in figure["layout"]["updatemenus"][0]["buttons"]]
    assert labels == ["ESF-stöd", "Projekt", "Deltagare", "Per deltagare"]


def test_the_county_tiles_lie_roughly_where_the_counties_are():
    tiles = charts.COUNTY_TILES
    assert len(tiles) == 21 and len(set(tiles.values())) == 21
    assert set(tiles) == set(County.objects.values_list("code", flat=True))
    line = {code: position[1] for code, position in tiles.items()}
    column = {code: position[0] for code, position in tiles.items()}
    assert line["SE332"] == 0 and line["SE224"] == max(line.values())  # Norrbotten, Skåne
    assert column["SE232"] < column["SE110"]  # Västra Götaland west of Stockholm
    assert column["SE214"] == max(column.values())  # Gotland, off the east coast


def test_the_api_s_county_table_links_a_county_row_to_its_page(client, kalmar):
    body = client.get(reverse("api:aggregates")).json()
    table = next(t for t in body["tables"] if t["id"] == "county-money")
    row = next(r for r in table["rows"] if r["label"] == "Kalmar län")
    assert row["links"]["html"] == "http://testserver/lan/SE213/"
    assert row["links"]["projects"] == "http://testserver/projects/?county=SE213"


def test_the_about_page_names_the_postcode_source_and_its_notice(client):
    html = client.get(reverse("projects:about")).content.decode()
    assert "Eurostats korrespondenstabell" in html and "GISCO" in html
    assert "© EuroGeographics för de administrativa gränserna" in html
    english = client.get("/en/about-the-data/").content.decode()
    assert "© EuroGeographics for the administrative boundaries" in english
    assert "Län och kommuner 2026 i kodnummerordning" in english
