"""/api/ as a good citizen: CORS for GET from anywhere, ETag/Last-Modified and 304 from the
registry's version, and a per-client rate limit answering 429 with Retry-After."""

import datetime

import pytest
from django.urls import reverse
from django.utils.http import http_date

from tests.factories import DecisionFactory, ProjectFactory

pytestmark = pytest.mark.django_db
PROJECTS = "/api/v1/projects/"


@pytest.fixture
def project():
    return ProjectFactory()


# --- CORS ------------------------------------------------------------------------------------
def test_any_origin_may_read_the_api(client, project):
    response = client.get(PROJECTS, HTTP_ORIGIN="https://dashboards.example.org")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    assert "Access-Control-Allow-Credentials" not in response


def test_a_preflight_is_answered_for_get(client):
    response = client.options(
        PROJECTS,
        HTTP_ORIGIN="https://dashboards.example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match",
    )
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "POST" not in response["Access-Control-Allow-Methods"]
    assert response["Access-Control-Allow-Headers"] == "if-none-match"


@pytest.mark.parametrize("path", ["/projects/", "/dashboard/", "/en/projects/"])
def test_the_pages_get_no_cors_headers(client, project, path):
    response = client.get(path, HTTP_ORIGIN="https://elsewhere.example.org")
    assert "Access-Control-Allow-Origin" not in response


def test_the_api_does_not_accept_writes(client, project):
    assert client.post(PROJECTS, {}).status_code == 405


# --- ETag, Last-Modified, 304 ----------------------------------------------------------------
@pytest.mark.parametrize(
    "path", [PROJECTS, "/api/v1/decisions/", "/api/v1/codes/", "/api/v1/aggregates/"]
)
def test_a_repeated_request_with_the_etag_is_304(client, project, path):
    first = client.get(path)
    assert first.status_code == 200
    etag = first["ETag"]
    assert etag.startswith('W/"')
    again = client.get(path, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag


def test_if_modified_since_the_last_change_is_304(client, project):
    first = client.get(PROJECTS)
    last_modified = first["Last-Modified"]
    assert client.get(PROJECTS, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    earlier = http_date(datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC).timestamp())
    assert client.get(PROJECTS, HTTP_IF_MODIFIED_SINCE=earlier).status_code == 200


def test_a_registry_change_makes_a_new_etag(client, project):
    first = client.get(PROJECTS)
    DecisionFactory(project=project)
    again = client.get(PROJECTS, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200
    assert again["ETag"] != first["ETag"]
    assert again.json()["projects"][0]["esf_grant"] == project.esf_grant + 1_000_000


def test_the_etag_differs_by_language(client, project):
    assert client.get(PROJECTS)["ETag"] != client.get(PROJECTS + "?lang=en")["ETag"]


def test_an_error_has_no_etag(client, project):
    response = client.get(PROJECTS + "?region=XX")
    assert response.status_code == 400
    assert "ETag" not in response


# --- the rate limit --------------------------------------------------------------------------
def test_past_the_rate_a_client_gets_429_with_retry_after(client, project, settings):
    settings.ESF_API_RATE = "3/minute"
    for _ in range(3):
        assert client.get(PROJECTS).status_code == 200
    refused = client.get(PROJECTS)
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    assert refused["Access-Control-Allow-Origin"] == "*"
    other = client.get(PROJECTS, REMOTE_ADDR="192.0.2.10")
    assert other.status_code == 200


def test_behind_a_trusted_proxy_each_forwarded_client_has_its_own_count(client, project, settings):
    settings.ESF_API_RATE = "2/minute"
    settings.TRUSTED_PROXY_COUNT = 1
    first = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "198.51.100.1"}
    second = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "198.51.100.2"}
    assert [client.get(PROJECTS, **first).status_code for _ in range(3)] == [200, 200, 429]
    assert client.get(PROJECTS, **second).status_code == 200


def test_an_untrusted_peer_cannot_pick_its_address(client, project, settings):
    settings.ESF_API_RATE = "1/minute"
    settings.TRUSTED_PROXY_COUNT = 1
    spoofed = [{"REMOTE_ADDR": "203.0.113.5", "HTTP_X_FORWARDED_FOR": f"198.51.100.{n}"}
               for n in range(2)]  # fmt: skip
    assert [client.get(PROJECTS, **meta).status_code for meta in spoofed] == [200, 429]


def test_the_docs_page_is_rate_limited_too(client, settings):
    settings.ESF_API_RATE = "1/minute"
    assert client.get(reverse("api:docs")).status_code == 200
    assert client.get(reverse("api:docs")).status_code == 429
