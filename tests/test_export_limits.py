"""Bounds on the exports: the XLSX row cap, export slots (503 with Retry-After), kept files."""

import csv
import datetime
import io
import json
import os
import threading
import zlib

import openpyxl
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import request_finished
from django.db import close_old_connections
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from esfportal.settings import env_positive
from projects import services
from projects.exports import limits, views
from projects.models import Decision, Project
from tests.factories import DecisionFactory, ProjectFactory

pytestmark = pytest.mark.django_db
FORMATS = ["csv", "json", "xlsx"]
URLS = {fmt: reverse(f"projects:export_{fmt}") for fmt in FORMATS}


def body(response) -> bytes:
    """The whole body; reading it to the end closes the response, as a server would."""
    return b"".join(response.streaming_content)


def close(response) -> None:
    """Close a response as a server does, without the request_finished handler that would close
    the test's database connection mid-transaction (Django's test client does the same)."""
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def configured_slots(monkeypatch, settings) -> threading.BoundedSemaphore:
    """The slots as a process starts with them (conftest gives other tests plenty)."""
    slots = threading.BoundedSemaphore(settings.ESF_EXPORT_CONCURRENCY)
    monkeypatch.setattr(limits, "EXPORT_SLOTS", slots)
    return slots


def one_slot(monkeypatch) -> threading.BoundedSemaphore:
    slots = threading.BoundedSemaphore(1)
    monkeypatch.setattr(limits, "EXPORT_SLOTS", slots)
    return slots


def take_every_slot() -> int:
    taken = 0
    while limits.EXPORT_SLOTS.acquire(blocking=False):
        taken += 1
    return taken


def give_back(taken: int) -> None:
    for _ in range(taken):
        limits.EXPORT_SLOTS.release()


def free_slots() -> int:
    taken = take_every_slot()
    give_back(taken)
    return taken


@pytest.fixture
def projects():
    return ProjectFactory.create_batch(4)  # all in SE21


# --- XLSX row cap --------------------------------------------------------------------------------
def test_settings_default_and_refuse_nonsense(monkeypatch, settings):
    assert settings.ESF_XLSX_MAX_ROWS == 20_000
    assert settings.ESF_EXPORT_CONCURRENCY == 2
    assert settings.ESF_EXPORT_CACHE_MAX_BYTES == 50 * 1024 * 1024
    assert settings.CACHES["exports"]["OPTIONS"]["MAX_ENTRIES"] == settings.ESF_EXPORT_CACHE_ENTRIES
    monkeypatch.delenv("ESF_TEST_LIMIT", raising=False)
    assert env_positive("ESF_TEST_LIMIT", 7) == 7
    monkeypatch.setenv("ESF_TEST_LIMIT", "3")
    assert env_positive("ESF_TEST_LIMIT", 7) == 3
    for nonsense in ("0", "-1", "many"):
        monkeypatch.setenv("ESF_TEST_LIMIT", nonsense)
        with pytest.raises(ImproperlyConfigured, match="ESF_TEST_LIMIT"):
            env_positive("ESF_TEST_LIMIT", 7)
    monkeypatch.setenv("ESF_TEST_LIMIT", "0")
    assert env_positive("ESF_TEST_LIMIT", 7, minimum=0) == 0


def test_above_the_cap_xlsx_is_refused_with_links_to_the_csv_of_the_filter(
    client, projects, settings
):
    settings.ESF_XLSX_MAX_ROWS = 3
    response = client.get(f"{URLS['xlsx']}?region=SE21&sort=name")
    assert response.status_code == 400
    assert not response.streaming
    html = response.content.decode()
    assert "För många rader för Excel" in html
    assert "Urvalet har 4 projekt, men Excel-exporten tar högst 3." in html
    assert "filtrera mer" in html
    csv_link = f"{URLS['csv']}?region=SE21&amp;sort=name"
    assert f'href="{csv_link}"' in html
    assert f'href="{URLS["csv"]}?sep=semicolon&amp;region=SE21&amp;sort=name"' in html
    csv = client.get(csv_link.replace("&amp;", "&"))
    assert csv.status_code == 200
    assert body(csv).count(b"\n") == 1 + 4  # the link gives the same four projects


