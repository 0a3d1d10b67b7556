"""Excel's "Unicode text" (UTF-16 with a byte order mark, tab-separated) and other encodings;
files that cannot be read fail the run, texts that are not project pages do not."""

import csv
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from projects.importers import operations_csv, projectbank, save, text
from projects.models import Project

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
OPERATIONS = ROOT / "fixtures" / "operations" / "forteckning_over_insatser_esfplus.csv"
SEEDS = ROOT / "fixtures" / "projectbank"
SEED_2014 = SEEDS / "001_1edcad09a78b9a57.txt"
NEWS = ROOT / "fixtures" / "news"
SIA_HTML = ROOT / "tests" / "data" / "projectbank" / "002_sia_table.html"

BOMS = {"utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}


def unicode_text(encoding: str) -> bytes:
    """The list of operations as Excel saves it as "Unicode text": tabs, CRLF, UTF-16, BOM."""
    rows = list(csv.reader(io.StringIO(OPERATIONS.read_text(encoding="utf-8-sig")), delimiter=";"))
    out = io.StringIO()
    csv.writer(out, delimiter="\t", lineterminator="\r\n").writerows(rows)
    return BOMS[encoding] + out.getvalue().encode(encoding)


def summary_of(files) -> str:
    return save.import_operations(files).summary()


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_excel_unicode_text_imports_like_the_utf8_file(encoding):
    data = unicode_text(encoding)
    assert b"\x00" in data  # what used to make it "binary"

    parsed = operations_csv.parse_bytes(data, source="lista.txt")

    assert parsed.skipped is None
    expected = operations_csv.parse_bytes(OPERATIONS.read_bytes(), source="lista.txt")
    assert [r.page for r in parsed.records] == [r.page for r in expected.records]
    assert [r.line for r in parsed.records] == [r.line for r in expected.records]
    assert summary_of([parsed]) == "4 created, 0 changed, 0 unchanged, 0 skipped, 0 rejected"


def test_the_command_imports_a_utf16_csv_file(tmp_path, capsys):
    path = tmp_path / "lista.txt"
    path.write_bytes(unicode_text("utf-16-le"))

    call_command("import_operations", str(path))

    assert "4 created, 0 changed, 0 unchanged, 0 skipped, 0 rejected" in capsys.readouterr().out
    assert Project.objects.filter(diary_number="23-901-S01").exists()


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-8-sig"])
@pytest.mark.parametrize("seed", [SEED_2014, SIA_HTML], ids=["text", "html"])
def test_a_page_in_utf16_or_utf8_with_bom_gives_the_same_record(encoding, seed):
    text = seed.read_text(encoding="utf-8")
    data = BOMS.get(encoding, b"") + text.encode(encoding)

    result = projectbank.parse_bytes(data, source=seed.name)

    assert result.skipped is None and result.rejections == []
    assert result.page == projectbank.parse_bytes(text.encode(), source=seed.name).page


def test_a_broken_utf16_file_is_skipped_with_a_reason():
    data = b"\xff\xfe" + "Diarienummer".encode("utf-16-le") + b"\x00\xd8"  # lone surrogate

    result = projectbank.parse_bytes(data, source="trasig.txt")

    assert result.skipped.startswith("Filen börjar som UTF-16 men är inte giltig UTF-16")
    csv_result = operations_csv.parse_bytes(data, source="trasig.csv")
    assert csv_result.skipped.startswith("Filen börjar som UTF-16 men är inte giltig UTF-16")


def test_news_texts_among_the_pages_are_skipped_and_the_run_still_exits_zero(capsys):
    call_command("import_projectbank", str(SEEDS), str(NEWS))

    out = capsys.readouterr().out
    assert "Skipped, not project pages (2):" in out
    assert "Could not be read" not in out


def test_the_pages_make_run_imports_skip_nothing(capsys):
    """`make run` imports the project-bank pages and the news texts, each with its command: on
    a first run and every run after, neither reports a file skipped."""
    for _run in range(2):
        call_command("import_projectbank", str(SEEDS))
        call_command("import_news", str(NEWS))
        out = capsys.readouterr().out
        assert "unchanged, 0 skipped, 0 rejected" in out, out
        assert "already imported, 0 skipped" in out, out
        assert "Skipped" not in out and "skipped:" not in out, out


def test_an_unreadable_page_fails_the_command_and_is_listed(tmp_path, capsys):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (tmp_path / "page.txt").write_bytes(SEED_2014.read_bytes())

    with pytest.raises(CommandError) as raised:
        call_command("import_projectbank", str(tmp_path))

    assert raised.value.returncode == 1
    assert str(raised.value) == (
        "0 created, 0 changed, 0 unchanged, 2 skipped, 0 rejected; "
        "nothing was saved: 2 files could not be read"
    )
    out = capsys.readouterr().out
    assert "Could not be read (2):" in out
    assert f"{tmp_path / 'empty.txt'}: {text.SKIP_EMPTY}" in out
    assert f"{tmp_path / 'image.txt'}: {text.SKIP_BINARY}" in out
    assert Project.objects.count() == 0


def test_with_partial_the_readable_pages_are_saved_but_the_exit_code_is_still_one(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "page.txt").write_bytes(SEED_2014.read_bytes())

    with pytest.raises(CommandError) as raised:
        call_command("import_projectbank", str(tmp_path), "--partial")

    assert raised.value.returncode == 1
    assert Project.objects.count() == 1


def test_an_unreadable_csv_fails_the_command(tmp_path, capsys):
    (tmp_path / "tom.csv").write_bytes(b"")

    with pytest.raises(CommandError) as raised:
        call_command("import_operations", str(tmp_path / "tom.csv"), str(OPERATIONS))

    assert raised.value.returncode == 1
    assert "nothing was saved: 1 file could not be read" in str(raised.value)
    assert f"{tmp_path / 'tom.csv'}: {text.SKIP_EMPTY}" in capsys.readouterr().out
    assert Project.objects.count() == 0


def test_the_json_report_marks_which_skips_are_errors(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    report = save.import_pages(
        [
            *projectbank.parse_path(tmp_path),
            *projectbank.parse_path(SEEDS),
            *projectbank.parse_path(NEWS),
        ],
        partial=True,
    )

    skipped = {Path(item["source"]).name: item["error"] for item in report.as_dict()["skipped"]}
    assert skipped == {
        "empty.txt": True,
        "000_dc4018ebfd2e4e16.txt": False,
        "004_6ef21ffb7d31aa7b.txt": False,
    }
