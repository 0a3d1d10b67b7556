"""The admin's "Importera" page: access, upload, and the report it shows."""

import csv
import io
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from projects import admin_import, permissions
from projects.models import Decision, Project
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
SEED_2014 = ROOT / "fixtures" / "projectbank" / "001_1edcad09a78b9a57.txt"
NEWS_ITEM = ROOT / "fixtures" / "news" / "000_dc4018ebfd2e4e16.txt"
SIA_HTML = ROOT / "tests" / "data" / "projectbank" / "002_sia_table.html"
OPERATIONS = ROOT / "fixtures" / "operations" / "forteckning_over_insatser_esfplus.csv"
URL = "/admin/projects/project/import/"


def upload(path: Path, *, name: str = "", data: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name or path.name, path.read_bytes() if data is None else data)


def user_in(group: str):
    user = UserFactory()
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def caseworker_client(client):
    client.force_login(user_in(permissions.CASEWORKER))
    return client


def test_the_page_has_a_stable_url():
    assert reverse("admin:projects_project_import") == URL


def test_a_reader_gets_403_for_the_page_and_the_upload(client):
    client.force_login(user_in(permissions.READER))

    assert client.get(URL).status_code == 403
    response = client.post(URL, {"source": "projectbank", "files": [upload(SEED_2014)]})
    assert response.status_code == 403
    assert Project.objects.count() == 0


