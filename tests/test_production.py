"""Production settings: the deploy check, static files, security headers and CSP, logs."""

import logging
import os
import re
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest
from django.template import loader
from django.urls import reverse

from esfportal import logfmt
from tests.factories import ProjectFactory, UserFactory

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "".join(
        secrets.choice(string.ascii_letters + string.digits + string.punctuation) for _ in range(50)
    ),
    "DJANGO_HTTPS": "true",
    "DJANGO_HSTS_SECONDS": "31536000",
    "DJANGO_ALLOWED_HOSTS": "esf.example.se",
    "ESF_ACCESSIBILITY_EMAIL": "tillganglighet@esf.example.se",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") or key == "DJANGO_SETTINGS_MODULE"
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**environment, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


# --- the deploy check ------------------------------------------------------------------------
def test_check_deploy_passes_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_fails_on_the_local_defaults():
    result = manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    for warning in ["security.W004", "security.W008", "security.W009", "security.W012",
                    "esfportal.W001"]:  # fmt: skip
        assert warning in result.stderr


def test_postgresql_connections_get_the_work_mem_setting_and_a_bad_one_refuses_to_start():
    url = "postgres://user@db.invalid:5432/esfportal"
    show = "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'])"
    result = manage("shell", "-c", show, DATABASE_URL=url)
    assert "'options': '-c work_mem=32MB'" in result.stdout, result.stdout + result.stderr
    result = manage("shell", "-c", show, DATABASE_URL=url, DJANGO_DB_WORK_MEM="64MB")
    assert "'options': '-c work_mem=64MB'" in result.stdout, result.stdout + result.stderr
    result = manage("check", DATABASE_URL=url, DJANGO_DB_WORK_MEM="lots")
    assert result.returncode != 0
    assert "DJANGO_DB_WORK_MEM must be like 32MB, got 'lots'" in result.stderr


def test_a_wsgi_worker_freezes_what_it_loaded_after_its_warm_up_requests():
    # In a process of its own: the freeze must not touch the test process's collector.
    script = (
        "import gc; from django.core.signals import request_finished; "
        "import esfportal.wsgi as w; "
        "[request_finished.send(sender=None) for _ in range(w.WARM_UP_REQUESTS - 1)]; "
        "print(gc.get_freeze_count()); request_finished.send(sender=None); "
        "frozen = gc.get_freeze_count(); print(frozen); "
        "request_finished.send(sender=None); print(gc.get_freeze_count() == frozen)"
    )
    result = manage("shell", "--no-imports", "-c", script)
    before, after, once = result.stdout.split()
    assert int(before) == 0, result.stderr
    assert int(after) > 50_000  # Django and the code, loaded before the first request
    assert once == "True"  # frozen once, then the receiver is gone


