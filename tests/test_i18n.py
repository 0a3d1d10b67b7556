"""Swedish at the plain paths, English under /en/; the language switch keeps page and query."""

import json

import pytest
from bs4 import BeautifulSoup

from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def test_swedish_is_the_default_and_english_lives_under_en(client):
    ProjectFactory()
    swedish = client.get("/projects/").content.decode()
    english = client.get("/en/projects/").content.decode()
    assert '<html lang="sv">' in swedish and "Rensa alla filter" in swedish
    assert '<html lang="en">' in english and "Clear all filters" in english


@pytest.mark.parametrize(
    ("page", "switch"),
    [
        ("/projects/?region=SE21&status=ongoing", "/en/projects/?region=SE21&amp;status=ongoing"),
        ("/en/projects/?region=SE21&status=ongoing", "/projects/?region=SE21&amp;status=ongoing"),
        ("/", "/en/"),
        ("/en/organisations/", "/organisations/"),
    ],
)
def test_language_switch_keeps_the_page_and_the_query(client, page, switch):
    body = client.get(page).content.decode()
    assert f'<a href="{switch}" lang=' in body


def test_every_ui_string_of_the_list_is_translated(client):
    ProjectFactory()
    response = client.get("/en/projects/?region=SE21&esf_grant_min=x")
    assert response.status_code == 200
    english = response.content.decode()
    for swedish in ["Filtrera", "Sortering", "Visar ", "Per sida", "ignorerades", "Programområde"]:
        assert swedish not in english, swedish
    for translated in ["Filter", "Sort by", "Per page", "Programme area"]:
        assert translated in english, translated


def test_the_english_dashboard_and_exports_links_are_translated(client):
    ProjectFactory()
    english = client.get("/en/dashboard/").content.decode()
    for swedish in ["Visa som tabell", "Över tid", "Kostnad per deltagare", "mnkr"]:
        assert swedish not in english, swedish
    listing = client.get("/en/projects/").content.decode()
    assert "CSV for Swedish Excel" in listing


def test_english_pages_have_english_paths_and_the_swedish_ones_redirect(client):
    for swedish, english in [("/om-data/", "/en/about-the-data/"),
                             ("/tillganglighet/", "/en/accessibility/")]:  # fmt: skip
        assert client.get(swedish).status_code == 200
        response = client.get(english)
        assert response.status_code == 200
        assert response.wsgi_request.LANGUAGE_CODE == "en"
        redirect = client.get(f"/en{swedish}")
        assert (redirect.status_code, redirect["Location"]) == (301, english)
        # the language switch of each leads to the other
        assert f'href="{english}"' in client.get(swedish).content.decode()
        assert f'href="{swedish}"' in response.content.decode()


def test_the_accessibility_statement_names_the_reporting_channel(client, settings):
    settings.ACCESSIBILITY_EMAIL = "tillganglighet@esf.example.se"
    settings.ACCESSIBILITY_PHONE = "08-123 456"
    body = client.get("/tillganglighet/").content.decode()
    assert 'href="mailto:tillganglighet@esf.example.se"' in body
    assert 'href="tel:08-123456"' in body
    assert "Myndigheten för digital förvaltning (Digg)" in body
    english = client.get("/en/accessibility/").content.decode()
    assert 'href="mailto:tillganglighet@esf.example.se"' in english
    assert "Report" in english
    settings.ACCESSIBILITY_EMAIL = ""
    assert "ESF_ACCESSIBILITY_EMAIL" in client.get("/tillganglighet/").content.decode()


def test_the_debug_404_page_may_style_itself(client, settings):
    settings.DEBUG = True
    response = client.get("/finns-inte/")
    assert response.status_code == 404
    assert "style-src 'self' 'unsafe-inline'" in response["Content-Security-Policy"]
    settings.DEBUG = False
    response = client.get("/finns-inte/")
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_the_english_dashboard_draws_its_charts_with_english_titles(client):
    ProjectFactory()
    page = BeautifulSoup(client.get("/en/dashboard/").content, "html.parser")
    figure = json.loads(page.find("script", id="region-money-data").string)
    assert figure["layout"]["title"]["text"] == "ESF support and total budget by region"
    assert [trace["name"] for trace in figure["data"]] == ["ESF support", "Total budget"]
    heading = page.find(id="region-money-title").get_text(strip=True)
    assert heading == "ESF support and total budget by region"
