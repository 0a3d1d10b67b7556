"""Hostile and random query strings and paths never give a 500 (property-based, hypothesis).

Every public URL gets huge and negative numbers, SQL and HTML fragments, percent-encoded bytes
that are not UTF-8, repeated and unknown parameters and very long values. Each answer must be
200, 302, 400 or 404 with a body, and an HTML page never contains an injected tag unescaped.

The number of examples per test is fixed (ESF_FUZZ_EXAMPLES overrides it, e.g. 5000 for a long
local run); CI (CI=true) runs a fixed, derandomised sequence so that a build is reproducible.
"""

from __future__ import annotations

import os
import time
from urllib.parse import quote

import pytest
from django.core.signals import request_finished
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projects.models import Organisation
from tests.factories import DecisionFactory, OrganisationFactory, ProjectFactory

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("ESF_FUZZ_EXAMPLES", "0")) or None
BASE = settings(
    deadline=None,
    database=None,  # no .hypothesis/ directory in the work tree
    derandomize=os.environ.get("CI") == "true",
    suppress_health_check=[
        # The fixtures create read-only data once per test; examples only read it.
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


def fuzz(examples: int) -> settings:
    return settings(BASE, max_examples=EXAMPLES or examples)


ALLOWED = {200, 302, 400, 404}

PARAMETERS = [
    "q", "programme", "region", "programme_area", "specific_objective", "intervention_field",
    "legal_form", "status", "sort", "page", "size", "start_year_min", "start_year_max",
    "total_budget_min", "total_budget_max", "esf_grant_min", "esf_grant_max",
    "participants_min", "participants_max", "rate_min", "rate_max", "lang", "headers", "sep",
    "format", "chart", "year",
]  # fmt: skip
MARKER = "esfxss"
HOSTILE = [
    f"<script>{MARKER}()</script>",
    f'"><img src=x onerror={MARKER}()>',
    f"'><svg onload={MARKER}()>",
    f"</textarea><script>{MARKER}</script>",
    f"javascript:{MARKER}()",
    "' OR '1'='1",
    "1; DROP TABLE projects_project; --",
    "1) UNION SELECT password FROM auth_user --",
    "%' AND 1=0 --",
    "\\",
    "'",
    '"',
    "\x00",
    "../../../../etc/passwd",
    "{{ 7*7 }}",
    "{% debug %}",
    "%s%s%s%n",
    "${jndi:ldap://127.0.0.1/a}",
    "-1",
    "0",
    "-0",
    "1e309",
    "NaN",
    "Infinity",
    "-inf",
    "9" * 400,
    str(2**63),
    str(-(2**63) - 1),
    "0x7fffffff",
    "1,5",
    "50,00",
    "2020/00152",
    "2020-00152",
    "22-005-S01",
    "SE21",
    "sv",
    "en",
    "both",
    "semicolon",
    "relevance",
    "-relevance",
    "--start",
    "\u202egnp.exe",
    "ÅÄÖ åäö",
    "🙂" * 50,
    " ",
    "",
]

# What an unescaped HOSTILE value or generated tag would put in a page.
INJECTED = [
    f"<script>{MARKER}",
    f"<img src=x onerror={MARKER}",
    f"<svg onload={MARKER}",
    f'data-{MARKER}="1"',
]

numbers = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.integers(min_value=-5, max_value=300),
).map(str)
decimals = st.decimals(allow_nan=True, allow_infinity=True).map(str)
tags = st.sampled_from(["script", "img", "svg", "iframe", "a", "style", "body"]).map(
    lambda tag: f'<{tag} data-{MARKER}="1" onload="{MARKER}()">'
)
long_values = st.sampled_from([1_000, 10_000, 100_000]).map(lambda n: "x" * n)


def encode(value: str) -> str:
    return quote(value, safe="")


def raw_bytes(data: bytes) -> str:
    """Percent-encode every byte: sequences that are not UTF-8 reach the app as they are."""
    return "".join(f"%{byte:02X}" for byte in data)


values = st.one_of(
    st.sampled_from(HOSTILE).map(encode),
    numbers.map(encode),
    decimals.map(encode),
    tags.map(encode),
    st.text(max_size=300).map(encode),
    st.binary(max_size=80).map(raw_bytes),
    long_values,
    # unencoded separators and the like, as a careless client would send them
    st.sampled_from(["&", "=", "==", "&&", ";", "%", "%%", "%G0", "%2", "+", "#", "?", "[]"]),
)
names = st.one_of(
    st.sampled_from(PARAMETERS),
    st.sampled_from(PARAMETERS).map(lambda name: name + "[]"),
    st.text(min_size=1, max_size=30).map(encode),
    st.binary(min_size=1, max_size=10).map(raw_bytes),
)
pairs = st.lists(st.tuples(names, values), max_size=12)
repeated = st.tuples(
    st.sampled_from(PARAMETERS), values, st.sampled_from([2, 30, 200, 1001, 3000])
).map(lambda item: [(item[0], item[1])] * item[2])
query_strings = st.one_of(pairs, pairs, pairs, repeated).map(
    lambda items: "&".join(f"{name}={value}" for name, value in items)
)
path_segments = st.one_of(
    st.sampled_from(HOSTILE).map(encode),
    numbers.map(encode),
    st.text(min_size=1, max_size=200).map(encode),
    st.binary(min_size=1, max_size=40).map(raw_bytes),
    long_values.map(lambda value: value[:5000]),
)


def fuzz_check(client, path: str, query: str) -> None:
    check(client, path, query)


STATS = os.environ.get("ESF_FUZZ_STATS")
"""A file to append `status seconds path` per request to, for a long run's figures."""


def check(client, path: str, query: str = "") -> None:
    started = time.perf_counter()
    response = client.get(path, QUERY_STRING=query)
    body = (
        b"".join(response.streaming_content) if response.streaming else response.content
    ).decode("utf-8", errors="replace")
    if STATS:
        with open(STATS, "a", encoding="utf-8") as stats:
            seconds = time.perf_counter() - started
            stats.write(f"{response.status_code} {seconds:.3f} {path} {query[:2000]!r}\n")
    assert response.status_code in ALLOWED, (path, query[:500])
    if response.status_code in (400, 404):
        assert body.strip(), "an error answer says what is wrong"
    if response.get("Content-Type", "").startswith("text/html"):
        # The injected markup, verbatim: escaped it reads `&lt;script&gt;`, `data-esfxss=&quot;`.
        for injected in INJECTED:
            assert injected not in body, (path, query[:500], injected)


@pytest.fixture
def registry():
    """A few projects of both periods with decisions, an organisation with projects."""
    owner = OrganisationFactory(name="Kommunförbundet Kalmar län", org_number="8025185011")
    projects = [
        ProjectFactory(diary_number="2020/00152", owner=owner),
        ProjectFactory(diary_number="2019/00419", owner=owner, total_budget=None, esf_grant=None),
        ProjectFactory(),
    ]
    DecisionFactory(project=projects[0])
    return projects


@pytest.mark.parametrize(
    "path",
    ["/", "/projects/", "/en/projects/", "/organisations/"],
    ids=["home", "list", "list-en", "organisations"],
)
def test_pages_answer_any_query_string_without_a_server_error(client, registry, path):
    tried = []

    @fuzz(250 if path == "/projects/" else 60)
    @given(query=query_strings)
    def run(query):
        tried.append(1)
        fuzz_check(client, path, query)

    run()
    print(f"fuzz: {len(tried)} requests")


def test_dashboard_answers_any_query_string_without_a_server_error(client, registry):
    tried = []

    @fuzz(100)  # the slowest page (every chart is built per request), so fewer examples
    @given(query=query_strings)
    def run(query):
        tried.append(1)
        fuzz_check(client, "/dashboard/", query)

    run()
    print(f"fuzz: {len(tried)} requests")


@pytest.mark.parametrize("export", ["csv", "json", "xlsx"])
def test_exports_answer_any_query_string_without_a_server_error(client, registry, export):
    tried = []

    @fuzz(80)
    @given(query=query_strings)
    def run(query):
        tried.append(1)
        fuzz_check(client, f"/projects/export.{export}", query)

    run()
    print(f"fuzz: {len(tried)} requests")


def test_project_pages_answer_any_path_without_a_server_error(client, registry):
    slugs = st.one_of(path_segments, st.sampled_from([p.slug for p in registry]))

    tried = []

    @fuzz(200)
    @given(slug=slugs, query=query_strings)
    def run(slug, query):
        tried.append(1)
        fuzz_check(client, f"/projects/{slug}/", query)

    run()
    print(f"fuzz: {len(tried)} requests")


def test_organisation_pages_answer_any_id_without_a_server_error(client, registry):
    known = list(Organisation.objects.values_list("pk", flat=True))
    ids = st.one_of(
        st.sampled_from(known),
        st.integers(min_value=0, max_value=10**40),
        path_segments,
    ).map(str)

    tried = []

    @fuzz(120)
    @given(pk=ids, query=query_strings)
    def run(pk, query):
        tried.append(1)
        fuzz_check(client, f"/organisations/{pk}/", query)

    run()
    print(f"fuzz: {len(tried)} requests")


def test_injected_html_is_escaped_on_the_list_page(client, registry):
    """The reflection check itself works: the list shows the search text, escaped."""
    response = client.get("/projects/", {"q": f"<script>{MARKER}()</script>"})
    body = response.content.decode()
    assert f"&lt;script&gt;{MARKER}()" in body
    check(client, "/projects/", "q=" + encode(f"<script>{MARKER}()</script>"))


@pytest.mark.parametrize(
    "url",
    [
        "/projects/?start_year_min=0",
        "/projects/?start_year_max=0",
        "/dashboard/?start_year_min=0",
        "/projects/export.csv?start_year_min=0",
    ],
)
def test_start_year_zero_is_a_message_not_an_error(client, registry, url):
    path, query = url.split("?")
    response = client.get(path, QUERY_STRING=query)
    if response.streaming:
        b"".join(response.streaming_content)
    assert response.status_code in ALLOWED


def test_control_characters_in_the_query_still_give_an_xlsx(client, registry):
    response = client.get("/projects/export.xlsx", {"q": "\x08"})
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"PK")  # a zip: the workbook
    # Close the workbook's temporary file as a server would, without the request_finished
    # handler that would close the test's database connection mid-transaction (Django's test
    # client disconnects it the same way).
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def test_a_nul_in_a_project_slug_is_404(client, registry):
    assert client.get("/projects/%00/").status_code == 404