def test_https_without_a_secret_key_refuses_to_start():
    env = {**PRODUCTION}
    del env["DJANGO_SECRET_KEY"]
    result = manage("check", **env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_settings_serve_hashed_compressed_static_files():
    code = (
        "from django.conf import settings as s; "
        "print(s.STORAGES['staticfiles']['BACKEND'], s.STATIC_ROOT, s.SECURE_SSL_REDIRECT, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_PROXY_SSL_HEADER[0], "
        "s.DATABASES['default']['CONN_MAX_AGE'], s.DATABASES['default']['CONN_HEALTH_CHECKS'], "
        "s.PASSWORD_HASHERS[0])"
    )
    result = manage(
        "shell", "--no-imports", "-c", code, DJANGO_STATIC_ROOT="/srv/static", **PRODUCTION
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "whitenoise.storage.CompressedManifestStaticFilesStorage",
        "/srv/static",
        "True",
        "True",
        "True",
        "HTTP_X_FORWARDED_PROTO",
        "60",
        "True",
        # The tests hash with MD5 (tests/conftest.py); production keeps Django's PBKDF2.
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


# --- headers ---------------------------------------------------------------------------------
@pytest.fixture
def project(db):
    return ProjectFactory(diary_number="2020/00152")


def strict_pages(project) -> list[str]:
    return [
        "/",
        "/projects/",
        f"/projects/{project.slug}/",
        f"/organisations/{project.owner_id}/",
        "/organisations/",
        "/om-data/",
        "/en/projects/",
        "/finns-inte/",  # the 404 page
    ]


def test_public_pages_get_the_strict_content_security_policy(client, project):
    for url in strict_pages(project):
        response = client.get(url)
        assert response["Content-Security-Policy"] == (
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
        ), url


def test_only_the_dashboard_and_the_admin_allow_inline_style_attributes(client, project):
    client.force_login(UserFactory(is_superuser=True))
    for url in [
        "/dashboard/",
        "/en/dashboard/",
        reverse("admin:index"),
        reverse("admin:projects_project_change", args=[project.pk]),
    ]:
        policy = client.get(url)["Content-Security-Policy"]
        assert "style-src 'self' 'unsafe-inline';" in policy, url
        assert "script-src 'self';" in policy, url


def test_no_page_allows_inline_or_evaluated_script(client, project):
    for url in [*strict_pages(project), "/dashboard/", "/admin/login/", "/healthz"]:
        policy = client.get(url).get("Content-Security-Policy", "")
        assert "script-src 'self';" in policy or url == "/healthz", url
        assert "unsafe-eval" not in policy


def test_security_headers_on_every_page(client, project):
    response = client.get("/projects/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_hsts_and_secure_cookies_over_https(client, settings, project):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = settings.SECURE_HSTS_PRELOAD = True
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

    plain = client.get("/projects/")
    proxied = client.get("/projects/", HTTP_X_FORWARDED_PROTO="https")

    assert plain.status_code == 301 and plain["Location"].startswith("https://")
    assert proxied.status_code == 200
    assert proxied["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


TEMPLATES = ROOT / "templates"
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
EVENT_ATTRIBUTE = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)


@pytest.mark.parametrize(
    "template", sorted(TEMPLATES.rglob("*.html")), ids=lambda path: str(path.relative_to(ROOT))
)
def test_templates_have_no_inline_script(template):
    """The policy refuses inline script, so a template with one would break silently."""
    text = template.read_text(encoding="utf-8")
    for match in SCRIPT_TAG.finditer(text):
        attributes = match.group(1)
        assert "src=" in attributes or 'type="application/json"' in attributes, match.group(0)
    assert not EVENT_ATTRIBUTE.search(text), "onclick= and the like are inline script"
    assert "javascript:" not in text


def test_public_templates_have_no_style_attributes():
    offenders = [
        str(path.relative_to(ROOT))
        for path in TEMPLATES.rglob("*.html")
        if "admin" not in path.parts and re.search(r"\sstyle\s*=", path.read_text("utf-8"))
    ]
    assert offenders == [], "style-src 'self' refuses style attributes; use a class"


# --- error pages -----------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["503.html", "500.html"])
def test_error_pages_render_without_a_request_or_a_database(name):
    # No db fixture: pytest-django makes any database access here an error.
    html = loader.render_to_string(name)
    assert html.startswith("<!doctype html>")
    assert 'href="/static/css/site.css"' in html
    assert "ESF-portalen" in html


# --- logs ------------------------------------------------------------------------------------
def format_record(**kwargs) -> str:
    record = logging.makeLogRecord(
        {"name": "projects.test", "levelname": "WARNING", "levelno": 30, **kwargs}
    )
    return logfmt.LogfmtFormatter().format(record)


def test_log_records_are_single_key_value_lines():
    line = format_record(msg='Not Found: /projects/"x"/', status_code=404)
    assert re.fullmatch(
        r'time=\S+ level=WARNING logger=projects\.test msg="Not Found: /projects/\\"x\\"/" '
        r"status_code=404",
        line,
    ), line


def test_a_traceback_stays_on_the_line():
    try:
        raise ValueError("boom")
    except ValueError:
        line = format_record(msg="failed", exc_info=sys.exc_info())
    assert "\n" not in line
    assert 'exc="Traceback (most recent call last):\\n' in line
    assert "ValueError: boom" in line


def test_the_log_goes_to_stdout():
    result = manage(
        "shell", "-c", "import logging; logging.getLogger('projects').warning('hej %s', 'då')"
    )
    assert result.returncode == 0
    assert re.search(r"level=WARNING logger=projects msg=\"hej då\"", result.stdout)
    assert "hej" not in result.stderr


def test_logfmt_leaves_plain_values_unquoted():
    assert logfmt.logfmt_value("SE21") == "SE21"
    assert logfmt.logfmt_value("två ord") == '"två ord"'
    assert logfmt.logfmt_value("") == '""'
    assert logfmt.logfmt_value(None) == "None"