def test_the_refusal_is_english_under_en(client, projects, settings):
    settings.ESF_XLSX_MAX_ROWS = 2
    response = client.get("/en/projects/export.xlsx?region=SE21")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Too many rows for Excel" in html
    assert "at most 2" in html
    assert 'href="/en/projects/export.csv?region=SE21"' in html


def test_at_the_cap_the_workbook_is_sent_in_pieces_with_its_length(
    client, projects, settings, monkeypatch
):
    settings.ESF_XLSX_MAX_ROWS = 4
    monkeypatch.setattr(views, "COPY_PIECE", 1000)
    response = client.get(URLS["xlsx"])
    assert response.status_code == 200
    pieces = list(response.streaming_content)
    assert len(pieces) > 2 and max(map(len, pieces)) <= 1000
    data = b"".join(pieces)
    assert int(response["Content-Length"]) == len(data)
    assert openpyxl.load_workbook(io.BytesIO(data))["Projekt"].max_row == 1 + 4


def test_the_workbook_is_spooled_in_memory_and_closed(client, projects, monkeypatch):
    files = []
    spooled = views.tempfile.SpooledTemporaryFile

    def spy(*args, **kwargs):
        files.append(spooled(*args, **kwargs))
        return files[-1]

    monkeypatch.setattr(views.tempfile, "SpooledTemporaryFile", spy)
    body(client.get(URLS["xlsx"]))
    assert len(files) == 1 and files[0].closed
    assert files[0]._max_size == views.XLSX_SPOOL_BYTES


def test_the_refusal_gives_its_slot_back(client, projects, settings, monkeypatch):
    settings.ESF_XLSX_MAX_ROWS = 1
    slots = one_slot(monkeypatch)
    assert client.get(URLS["xlsx"]).status_code == 400
    assert slots.acquire(blocking=False)
    slots.release()


# --- export slots --------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", FORMATS)
def test_when_every_slot_is_taken_the_export_is_503_with_retry_after(client, projects, fmt):
    taken = take_every_slot()
    assert taken == 2  # ESF_EXPORT_CONCURRENCY
    response = client.get(URLS[fmt])
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "Många exporter pågår just nu" in html
    assert "Försök igen om 30 sekunder" in html
    give_back(taken)
    response = client.get(URLS[fmt])
    assert response.status_code == 200
    assert body(response)
    assert free_slots() == 2


def test_the_busy_page_is_english_under_en(client, projects):
    taken = take_every_slot()
    response = client.get("/en/projects/export.json")
    give_back(taken)
    assert response.status_code == 503
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Many exports are running right now" in html
    assert "Try again in 30 seconds" in html


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_slot_is_held_while_the_export_is_sent_and_freed_after_its_last_byte(
    client, projects, monkeypatch, fmt
):
    slots = one_slot(monkeypatch)
    first = client.get(f"{URLS[fmt]}?sort=name")
    assert first.status_code == 200
    other = f"{URLS[fmt]}?sort=-name"  # another file, so not one kept from the first
    assert client.get(other).status_code == 503
    assert body(first)
    assert slots.acquire(blocking=False)  # free again
    slots.release()
    response = client.get(other)
    assert response.status_code == 200
    body(response)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("pieces_read", [0, 1])
def test_a_slot_is_freed_when_the_response_is_closed_before_its_end(
    client, projects, monkeypatch, fmt, pieces_read
):
    slots = one_slot(monkeypatch)
    monkeypatch.setattr(views, "COPY_PIECE", 100)  # XLSX in several pieces
    response = client.get(URLS[fmt])
    content = iter(response.streaming_content)
    for _ in range(pieces_read):
        next(content)
    assert not slots.acquire(blocking=False)
    close(response)
    assert slots.acquire(blocking=False)
    slots.release()
    close(response)  # a second close (the server's, after the client's) frees nothing twice
    assert free_slots() == 1


