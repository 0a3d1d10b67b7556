"""/healthz, and what every page does while the database is down and after it comes back."""

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.apps import apps
from django.db import OperationalError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from projects import reference
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent


def refuse_queries(execute, sql, params, many, context):
    raise OperationalError('connection to server at "db" (10.0.0.5), port 5432 failed: refused')


@contextlib.contextmanager
def database_down():
    """Every query fails as it does when the server is gone (same exception class)."""
    with connection.execute_wrapper(refuse_queries):
        yield


@pytest.fixture
def project():
    return ProjectFactory(diary_number="2020/00152")


def public_urls(project) -> list[str]:
    return [
        "/",
        "/projects/",
        "/projects/?region=SE21&sort=-grant",
        f"/projects/{project.slug}/",
        "/dashboard/",
        "/organisations/",
        f"/organisations/{project.owner_id}/",
        "/om-data/",
        "/en/projects/",
    ]


def test_healthz_reports_the_database_and_the_project_count(client, project):
    ProjectFactory()

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    assert response.json() == {"status": "ok", "database": "ok", "projects": 2}


def test_healthz_is_one_query(client, django_assert_num_queries):
    with django_assert_num_queries(1):  # SELECT COUNT(*) FROM projects_project
        assert client.get("/healthz").status_code == 200


def test_healthz_answers_a_probe_on_any_host_over_plain_http(client, settings):
    settings.ALLOWED_HOSTS = ["esf.example.se"]
    settings.SECURE_SSL_REDIRECT = True

    probe = client.get("/healthz", HTTP_HOST="127.0.0.1:8000")
    head = client.head("/healthz", HTTP_HOST="10.1.2.3")

    assert probe.status_code == 200 and probe.json()["status"] == "ok"
    assert head.status_code == 200
    # Only the probe: other paths still check the host and redirect to https.
    assert client.get("/projects/", HTTP_HOST="127.0.0.1:8000").status_code == 400
    assert client.get("/projects/", HTTP_HOST="esf.example.se").status_code == 301


def test_healthz_is_503_when_the_database_is_down(client):
    with database_down():
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unavailable"}
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"


def test_every_public_page_shows_the_503_page_when_the_database_is_down(client, project):
    urls = public_urls(project)
    with database_down():
        responses = {url: client.get(url) for url in urls}

    for url, response in responses.items():
        assert response.status_code == 503, url
        assert response["Retry-After"] == "30", url
        assert response["Cache-Control"] == "no-store"
        text = response.content.decode()
        assert "Traceback" not in text and "OperationalError" not in text
        assert "Content-Security-Policy" in response
    assert "Tjänsten är tillfälligt otillgänglig" in responses["/projects/"].content.decode()
    assert '<html lang="en">' in responses["/en/projects/"].content.decode()


def test_the_503_page_is_rendered_without_a_query(client, project):
    with database_down(), CaptureQueriesContext(connection) as queries:
        assert client.get("/projects/").status_code == 503
    # The view's first query failed; nothing after it (page, footer, session) asked again.
    assert len(queries) == 1


def test_pages_work_again_once_the_database_is_back(client, project):
    with database_down():
        assert client.get("/projects/").status_code == 503
        assert client.get("/healthz").status_code == 503

    assert client.get("/projects/").status_code == 200
    assert client.get(f"/projects/{project.slug}/").status_code == 200
    assert client.get("/healthz").json()["database"] == "ok"


class FailingMiddleware:
    """Raises after the view, as a middleware saving a session to a lost database would."""

    error = OperationalError("server closed the connection unexpectedly")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        self.get_response(request)
        raise self.error


