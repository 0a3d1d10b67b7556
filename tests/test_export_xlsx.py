"""/projects/export.xlsx: typed cells, frozen header, "Om data" sheet, and the row limit."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from projects import exports
from projects.exports import columns, limits, views, xlsx
from tests.factories import DecisionFactory, ProjectFactory
from tests.test_export_csv import list_order, make_portfolio

pytestmark = pytest.mark.django_db
URL = reverse("projects:export_xlsx")


@pytest.fixture
def portfolio():
    return make_portfolio()


def read_xlsx(response) -> openpyxl.Workbook:
    # Reading the stream to the end closes the response and its temporary file
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def test_it_opens_with_typed_cells(client, portfolio):
    response = client.get(f"{URL}?region=SE21&sort=diary_number")
    assert response.status_code == 200
    assert response["Content-Type"] == views.XLSX_TYPE
    workbook = read_xlsx(response)
    assert workbook.sheetnames == ["Projekt", "Om data"]
    sheet = workbook["Projekt"]
    assert sheet.freeze_panes == "A2"
    assert [c.value for c in sheet[1]] == [column.sv for column in columns.COLUMNS]
    row = {column.key: cell for column, cell in zip(columns.COLUMNS, sheet[2], strict=True)}
    assert row["diary_number"].value == "2015/00001"
    assert row["name"].value == "Kompetenslyft i vården"
    assert row["esf_grant"].value == 5_000_000 and row["esf_grant"].data_type == "n"
    assert row["cofinancing_rate"].value == 50 and row["cofinancing_rate"].data_type == "n"
    assert row["start_date"].is_date
    assert row["start_date"].value == datetime.datetime(2015, 3, 1)
    assert row["last_decision_date"].value == datetime.datetime(2016, 5, 3)
    assert row["child_poverty_theme"].value is True
    assert row["strategic_importance"].value is False
    assert row["status"].value == "Avslutat"
    assert row["region.name"].value == "Småland och Öarna"
    assert row["county.code"].value == "SE213" and row["county.name"].value == "Kalmar län"
    assert row["decision_count"].value == 2
    assert sheet.max_row == 1 + 3
    assert sheet.column_dimensions["AH"].width == xlsx.XLSX_WIDE["description"]


def test_county_filter_gives_the_county_s_projects(client, portfolio):
    sheet = read_xlsx(client.get(f"{URL}?county=SE213&lang=en&sort=diary_number")).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    rows = [dict(zip(header, row, strict=True)) for row in sheet.iter_rows(2, values_only=True)]
    assert [row["Diary number"] for row in rows] == [
        "2015/00001", "2020/00152", "22-005-S01", "24-011-S01"
    ]  # fmt: skip
    assert {(row["County code (NUTS-3)"], row["County"]) for row in rows} == {
        ("SE213", "Kalmar County")
    }


def test_formula_like_text_stays_text(client, portfolio):
    sheet = read_xlsx(client.get(f"{URL}?sort=diary_number"))["Projekt"]
    names = {row[0].value: row[1] for row in sheet.iter_rows(min_row=2)}
    assert names["2020/00152"].value == "=SUM(A1:A9)"
    assert names["2020/00152"].data_type == "s"


def test_about_sheet_has_filter_time_and_source(client, portfolio):
    workbook = read_xlsx(client.get(f"{URL}?region=SE21&status=finished&lang=sv"))
    lines = {row[0]: row[1:] for row in workbook["Om data"].iter_rows(values_only=True) if row[0]}
    assert lines["Antal projekt"][0] == 2
    assert lines["Region"][0] == "SE21"
    assert lines["Status i dag"][0] == "finished"
    assert lines["Källa"][0] == "http://testserver/projects/?region=SE21&status=finished&lang=sv"
    assert datetime.datetime.fromisoformat(lines["Exporterad"][0]).date() == timezone.localdate()


@pytest.mark.parametrize("query", ["", "region=SE21&sort=-grant", "q=Kompetens"])
def test_rows_and_order_are_those_of_the_list(client, portfolio, query):
    sheet = read_xlsx(client.get(f"{URL}?{query}"))["Projekt"]
    diaries = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert diaries == list_order(client, query)


def test_above_the_row_limit_it_refuses_and_points_to_the_csv(client, portfolio, settings):
    settings.ESF_XLSX_MAX_ROWS = 2
    response = client.get(f"{URL}?region=SE21&sort=name&sep=semicolon")
    assert response.status_code == 400
    html = response.content.decode()
    assert "För många rader för Excel" in html
    assert "3 projekt" in html and "högst 2" in html
    assert f'href="{reverse("projects:export_csv")}?region=SE21&amp;sort=name"' in html
    assert read_xlsx(client.get(f"{URL}?region=SE33"))["Projekt"].max_row == 2


def test_the_limits_are_documented(settings):
    assert settings.ESF_XLSX_MAX_ROWS == 20_000
    assert "ESF_XLSX_MAX_ROWS" in exports.__doc__
    assert limits.XLSX_ROW_LIMIT == 200_000  # export_projects
    assert "XLSX_ROW_LIMIT" in exports.__doc__


@pytest.mark.parametrize("n_projects", [1, 40])
def test_query_count_does_not_grow_with_rows(client, django_assert_num_queries, n_projects):
    projects = ProjectFactory.create_batch(n_projects)
    DecisionFactory(project=projects[0])
    # 6 reference lists, 1 COUNT against the row limit, 1 query for the rows
    with django_assert_num_queries(8):
        workbook = read_xlsx(client.get(URL))
    assert workbook["Projekt"].max_row == n_projects + 1


def test_control_characters_do_not_break_the_workbook(client):
    ProjectFactory(diary_number="2020/00999", name="Bell\x07 and\x1b escape")
    sheet = read_xlsx(client.get(URL))["Projekt"]
    assert sheet["B2"].value == "Bell and escape"