def test_a_dropped_response_frees_its_slot_when_collected(client, projects, monkeypatch):
    slots = one_slot(monkeypatch)
    stream = limits.ExportStream(slots.release, key="k", max_bytes=0)
    assert slots.acquire(blocking=False)
    stream.wrap(iter([b"x"]))
    del stream
    assert slots.acquire(blocking=False)
    slots.release()


def test_a_slot_is_freed_when_the_export_fails_midway(client, projects, monkeypatch):
    slots = one_slot(monkeypatch)

    def failing(export):
        yield b"header\n"
        raise RuntimeError("the database went away")

    working = views.csv_chunks
    monkeypatch.setattr(views, "csv_chunks", failing)
    response = client.get(URLS["csv"])
    with pytest.raises(RuntimeError):
        body(response)
    assert slots.acquire(blocking=False)  # free again, and held here
    monkeypatch.setattr(views, "csv_chunks", working)
    assert client.get(URLS["csv"]).status_code == 503  # so the broken file was not kept
    slots.release()


def test_a_slot_is_freed_when_the_view_fails(client, projects, monkeypatch):
    slots = one_slot(monkeypatch)

    def failing(export, file, *, count):
        raise RuntimeError("out of disk")

    monkeypatch.setattr(views, "write_xlsx", failing)
    with pytest.raises(RuntimeError):
        client.get(URLS["xlsx"])
    assert slots.acquire(blocking=False)
    slots.release()


def test_exports_not_yet_sent_hold_their_slots(projects, monkeypatch):
    """Responses being sent (by other threads of the process) keep their slots until closed."""
    slots = threading.BoundedSemaphore(2)
    monkeypatch.setattr(limits, "EXPORT_SLOTS", slots)
    factory = RequestFactory()
    responses = []
    for n in range(4):
        request = factory.get(URLS["csv"], {"q": f"unused-{n}"})
        with translation.override("sv"):
            responses.append(views.export_csv(request))
    assert [r.status_code for r in responses] == [200, 200, 503, 503]
    for response in responses:
        close(response)
    assert free_slots() == 2


# --- kept files ----------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_finished_export_is_kept_and_served_without_a_slot_or_a_query(
    client, projects, django_assert_num_queries, fmt
):
    DecisionFactory(project=projects[0])
    first = client.get(f"{URLS[fmt]}?region=SE21&sort=name")
    data = body(first)
    taken = take_every_slot()
    with django_assert_num_queries(0):
        again = client.get(f"{URLS[fmt]}?sort=name&region=SE21")  # same filter, other order
        assert again.status_code == 200
        assert body(again) == data
    give_back(taken)
    for header in ("Content-Type", "Content-Disposition"):
        assert again[header] == first[header]
    assert int(again["Content-Length"]) == len(data)


def test_a_kept_export_keeps_its_ignored_parameters_header(client, projects):
    first = client.get(f"{URLS['csv']}?region=SE99&sep=tab")
    data = body(first)
    taken = take_every_slot()
    again = client.get(f"{URLS['csv']}?region=SE99&sep=tab")
    give_back(taken)
    assert body(again) == data
    assert again["X-ESF-Ignored-Parameters"] == first["X-ESF-Ignored-Parameters"] != ""


def rename_through_a_decision(project: Project) -> None:
    services.apply_decision(
        decision=Decision(
            project=project,
            kind=Decision.Kind.CHANGE,
            decided_on=datetime.date(2021, 5, 1),
            esf_grant_change=-1000,
        )
    )


def rename_in_bulk(project: Project) -> None:
    project = Project.objects.select_for_update().get(pk=project.pk)
    project.name = "Efter ändringen"
    services.update_projects(updates=[services.ProjectUpdate(project=project, fields=["name"])])


