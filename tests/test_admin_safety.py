"""The admin's doors: login lockout, CSRF on every form, a configurable path, read-only staff."""

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from projects import permissions
from projects.models import Decision, Project
from tests.factories import PASSWORD, DecisionFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
LOGIN = "/admin/login/"
IMPORT = "/admin/projects/project/import/"


def user_in(group: str, **kwargs):
    user = UserFactory(**kwargs)
    user.groups.add(Group.objects.get(name=group))
    return user


def log_in(client: Client, username: str, password: str, *, address: str = "198.51.100.7"):
    return client.post(
        LOGIN,
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
    )


# --- login lockout (django-axes) -------------------------------------------------------------
def test_five_wrong_passwords_lock_the_username_from_that_address_for_15_minutes(client):
    user = user_in(permissions.CASEWORKER)
    for _attempt in range(4):
        response = log_in(client, user.username, "fel")
        assert response.status_code == 200  # the login form again, with its error

    response = log_in(client, user.username, "fel")

    assert response.status_code == 429
    assert response["Retry-After"] == str(15 * 60)
    text = response.content.decode()
    assert "För många inloggningsförsök" in text
    assert "15 minuter" in text and "5 misslyckade" in text
    # Locked: even the right password is refused now.
    assert log_in(client, user.username, PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session


def test_one_address_trying_many_usernames_is_locked_after_20_failures(client):
    users = [user_in(permissions.CASEWORKER) for _ in range(21)]
    for user in users[:19]:
        assert log_in(Client(), user.username, "fel").status_code == 200

    assert log_in(Client(), users[19].username, "fel").status_code == 429
    # The address is locked, for every username, the right password included.
    assert log_in(Client(), users[20].username, PASSWORD).status_code == 429
    # Another address is not.
    assert log_in(Client(), users[20].username, PASSWORD, address="203.0.113.9").status_code == 302


def test_one_username_tried_from_many_addresses_is_locked_after_10_failures(client):
    user = user_in(permissions.CASEWORKER)
    for number in range(9):
        assert (
            log_in(Client(), user.username, "fel", address=f"198.51.100.{number}").status_code
            == 200
        )

    assert log_in(Client(), user.username, "fel", address="198.51.100.9").status_code == 429
    assert log_in(Client(), user.username, PASSWORD, address="203.0.113.9").status_code == 429
    other = user_in(permissions.CASEWORKER)
    assert log_in(Client(), other.username, PASSWORD, address="203.0.113.9").status_code == 302


def test_a_client_reaching_gunicorn_directly_cannot_choose_its_address(client, settings):
    """X-Forwarded-For counts only from a trusted proxy, not from a peer on the internet."""
    settings.TRUSTED_PROXY_COUNT = 1
    user = user_in(permissions.CASEWORKER)
    for number in range(5):
        client.post(
            LOGIN,
            {"username": user.username, "password": "fel"},
            REMOTE_ADDR="198.51.100.7",  # the attacker itself, not a proxy
            HTTP_X_FORWARDED_FOR=f"203.0.113.{number}",  # a new made-up address each time
        )

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.7"}
    assert log_in(Client(), user.username, PASSWORD).status_code == 429


def test_logging_in_to_ones_own_account_does_not_reset_an_addresss_other_failures(client):
    insider, target = user_in(permissions.CASEWORKER), user_in(permissions.CASEWORKER)
    for _attempt in range(4):
        log_in(Client(), target.username, "fel")
    assert log_in(Client(), insider.username, PASSWORD).status_code == 302

    assert log_in(Client(), target.username, "fel").status_code == 429  # the fifth


def test_the_lockout_is_per_username_and_address(client):
    user = user_in(permissions.CASEWORKER)
    other = user_in(permissions.CASEWORKER)
    for _attempt in range(5):
        log_in(client, user.username, "fel")

    assert log_in(Client(), other.username, PASSWORD).status_code == 302
    assert log_in(Client(), user.username, PASSWORD, address="203.0.113.9").status_code == 302


def test_the_lockout_ends_after_the_cool_off(client):
    user = user_in(permissions.CASEWORKER)
    for _attempt in range(5):
        log_in(client, user.username, "fel")
    AccessAttempt.objects.update(
        attempt_time=datetime.datetime.now(tz=datetime.UTC) - datetime.timedelta(minutes=16)
    )

    response = log_in(client, user.username, PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_a_successful_login_resets_the_count(client):
    user = user_in(permissions.CASEWORKER)
    for _attempt in range(4):
        log_in(client, user.username, "fel")
    assert log_in(client, user.username, PASSWORD).status_code == 302
    client.logout()

    for _attempt in range(4):
        assert log_in(client, user.username, "fel").status_code == 200
    assert log_in(client, user.username, PASSWORD).status_code == 302


def test_the_lockout_page_is_english_under_en(client):
    user = user_in(permissions.CASEWORKER)
    for _attempt in range(5):
        response = client.post(
            "/en" + LOGIN,
            {"username": user.username, "password": "fel"},
            REMOTE_ADDR="198.51.100.7",
        )
    assert response.status_code == 429
    assert response.content.decode().startswith("<!doctype html>")
    assert '<html lang="en">' in response.content.decode()


def test_behind_a_proxy_the_forwarded_address_counts(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    user = user_in(permissions.CASEWORKER)
    for _attempt in range(5):
        client.post(
            LOGIN,
            {"username": user.username, "password": "fel"},
            REMOTE_ADDR="10.0.0.2",  # the proxy
            HTTP_X_FORWARDED_FOR="198.51.100.7",
        )
    # Another client behind the same proxy is not locked out with the attacker.
    response = Client().post(
        LOGIN,
        {"username": user.username, "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )
    assert response.status_code == 302
    assert AccessAttempt.objects.get().ip_address == "198.51.100.7"


# --- CSRF ------------------------------------------------------------------------------------
def test_login_without_a_csrf_token_is_refused():
    user = user_in(permissions.CASEWORKER)
    client = Client(enforce_csrf_checks=True)

    response = client.post(LOGIN, {"username": user.username, "password": PASSWORD})

    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_import_upload_without_a_csrf_token_is_refused():
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = Client(enforce_csrf_checks=True)
    client.force_login(user_in(permissions.CASEWORKER))
    seed = ROOT / "fixtures" / "projectbank" / "001_1edcad09a78b9a57.txt"
    upload = SimpleUploadedFile(seed.name, seed.read_bytes())

    response = client.post(IMPORT, {"source": "projectbank", "files": [upload]})

    assert response.status_code == 403
    assert not Project.objects.exists()


def test_admin_forms_without_a_csrf_token_are_refused():
    project = ProjectFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(user_in(permissions.CASEWORKER))
    data = {"project": project.pk, "kind": "change", "decided_on": "2021-01-01"}

    assert client.post(reverse("admin:projects_decision_add"), data).status_code == 403
    assert list(project.decisions.values_list("kind", flat=True)) == ["grant"]


def test_every_admin_form_carries_a_csrf_token():
    client = Client()
    client.force_login(user_in(permissions.CASEWORKER))
    project = ProjectFactory()
    for url in [
        LOGIN,
        IMPORT,
        reverse("admin:projects_project_add"),
        reverse("admin:projects_project_change", args=[project.pk]),
        reverse("admin:projects_decision_add"),
    ]:
        response = client.get(url) if url != LOGIN else Client().get(url)
        assert response.status_code == 200, url
        assert b'name="csrfmiddlewaretoken"' in response.content, url


# --- the import page stays staff-only --------------------------------------------------------
def test_the_import_page_refuses_anonymous_non_staff_and_readers(client):
    assert client.get(IMPORT).status_code == 302

    client.force_login(UserFactory(is_staff=False))
    assert client.get(IMPORT)["Location"].startswith(LOGIN)

    client.force_login(UserFactory(is_staff=True))  # staff, but in no group
    assert client.get(IMPORT).status_code == 403

    client.force_login(user_in(permissions.READER))
    assert client.get(IMPORT).status_code == 403


# --- readers look, never write ---------------------------------------------------------------
@pytest.fixture
def reader_client(client):
    client.force_login(user_in(permissions.READER))
    return client


def test_a_reader_sees_decisions_but_cannot_add_change_or_delete_them(reader_client):
    decision = DecisionFactory(note="före")
    change = reverse("admin:projects_decision_change", args=[decision.pk])

    assert reader_client.get(reverse("admin:projects_decision_changelist")).status_code == 200
    assert reader_client.get(change).status_code == 200
    assert reader_client.get(reverse("admin:projects_decision_add")).status_code == 403
    data = {
        "project": decision.project.pk,
        "kind": "change",
        "decided_on": "2021-01-01",
        "esf_grant_change": "-1",
        "note": "efter",
    }
    assert reader_client.post(reverse("admin:projects_decision_add"), data).status_code == 403
    assert reader_client.post(change, data).status_code == 403
    delete = reverse("admin:projects_decision_delete", args=[decision.pk])
    assert reader_client.post(delete, {"post": "yes"}).status_code == 403
    bulk_delete = {"action": "delete_selected", "_selected_action": [decision.pk], "post": "yes"}
    reader_client.post(reverse("admin:projects_decision_changelist"), bulk_delete)

    decision.refresh_from_db()
    assert decision.note == "före"
    assert Decision.objects.count() == 2  # the project's grant and this one


def test_a_reader_cannot_add_decisions_through_the_project_page(reader_client):
    project = ProjectFactory()
    url = reverse("admin:projects_project_change", args=[project.pk])
    assert b'name="_save"' not in reader_client.get(url).content

    response = reader_client.post(
        url,
        {
            "decisions-TOTAL_FORMS": "1",
            "decisions-INITIAL_FORMS": "0",
            "decisions-0-kind": "change",
            "decisions-0-decided_on": "2021-01-01",
            "decisions-0-esf_grant_change": "-1",
        },
    )

    assert response.status_code == 403
    assert list(project.decisions.values_list("kind", flat=True)) == ["grant"]


def test_a_reader_cannot_delete_a_project(reader_client):
    project = ProjectFactory()
    url = reverse("admin:projects_project_delete", args=[project.pk])
    assert reader_client.post(url, {"post": "yes"}).status_code == 403
    assert Project.objects.filter(pk=project.pk).exists()


def test_a_reader_cannot_upload_an_import(reader_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    seed = ROOT / "fixtures" / "projectbank" / "001_1edcad09a78b9a57.txt"
    response = reader_client.post(
        IMPORT,
        {"source": "projectbank", "files": [SimpleUploadedFile(seed.name, seed.read_bytes())]},
    )
    assert response.status_code == 403
    assert not Project.objects.exists()


def test_decision_history_shows_who_entered_it(client):
    user = user_in(permissions.CASEWORKER)
    client.force_login(user)
    project = ProjectFactory()
    response = client.post(
        reverse("admin:projects_decision_add"),
        {
            "project": project.pk,
            "kind": "change",
            "decided_on": "2021-01-01",
            "esf_grant_change": "0",
            "decided_by": "Svenska ESF-rådet",
        },
    )
    assert response.status_code == 302
    decision = project.decisions.get(kind="change")

    history = client.get(reverse("admin:projects_decision_history", args=[decision.pk]))

    assert history.status_code == 200
    assert user.username in history.content.decode()


# --- admin path ------------------------------------------------------------------------------
def run_django(code: str, **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "esfportal.settings", **env}
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_admin_moves_to_the_configured_path():
    code = (
        "from django.urls import reverse, resolve, Resolver404\n"
        "print(reverse('admin:index'), reverse('admin:projects_project_import'))\n"
        "try:\n    resolve('/admin/')\nexcept Resolver404:\n    print('gone')"
    )
    result = run_django(code, DJANGO_ADMIN_PATH="forvaltning-7f3a/")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "/forvaltning-7f3a/",
        "/forvaltning-7f3a/projects/project/import/",
        "gone",
    ]


@pytest.mark.parametrize("value", ["/admin/", "admin", "/"])
def test_a_malformed_admin_path_is_a_configuration_error(value):
    result = run_django("print('started')", DJANGO_ADMIN_PATH=value)
    assert result.returncode != 0
    assert "DJANGO_ADMIN_PATH must look like 'admin/'" in result.stderr
