"""manage.py export_projects: the same files as the views, for scheduled exports."""

import csv
import io
import json

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from tests.test_export_csv import make_portfolio

pytestmark = pytest.mark.django_db


@pytest.fixture
def portfolio():
    return make_portfolio()


def test_csv_with_repeated_filters(portfolio, tmp_path):
    path = tmp_path / "out.csv"
    call_command("export_projects", "--filter", "region=SE21", "--filter", "region=SE33",
                 "--filter", "sort=diary_number", "-o", str(path))  # fmt: skip
    body = path.read_bytes()
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    assert [row[0] for row in rows[1:]] == ["2015/00001", "2019/00419", "2020/00152", "22-005-S01"]
    assert rows[1][-4] == "/projects/2015-00001/"  # a path without --base-url


def test_csv_is_the_same_file_as_the_view(client, portfolio, tmp_path):
    path = tmp_path / "out.csv"
    query = "region=SE21&status=finished&sort=-grant"
    call_command("export_projects", "--query", query, "--sep", "semicolon",
                 "--base-url", "http://testserver/", "-o", str(path))  # fmt: skip
    response = client.get(f"{reverse('projects:export_csv')}?{query}&sep=semicolon")
    assert path.read_bytes() == b"".join(response.streaming_content)


def test_json_in_english_with_bilingual_headers_ignored(portfolio, tmp_path):
    path = tmp_path / "out.json"
    call_command("export_projects", "--format", "json", "--query", "programme=2021-2027",
                 "--lang", "en", "--headers", "both", "-o", str(path))  # fmt: skip
    document = json.loads(path.read_bytes())
    assert document["count"] == 4
    assert document["filters"]["programme"] == ["2021-2027"]


def test_xlsx(portfolio, tmp_path):
    path = tmp_path / "out.xlsx"
    call_command("export_projects", "--format", "xlsx", "--lang", "en", "--headers", "both",
                 "--filter", "region=SE33", "-o", str(path))  # fmt: skip
    sheet = openpyxl.load_workbook(path).worksheets[0]
    assert sheet["A1"].value == "Diarienummer / Diary number"
    assert sheet["A2"].value == "2019/00419"
    assert sheet.max_row == 2


def test_xlsx_above_the_limit_is_refused(portfolio, tmp_path, monkeypatch):
    from projects.exports import limits

    monkeypatch.setattr(limits, "XLSX_ROW_LIMIT", 1)
    with pytest.raises(CommandError, match="use --format csv"):
        call_command("export_projects", "--format", "xlsx", "-o", str(tmp_path / "x.xlsx"))


def test_stdout_by_default(portfolio, capfdbinary):
    call_command("export_projects", "--filter", "region=SE33")
    out, err = capfdbinary.readouterr()
    assert out.startswith(b"\xef\xbb\xbfDiarienummer,")
    assert out.count(b"\n") == 2
    assert b"1 projects written to standard output" in err


def test_a_malformed_filter_is_an_error(portfolio):
    with pytest.raises(CommandError, match="NAME=VALUE"):
        call_command("export_projects", "--filter", "region")


def test_invalid_filter_values_are_reported_and_skipped(portfolio, tmp_path, capsys):
    path = tmp_path / "out.csv"
    call_command("export_projects", "--filter", "region=XX", "--filter", "region=SE33",
                 "-o", str(path))  # fmt: skip
    assert "XX" in capsys.readouterr().err
    assert path.read_bytes().count(b"\n") == 2