@pytest.mark.parametrize("change", [rename_through_a_decision, rename_in_bulk])
@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_a_registry_change_makes_the_kept_export_unreachable(client, fmt, change):
    project = ProjectFactory(name="Före ändringen", esf_grant=None, total_budget=None)
    DecisionFactory(project=project, esf_grant_change=5000, total_budget_change=10_000)
    services.recompute_project(project_id=project.pk)
    before = body(client.get(URLS[fmt]))
    assert body(client.get(URLS[fmt])) == before  # kept
    change(project)
    after = body(client.get(URLS[fmt]))
    assert after != before
    assert exported(before, fmt) == ("Före ändringen", 5000)
    if change is rename_in_bulk:
        assert exported(after, fmt) == ("Efter ändringen", 5000)
    else:
        assert exported(after, fmt) == ("Före ändringen", 4000)


def exported(data: bytes, fmt: str) -> tuple[str, int]:
    """Name and ESF grant of the only project in a CSV or JSON export."""
    if fmt == "json":
        (project,) = json.loads(data)["projects"]
        return project["name"], project["esf_grant"]
    header, row = csv.reader(io.StringIO(data.decode("utf-8-sig")))
    return row[header.index("Projektnamn")], int(row[header.index("Beviljat ESF-stöd (kr)")])


def test_language_host_and_filter_each_give_their_own_file(client, projects):
    swedish = body(client.get(URLS["csv"]))
    english = body(client.get("/en/projects/export.csv"))
    other_host = body(client.get(URLS["csv"], HTTP_HOST="localhost"))
    filtered = body(client.get(f"{URLS['csv']}?region=SE33"))
    assert swedish.startswith("\ufeffDiarienummer".encode())
    assert english.startswith("\ufeffDiary number".encode())
    assert b"http://localhost/projects/" in other_host and b"testserver" not in other_host
    assert filtered.count(b"\n") == 1


def test_the_key_changes_with_the_day_and_the_order_of_repeated_values(monkeypatch):
    factory = RequestFactory()
    key = limits.cache_key
    both = factory.get(URLS["csv"], {"region": ["SE21", "SE33"]})
    swapped = factory.get(URLS["csv"], {"region": ["SE33", "SE21"]})
    assert key(both, "csv") != key(swapped, "csv")  # the file name follows the order
    assert key(both, "csv") != key(both, "json")
    today = key(both, "csv")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr(limits.timezone, "localdate", lambda: tomorrow)
    assert key(both, "csv") != today  # statuses and the file name depend on the day


def test_an_export_larger_than_the_bound_is_not_kept(client, projects, settings):
    settings.ESF_EXPORT_CACHE_MAX_BYTES = 200  # compressed; the file is larger
    body(client.get(URLS["json"]))
    taken = take_every_slot()
    assert client.get(URLS["json"]).status_code == 503
    give_back(taken)


def test_an_export_closed_before_its_end_is_not_kept(client, projects):
    response = client.get(URLS["csv"])
    next(iter(response.streaming_content))  # the header only
    close(response)
    taken = take_every_slot()
    assert client.get(URLS["csv"]).status_code == 503
    give_back(taken)


def test_the_cache_bound_zero_keeps_nothing(client, projects, settings):
    settings.ESF_EXPORT_CACHE_MAX_BYTES = 0
    body(client.get(URLS["csv"]))
    taken = take_every_slot()
    assert client.get(URLS["csv"]).status_code == 503
    give_back(taken)


def test_a_kept_file_is_decompressed_in_bounded_pieces(monkeypatch):
    monkeypatch.setattr(limits, "PIECE", 4096)
    data = os.urandom(50_000) + b"a" * 200_000  # incompressible, then very compressible
    compressor = zlib.compressobj(1, wbits=31)
    blob = compressor.compress(data) + compressor.flush()
    pieces = list(limits.decompressed(blob))
    assert b"".join(pieces) == data
    assert max(map(len, pieces)) <= 4096