def test_an_anonymous_visitor_is_sent_to_the_login(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_a_caseworker_sees_the_form_and_the_button_on_the_change_list(caseworker_client):
    response = caseworker_client.get(URL)

    assert response.status_code == 200
    assert b'enctype="multipart/form-data"' in response.content
    assert b"multiple" in response.content
    changelist = caseworker_client.get(reverse("admin:projects_project_changelist"))
    assert f'href="{URL}"'.encode() in changelist.content


def test_the_change_list_has_no_import_button_for_a_reader(client):
    client.force_login(user_in(permissions.READER))

    changelist = client.get(reverse("admin:projects_project_changelist"))

    assert changelist.status_code == 200
    assert URL.encode() not in changelist.content


def test_uploading_seed_pages_creates_the_project_and_shows_the_report(caseworker_client):
    response = caseworker_client.post(
        URL,
        {
            "source": "projectbank",
            "files": [upload(SEED_2014), upload(NEWS_ITEM), upload(SIA_HTML)],
        },
    )

    assert response.status_code == 200
    project = Project.objects.get(diary_number="2020/00152")
    assert (project.esf_grant, project.total_budget) == (17_207_538, 36_619_373)
    assert Project.objects.filter(diary_number="22-005-S01").exists()
    (decision,) = project.decisions.all()
    assert decision.note == f"Projektbanken, {SEED_2014.name}, hämtad {timezone.localdate()}"
    counts = {key: number for key, _label, number in response.context["counts"]}
    assert counts == {"created": 2, "changed": 0, "unchanged": 0, "skipped": 1, "rejected": 0}
    content = response.content.decode()
    assert 'id="import-counts"' in content
    assert "2020/00152" in content
    assert "Inte en projektsida" in content


def test_the_history_of_an_uploaded_project_names_the_user(client):
    user = user_in(permissions.CASEWORKER)
    client.force_login(user)

    client.post(URL, {"source": "projectbank", "files": [upload(SEED_2014)]})

    project = Project.objects.get()
    assert project.history.get().history_user == user
    assert Decision.history.get().history_user == user


def test_uploading_the_same_page_again_changes_nothing(caseworker_client):
    caseworker_client.post(URL, {"source": "projectbank", "files": [upload(SEED_2014)]})

    response = caseworker_client.post(URL, {"source": "projectbank", "files": [upload(SEED_2014)]})

    counts = {key: number for key, _label, number in response.context["counts"]}
    assert (counts["created"], counts["changed"], counts["unchanged"]) == (0, 0, 1)


def test_uploading_the_list_of_operations_imports_its_rows(caseworker_client):
    response = caseworker_client.post(URL, {"source": "operations", "files": [upload(OPERATIONS)]})

    assert response.status_code == 200
    assert response.context["report"].counts()["created"] == 4
    assert Project.objects.filter(diary_number="23-901-S01").exists()


def test_a_rejected_page_is_listed_with_file_field_value_and_reason(caseworker_client):
    text = SEED_2014.read_text(encoding="utf-8").replace("36 619 373", "12 3x4")

    response = caseworker_client.post(
        URL,
        {
            "source": "projectbank",
            "files": [upload(SEED_2014, name="trasig.txt", data=text.encode())],
        },
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert 'id="import-rejections"' in content
    for cell in ("trasig.txt", "Total projektbudget", "12 3x4", "Ogiltigt belopp"):
        assert f"<td>{cell}" in content
    assert Project.objects.count() == 0


def test_an_upload_saves_nothing_by_default_when_one_file_is_rejected(caseworker_client):
    broken = SIA_HTML.read_text(encoding="utf-8").replace("2023-02-01", "2027-02-01")

    response = caseworker_client.post(
        URL,
        {
            "source": "projectbank",
            "files": [upload(SEED_2014), upload(SIA_HTML, data=broken.encode())],
        },
    )

    report = response.context["report"]
    assert report.rolled_back is True
    counts = {key: number for key, _label, number in response.context["counts"]}
    assert (counts["created"], counts["rejected"]) == (0, 1)
    content = response.content.decode()
    assert (
        '<p id="import-summary">0 skapade, 0 ändrade, 0 oförändrade, 0 överhoppade, 1 avvisade'
        " – Inget sparades: 1 sida avvisades.</p>"
    ) in content
    assert 'id="import-not-saved">Inget sparades: 1 sida avvisades.</li>' in content
    assert 'id="import-records"' not in content  # nothing is listed as created
    assert "Slutdatum" in content and "<td>002_sia_table.html</td>" in content
    assert Project.objects.count() == 0


def test_rejected_csv_rows_are_named_rows_and_every_one_is_listed(caseworker_client):
    rows = list(csv.reader(io.StringIO(OPERATIONS.read_text(encoding="utf-8-sig")), delimiter=";"))
    end = next(i for i, header in enumerate(rows[0]) if header.startswith("Slutdatum"))
    for row in rows[1:]:
        row[end] = "2000-01-01"
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(rows)
    broken = out.getvalue()

    response = caseworker_client.post(
        URL, {"source": "operations", "files": [upload(OPERATIONS, data=broken.encode())]}
    )

    report = response.context["report"]
    rejected = report.rejected
    assert rejected >= 2 and report.rolled_back
    content = response.content.decode()
    assert f"Inget sparades: {rejected} rader avvisades." in content
    assert content.count("ligger före startdatum") == len(report.rejections)
    assert Project.objects.count() == 0


def test_the_partial_box_is_off_by_default_and_saves_the_good_files_when_ticked(
    caseworker_client,
):
    form = caseworker_client.get(URL).content.decode()
    assert "Spara de godkända raderna även om andra avvisas" in form
    assert (
        '<input type="checkbox" name="partial" aria-describedby="id_partial_helptext" '
        'id="id_partial">'
    ) in form  # not checked
    broken = SIA_HTML.read_text(encoding="utf-8").replace("2023-02-01", "2027-02-01")

    response = caseworker_client.post(
        URL,
        {
            "source": "projectbank",
            "partial": "on",
            "files": [upload(SEED_2014), upload(SIA_HTML, data=broken.encode())],
        },
    )

    assert response.context["report"].rolled_back is False
    assert list(Project.objects.values_list("diary_number", flat=True)) == ["2020/00152"]
    assert "Inget sparades" not in response.content.decode()


def test_the_old_strict_field_is_ignored_and_the_upload_is_all_or_nothing(caseworker_client):
    broken = SIA_HTML.read_text(encoding="utf-8").replace("2023-02-01", "2027-02-01")

    caseworker_client.post(
        URL,
        {
            "source": "projectbank",
            "strict": "",
            "files": [upload(SEED_2014), upload(SIA_HTML, data=broken.encode())],
        },
    )

    assert Project.objects.count() == 0


def test_too_large_an_upload_is_refused_with_a_message(caseworker_client, monkeypatch):
    monkeypatch.setattr(admin_import, "MAX_UPLOAD_BYTES", 1000)

    response = caseworker_client.post(URL, {"source": "projectbank", "files": [upload(SEED_2014)]})

    assert response.status_code == 200
    assert response.context["report"] is None
    (message,) = response.context["form"].errors["files"]
    assert message.startswith("Filerna är 2,1\xa0kB tillsammans; högst 1000\xa0byte")
    assert message in response.content.decode()
    assert Project.objects.count() == 0


def test_a_post_without_files_shows_the_form_error(caseworker_client):
    response = caseworker_client.post(URL, {"source": "projectbank"})

    assert response.status_code == 200
    assert response.context["form"].errors["files"]


def test_a_conflict_with_a_hand_entered_decision_is_shown_and_the_box_lets_the_source_win(
    caseworker_client,
):
    import datetime

    from projects import services

    caseworker_client.post(URL, {"source": "projectbank", "files": [upload(SEED_2014)]})
    project = Project.objects.get()
    services.apply_decision(
        decision=Decision(
            project=project, kind="extension", decided_on=datetime.date(2022, 11, 1),
            total_budget_change=2_000_000, new_end_date=datetime.date(2023, 6, 30),
        )
    )  # fmt: skip
    changed = SEED_2014.read_bytes().replace(b"36 619 373", b"37 000 000")

    response = caseworker_client.post(
        URL, {"source": "projectbank", "files": [upload(SEED_2014, data=changed)]}
    )

    page = response.content.decode()
    assert 'id="import-conflicts"' in page
    assert "registret har" in page and "1 konflikt" in page
    project.refresh_from_db()
    assert project.total_budget == 38_619_373  # left unchanged

    response = caseworker_client.post(
        URL,
        {
            "source": "projectbank",
            "files": [upload(SEED_2014, data=changed)],
            "prefer_source": "on",
        },
    )

    assert 'id="import-superseded"' in response.content.decode()
    project.refresh_from_db()
    assert project.total_budget == 37_000_000
