"""Cached figures: the list's counts, the dashboard's aggregates and the code lists are reused
for the same filtered set and dropped by every kind of registry write."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from esfportal.settings import cache_config
from projects import caching, services
from projects import queries as registry_queries
from projects.models import Decision, Project, Region
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db
LIST = reverse("projects:list")
DASHBOARD = reverse("projects:dashboard")


def queries(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def granted(page: str) -> str:
    """The dashboard's key figure "Beviljat ESF-stöd", in mnkr."""
    return re.search(r"Beviljat ESF-stöd</dt><dd>([0-9,]+)\s+mnkr", page)[1]


@pytest.fixture
def projects():
    region = Region.objects.get(code="SE21")
    return [ProjectFactory(region=region, esf_grant=1_000_000 * n, total_budget=3_000_000 * n)
            for n in range(1, 4)]  # fmt: skip


def test_a_repeated_list_page_is_read_from_the_cache(client, projects):
    first, page = queries(client, f"{LIST}?region=SE21")
    again, same = queries(client, f"{LIST}?region=SE21")
    assert first > 1 and again == 0
    assert same == page


def test_with_a_session_only_the_figures_are_cached(client, projects, settings):
    client.cookies[settings.SESSION_COOKIE_NAME] = "someone"
    first, _ = queries(client, f"{LIST}?region=SE21")
    again, _ = queries(client, f"{LIST}?region=SE21")
    assert first > again
    assert again == 2  # the page's ids and rows; counts, facets, code lists and footer date cached


def test_a_cached_page_gets_the_security_headers(client, projects):
    fresh = client.get(LIST)
    cached = client.get(LIST)
    for header in ("Content-Security-Policy", "X-Content-Type-Options", "Content-Type"):
        assert cached[header] == fresh[header]


def test_each_language_has_its_own_cached_page(client, projects):
    assert 'lang="sv"' in queries(client, LIST)[1]
    assert 'lang="en"' in queries(client, f"/en{LIST}")[1]
    assert 'lang="sv"' in queries(client, LIST)[1]


def test_addresses_that_select_the_same_projects_share_the_counts(client, projects):
    queries(client, f"{LIST}?region=SE21")
    other_page_size, _ = queries(client, f"{LIST}?region=SE21&sort=-grant&size=100")
    assert other_page_size == 2  # its ids and rows
    different_set, _ = queries(client, f"{LIST}?region=SE33")
    assert different_set > 1


def test_a_repeated_dashboard_runs_no_query(client, projects):
    first, _ = queries(client, DASHBOARD)
    again, _ = queries(client, DASHBOARD)
    assert first >= 6 and again == 0


def test_a_saved_project_shows_at_once(client, projects):
    _, before = queries(client, LIST)
    assert "Visar 1–3 av 3" in before
    ProjectFactory(region=projects[0].region)
    _, after = queries(client, LIST)
    assert "Visar 1–4 av 4" in after


def test_a_new_decision_changes_the_dashboard(client, projects):
    _, before = queries(client, DASHBOARD)
    services.apply_decision(
        decision=Decision(
            project=projects[0],
            kind=Decision.Kind.EXTENSION,
            decided_on=datetime.date(2026, 1, 15),
            esf_grant_change=4_000_000,
            total_budget_change=4_000_000,
        ),
    )
    count, page = queries(client, DASHBOARD)
    assert count > 0
    total = sum(Project.objects.values_list("esf_grant", flat=True))
    assert granted(page) == f"{total / 1e6:.1f}".replace(".", ",") != granted(before)


def test_bulk_writes_invalidate_too(client, projects):
    version = caching.registry_version()
    first = projects[0]
    project = ProjectFactory.build(
        region=first.region, owner=first.owner, programme=first.programme, diary_number="2016/00001"
    )
    grant = Decision(
        kind=Decision.Kind.GRANT,
        decided_on=datetime.date(2016, 2, 1),
        esf_grant_change=1_000,
        total_budget_change=2_000,
    )
    services.create_projects(items=[(project, grant)])
    assert caching.registry_version() != version


def test_a_renamed_region_shows_in_the_facets(client, projects):
    queries(client, LIST)
    region = projects[0].region
    region.name_sv = "Småland med öarna"
    region.save()
    _, page = queries(client, LIST)
    assert "Småland med öarna" in page


def test_invalidation_is_repeated_when_the_transaction_commits(
    client, projects, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        ProjectFactory(region=projects[0].region)
        stale = caching.registry_version()  # e.g. a page rendered before the commit
    assert callbacks
    assert caching.registry_version() != stale


@pytest.mark.parametrize(
    ("url", "backend"),
    [
        ("locmem://", "django.core.cache.backends.locmem.LocMemCache"),
        ("file:///var/cache/esf", "django.core.cache.backends.filebased.FileBasedCache"),
        ("redis://127.0.0.1:6379/0", "django.core.cache.backends.redis.RedisCache"),
    ],
)
def test_cache_url_chooses_the_backend(url, backend):
    assert cache_config(url)["BACKEND"] == backend


@pytest.mark.parametrize("url", ["", "file://relative/path", "memcached://x", "locmem"])
def test_a_bad_cache_url_is_refused(url):
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL"):
        cache_config(url)


def test_an_empty_cache_is_the_start_of_a_version(projects):
    cache.clear()
    assert caching.registry_version() == caching.registry_version() != ""


def test_the_code_lists_are_kept_in_the_process_until_the_registry_changes(projects):
    first = registry_queries.reference_lists()
    with CaptureQueriesContext(connection) as captured:
        again = registry_queries.reference_lists()
    assert again is first  # neither a query nor an unpickled copy from the shared cache
    assert not captured.captured_queries
    Region.objects.filter(code="SE21").update(name_sv="Småland med öarna (nytt)")
    caching.invalidate()  # as a bulk write does
    renamed = registry_queries.reference_lists()
    assert renamed is not first
    assert renamed.by_code["region"]["SE21"].name_sv == "Småland med öarna (nytt)"
