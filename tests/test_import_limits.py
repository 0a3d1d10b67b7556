"""Bounded imports: size and nesting caps on pages, a streamed CSV, uploads refused unread."""

import csv
import io
import time
import tracemalloc
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from projects import admin_import, permissions
from projects.importers import operations_csv, projectbank, save, text
from projects.models import Project
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
SEED_HTML = ROOT / "tests" / "data" / "projectbank" / "001_fortsatt_sla_dl.html"
OPERATIONS = ROOT / "fixtures" / "operations" / "forteckning_over_insatser_esfplus.csv"
URL = "/admin/projects/project/import/"


def nested(size: int) -> bytes:
    """`size` bytes of <b><i> that never close: each pair nests two levels deeper."""
    head = b"<html><body><p>"
    return head + b"<b><i>" * ((size - len(head)) // 6)


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start


# --- Pages --------------------------------------------------------------------------------------


def test_a_6_mb_nested_page_is_refused_at_once_by_its_size(tmp_path):
    path = tmp_path / "nested.html"
    path.write_bytes(nested(6 * 1024 * 1024))

    (result,), seconds = timed(projectbank.parse_path, path)

    assert seconds < 1
    assert result.skipped == projectbank.too_large_reason(path.stat().st_size)
    assert result.skipped.startswith("Filen är 6,0 MB; större filer än 5,0 MB läses inte")


def test_nesting_below_the_size_cap_is_refused_quickly_by_its_depth():
    data = nested(4 * 1024 * 1024)

    result, seconds = timed(projectbank.parse_bytes, data, source="nested.html")

    assert seconds < 1
    assert result.skipped == text.SKIP_TOO_DEEP.format(limit=text.MAX_HTML_DEPTH)


def test_a_real_page_wrapped_in_deep_but_allowed_nesting_still_imports():
    html = SEED_HTML.read_text(encoding="utf-8")
    deep = html.replace("<body>", "<body>" + "<div>" * 400, 1).replace(
        "</body>", "</div>" * 400 + "</body>", 1
    )

    result = projectbank.parse_bytes(deep.encode(), source=SEED_HTML.name)

    assert result.skipped is None
    assert result.page == projectbank.parse_bytes(html.encode(), source=SEED_HTML.name).page


@pytest.mark.parametrize(
    ("unit", "reason"),
    [
        ("<div><span>x</span></div>", text.SKIP_TOO_MANY_TAGS.format(limit="100\u00a0000")),
        ("</x>", text.SKIP_TOO_MANY_TAGS.format(limit="100\u00a0000")),
        ("<!--x", text.SKIP_BROKEN_HTML),
        ("<![CDATA[x>", text.SKIP_BROKEN_HTML),
    ],
    ids=["many-tags", "stray-end-tags", "unclosed-comments", "cdata"],
)
def test_pages_that_would_take_long_to_parse_are_refused_fast(unit, reason):
    data = ("<html><body>" + unit * (3 * 1024 * 1024 // len(unit))).encode()

    result, seconds = timed(projectbank.parse_bytes, data, source="stor.html")

    assert seconds < 2
    assert result.skipped == reason


def test_a_refused_page_fails_the_run_and_is_reported(tmp_path):
    (tmp_path / "nested.html").write_bytes(nested(1024 * 1024))

    report = save.import_pages(projectbank.parse_path(tmp_path))

    (skipped,) = report.skipped
    assert skipped.error is True and "nästlad djupare" in skipped.reason
    assert report.failed


def operations_rows() -> list[list[str]]:
    text = OPERATIONS.read_text(encoding="utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def csv_text(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def test_deep_html_in_a_csv_summary_rejects_the_row():
    header, first, *_ = operations_rows()
    summary = next(i for i, name in enumerate(header) if name.startswith("Sammanfattning"))
    first[summary] = "<div>" + "<b><i>" * 2000 + "text"
    data = csv_text([header, first]).encode()

    parsed, seconds = timed(operations_csv.parse_bytes, data, source="lista.csv")

    assert seconds < 1
    (row,) = parsed.rejected
    assert "nästlad djupare" in row.rejections[0].reason


# --- The CSV is streamed ------------------------------------------------------------------------


def test_a_large_csv_is_read_row_by_row_not_all_at_once(tmp_path):
    """20 MB of a column the registry does not store: the parse must not hold the file."""
    header, *rows = operations_rows()
    filler = "å" * 10_000  # 20 kB in the file
    table = [[*header, "Sammanfattning engelsk / Summary in English"]]
    for number in range(1, 1001):
        cells = list(rows[2])
        cells[0] = f"23-{number:03}-S01" if number < 1000 else "23-999-S02"
        table.append([*cells, filler])
    path = tmp_path / "stor.csv"
    path.write_text(csv_text(table), encoding="utf-8")
    size = path.stat().st_size
    assert size > 20_000_000

    tracemalloc.start()
    try:
        (parsed,) = operations_csv.parse_path(path)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert len(parsed.records) == 1000 and not parsed.rejected
    assert peak < size / 4, f"peak {peak / 1e6:.1f} MB for a {size / 1e6:.1f} MB file"


# --- Uploads --------------------------------------------------------------------------------------


@pytest.fixture
def caseworker():
    user = UserFactory()
    user.groups.add(Group.objects.get(name=permissions.CASEWORKER))
    return user


def test_an_upload_is_refused_from_its_content_length_before_it_is_read(client, caseworker):
    client.force_login(caseworker)
    body = b"--x\r\n"  # reading more than this from the fake body would raise

    response = client.generic(
        "POST",
        URL,
        body,
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(300 * 1024 * 1024),
    )

    assert response.status_code == 413
    content = response.content.decode()
    assert "Uppladdningen är 300,0\xa0MB; högst 20,0\xa0MB kan importeras åt gången." in content
    assert Project.objects.count() == 0


def test_a_body_over_the_limit_is_refused_for_anyone_without_reading_it(client):
    response = client.generic(
        "POST", URL, b"", content_type="text/plain", CONTENT_LENGTH=str(10**9)
    )

    assert response.status_code == 413


def test_an_upload_just_over_the_limit_is_refused_by_length(client, caseworker, monkeypatch):
    monkeypatch.setattr(admin_import, "MAX_UPLOAD_BYTES", 10_000)
    monkeypatch.setattr(admin_import, "MULTIPART_OVERHEAD", 1_000)
    client.force_login(caseworker)
    big = SimpleUploadedFile("stor.txt", b"x" * 12_000)

    response = client.post(URL, {"source": "projectbank", "files": [big]})

    assert response.status_code == 413


def test_the_csrf_check_still_applies_to_the_guarded_page(caseworker):
    client = Client(enforce_csrf_checks=True)
    client.force_login(caseworker)
    page = SimpleUploadedFile("sida.html", SEED_HTML.read_bytes())

    response = client.post(URL, {"source": "projectbank", "files": [page]})

    assert response.status_code == 403
    assert Project.objects.count() == 0


def test_a_large_page_upload_is_skipped_without_being_read(client, caseworker, monkeypatch):
    monkeypatch.setattr(projectbank, "MAX_PAGE_BYTES", 1000)
    client.force_login(caseworker)
    page = SimpleUploadedFile("sida.html", SEED_HTML.read_bytes())
    parse_bytes = projectbank.parse_bytes
    parsed = []
    monkeypatch.setattr(
        projectbank,
        "parse_bytes",
        lambda data, **kw: parsed.append(data) or parse_bytes(data, **kw),
    )

    response = client.post(URL, {"source": "projectbank", "files": [page]})

    assert parsed == []  # the page's bytes never reached the parser
    (skipped,) = response.context["report"].skipped
    assert skipped.reason.startswith("Filen är 0,0 MB; större filer än 0,0 MB")
