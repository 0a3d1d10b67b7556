"""Downloads: decisions as CSV and XLSX, each dashboard table as CSV."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from projects.exports.cells import csv_cell
from projects.models import Decision, Region
from tests.factories import DecisionFactory, OrganisationFactory, ProjectFactory

pytestmark = pytest.mark.django_db
CSV = "/beslut/export.csv"
XLSX = "/beslut/export.xlsx"


@pytest.fixture
def decisions():
    owner = OrganisationFactory(name='=HYPERLINK("x")')
    kalmar = ProjectFactory(diary_number="2020/00152", name="Fortsatt SLA", owner=owner)
    north = ProjectFactory(diary_number="2019/00419", region=Region.objects.get(code="SE33"))
    DecisionFactory(project=kalmar, decided_on=datetime.date(2021, 3, 1), note="+46 70 123")
    DecisionFactory(
        project=north,
        kind=Decision.Kind.WITHDRAWAL,
        decided_on=datetime.date(2022, 5, 2),
        esf_grant_change=-500_000,
        total_budget_change=-1_000_000,
    )
    return kalmar, north


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def read_csv(response, delimiter=","):
    raw = body(response)
    assert raw.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=delimiter))


# --- decisions CSV ---------------------------------------------------------------------------
def test_decisions_csv_has_a_bom_a_header_and_the_latest_first(client, decisions):
    response = client.get(CSV)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="esf-beslut-')
    rows = read_csv(response)
    assert rows[0][:3] == ["Diarienummer", "Insatsnummer (CCI_diarienummer)", "Projektnamn"]
    assert len(rows) == 1 + 4
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["Typ av beslut"] == "Återkallelse"
    assert first["Förändring av ESF-stöd (kr)"] == "-500000"  # a number stays a number
    assert first["Beslutsdatum"] == "2022-05-02"
    assert first["Insatsnummer (CCI_diarienummer)"] == "2014SE05M9OP001_2019/00419"
    assert first["Projektsida"] == "http://testserver/projects/2019-00419/"


def test_decisions_csv_defuses_formula_text(client, decisions):
    rows = read_csv(client.get(CSV + "?region=SE21"))
    header = rows[0]
    for row in rows[1:]:
        cells = dict(zip(header, row, strict=True))
        assert cells["Projektägare"] == '\'=HYPERLINK("x")'
    notes = {dict(zip(header, row, strict=True))["Anteckning"] for row in rows[1:]}
    assert "'+46 70 123" in notes


def test_decisions_csv_for_swedish_excel_and_in_english(client, decisions):
    rows = read_csv(client.get(CSV + "?sep=semicolon"), delimiter=";")
    assert len(rows[1]) == len(rows[0]) > 10
    english = read_csv(client.get("/en" + CSV))
    assert english[0][0] == "Diary number"
    assert english[1][english[0].index("Kind of decision")] == "Withdrawal"
    assert read_csv(client.get(CSV + "?lang=en"))[0][0] == "Diary number"


def test_decisions_csv_takes_the_filters(client, decisions):
    rows = read_csv(client.get(CSV + "?kind=withdrawal"))
    assert [row[0] for row in rows[1:]] == ["2019/00419"]
    rows = read_csv(client.get(CSV + "?decided_on_min=2021-01-01&decided_on_max=2021-12-31"))
    assert [row[0] for row in rows[1:]] == ["2020/00152"]
    response = client.get(CSV + "?region=XX&nonsense=1")
    assert response.status_code == 200
    assert "nonsense" in response["X-ESF-Ignored-Parameters"]
    assert len(read_csv(response)) == 5


def test_decisions_csv_is_one_query_for_the_rows(client, decisions, django_assert_num_queries):
    # the code lists (6), then the decisions with project, owner and programme
    with django_assert_num_queries(7):
        body(client.get(CSV + "?region=SE21"))


# --- decisions XLSX --------------------------------------------------------------------------
def test_decisions_xlsx_has_typed_cells_and_text_not_formulas(client, decisions):
    response = client.get(XLSX)
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(body(response)))
    sheet = workbook["Beslut"]
    rows = list(sheet.values)
    assert rows[0][0] == "Diarienummer"
    header = rows[0]
    first = dict(zip(header, rows[1], strict=True))
    assert first["Förändring av ESF-stöd (kr)"] == -500_000
    assert first["Beslutsdatum"] == datetime.datetime(2022, 5, 2)
    owners = {dict(zip(header, row, strict=True))["Projektägare"] for row in rows[1:]}
    assert '=HYPERLINK("x")' in owners
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_decisions_xlsx_is_refused_above_the_row_limit(client, decisions, settings):
    settings.ESF_XLSX_MAX_ROWS = 3
    response = client.get(XLSX + "?region=SE21")
    assert response.status_code == 200
    response = client.get(XLSX)
    assert response.status_code == 400
    assert "/beslut/export.csv" in response.content.decode()


def test_the_list_links_to_the_decision_downloads(client, decisions):
    page = client.get("/projects/?region=SE21").content.decode()
    assert 'href="/beslut/export.csv?region=SE21"' in page
    assert 'href="/beslut/export.xlsx?region=SE21"' in page


# --- dashboard tables -------------------------------------------------------------------------
def test_each_dashboard_table_downloads_with_the_pages_numbers(client, decisions):
    page = client.get(reverse("projects:dashboard") + "?programme=2014-2020")
    html = page.content.decode()
    charts = [chart for section in page.context["sections"] for chart in section.charts]
    assert charts
    for chart in charts:
        url = reverse("projects:dashboard_table_csv", args=[chart.id]) + "?programme=2014-2020"
        assert f'href="{url.replace("&", "&amp;")}"' in html
        rows = read_csv(client.get(url))
        assert rows[0] == [chart.table.header, *(c.label for c in chart.table.columns)]
        # the formula guard: the owner's name "=HYPERLINK(…)" is written "'=HYPERLINK(…)"
        assert [row[0] for row in rows[1:]] == [
            csv_cell(row.header, decimal_comma=False) for row in chart.table.rows
        ]
        for row, expected in zip(rows[1:], chart.table.rows, strict=True):
            assert row[1:] == ["" if v is None else str(v) for v in expected.cells]


def test_a_dashboard_table_in_swedish_excel_format_has_decimal_commas(client, decisions):
    rows = read_csv(client.get("/dashboard/region-money.csv?sep=semicolon"), delimiter=";")
    share = rows[1][-1]
    assert "," in share and "." not in share


def test_an_unknown_dashboard_table_is_404(client, decisions):
    assert client.get("/dashboard/nothing.csv").status_code == 404
