"""/oppna-data/ (/en/open-data/): the API, feeds and downloads in words, linked from /om-data/."""

import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


def test_the_about_page_links_to_the_open_data_page(client):
    about = client.get(reverse("projects:about")).content.decode()
    assert 'href="/oppna-data/"' in about
    with translation.override("en"):
        english = client.get(reverse("projects:about")).content.decode()
    assert 'href="/en/open-data/"' in english


def test_the_open_data_page_is_in_swedish_and_english(client):
    swedish = client.get("/oppna-data/").content.decode()
    assert "Öppna data och API" in swedish
    assert 'href="/api/v1/docs/"' in swedish
    english = client.get("/en/open-data/").content.decode()
    assert "Open data and API" in english
    assert "Öppna data" not in english
    assert 'href="/api/v1/docs/"' in english


def test_the_swedish_path_of_the_english_page_redirects(client):
    response = client.get("/en/oppna-data/")
    assert response.status_code == 301
    assert response["Location"] == "/en/open-data/"