@pytest.fixture
def failing_middleware(settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.test_health.FailingMiddleware"]
    yield FailingMiddleware
    FailingMiddleware.error = OperationalError("server closed the connection unexpectedly")


def test_a_database_error_outside_the_views_also_gives_the_503_page(failing_middleware):
    response = Client(raise_request_exception=False).get("/om-data/")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Tjänsten är tillfälligt otillgänglig" in response.content.decode()


def test_any_other_error_gives_the_500_page(failing_middleware):
    failing_middleware.error = RuntimeError("a bug")

    response = Client(raise_request_exception=False).get("/om-data/")

    assert response.status_code == 500
    text = response.content.decode()
    assert "Något gick fel" in text and "a bug" not in text


# --- a real connection failure on PostgreSQL -------------------------------------------------
def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.django_db(transaction=True)
def test_a_lost_postgresql_server_gives_503_and_the_app_reconnects(client):
    if connection.vendor != "postgresql":
        pytest.skip("needs a PostgreSQL server to lose (DATABASE_URL)")
    # Transactional tests run after the others and start from a flushed database.
    reference.load(apps)
    ProjectFactory()
    assert client.get("/projects/").status_code == 200  # a persistent connection is open
    settings_dict = connection.settings_dict
    original = (settings_dict["HOST"], settings_dict["PORT"])
    try:
        # Kill this test's server connection and point reconnects at a port nobody listens on.
        settings_dict["HOST"], settings_dict["PORT"] = "127.0.0.1", closed_port()
        connection.close()
        assert client.get("/healthz").status_code == 503
        # A page cached before the outage is still served; one that needs the database is not
        assert client.get("/projects/").status_code == 200
        assert client.get("/projects/?region=SE21").status_code == 503
        assert client.get("/dashboard/").status_code == 503
    finally:
        settings_dict["HOST"], settings_dict["PORT"] = original
        connection.close()

    assert client.get("/healthz").json() == {"status": "ok", "database": "ok", "projects": 1}
    assert client.get("/projects/").status_code == 200


# --- the whole thing against a real server that stops and starts -----------------------------
OUTAGE_CLUSTER = ("15", "esf_healthtest")
OUTAGE_PORT = 5544


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def cluster(action: str) -> None:
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", *OUTAGE_CLUSTER, action],
        check=True,
        capture_output=True,
    )


@pytest.mark.skipif(
    os.environ.get("ESF_DB_OUTAGE_TEST") != "1",
    reason="set ESF_DB_OUTAGE_TEST=1 to stop and start a throwaway PostgreSQL cluster (root)",
)
def test_gunicorn_survives_a_postgresql_restart():
    """gunicorn on a throwaway cluster (port 5544): 200, cluster stopped -> 503, started -> 200."""
    assert shutil.which("pg_createcluster"), "needs postgresql-common"
    subprocess.run(
        ["pg_createcluster", *OUTAGE_CLUSTER, "-p", str(OUTAGE_PORT), "--", "--auth=trust"],
        check=True,
        capture_output=True,
    )
    server = None
    try:
        cluster("start")
        subprocess.run(
            ["su", "postgres", "-c", f"createdb -p {OUTAGE_PORT} esfportal_outage"], check=True
        )
        env = {
            **os.environ,
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{OUTAGE_PORT}/esfportal_outage",
            "DJANGO_DEBUG": "true",
            "DJANGO_DB_CONNECT_TIMEOUT": "2",
        }
        manage = [sys.executable, "manage.py"]
        subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        subprocess.run(
            [*manage, "generate_demo", "--projects", "50", "--seed", "1"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        port = closed_port()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "esfportal.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--worker-class",
                "gthread",
                "--threads",
                "2",
            ],  # fmt: skip
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        for _ in range(50):
            with contextlib.suppress(OSError):
                if get(base + "/healthz")[0] == 200:
                    break
            time.sleep(0.2)
        for _ in range(4):  # every worker thread gets a persistent connection
            assert get(base + "/projects/")[0] == 200

        cluster("stop")
        status, body = get(base + "/healthz")
        assert (status, json.loads(body)["database"]) == (503, "unavailable")
        for url in ["/", "/projects/?region=SE33", "/dashboard/"]:  # not cached before
            status, body = get(base + url)
            assert status == 503 and "tillfälligt otillgänglig".encode() in body, url

        cluster("start")
        for url in ["/healthz", "/", "/projects/", "/dashboard/", "/projects/", "/projects/"]:
            assert get(base + url)[0] == 200, url
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        subprocess.run(["pg_dropcluster", "--stop", *OUTAGE_CLUSTER], capture_output=True)


def test_healthz_answers_after_an_english_page_on_the_same_thread(client, project):
    """A worker thread keeps the language of its last request; the probe must not depend on it."""
    assert client.get("/en/").status_code == 200
    assert client.get("/en/projects/").status_code == 200

    response = client.get("/healthz")

    assert response.status_code == 200
    assert json.loads(response.content)["status"] == "ok"
