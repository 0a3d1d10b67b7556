"""Importing the list of operations (CSV): encodings, delimiters, headers, values, saving."""

import csv
import datetime
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from projects import services
from projects.importers import operations_csv, projectbank, records, save, text, values
from projects.models import Decision, Organisation, Project

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "operations"
ESF_PLUS = FIXTURES / "forteckning_over_insatser_esfplus.csv"
CP1252 = FIXTURES / "forteckning_over_insatser_2014-2020_cp1252.csv"
PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "projectbank"

HEADERS = [
    "Diarienummer / Operation ID",
    "Stödmottagare / Beneficiary",
    "Organisationsnummer",
    "Namn på insatsen / Name of the operation",
    "Programområde",
    "Specifikt mål",
    "Interventionsområde",
    "Total projektbudget",
    "Unionens medfinansieringsgrad",
    "EU-stöd i SEK",
    "Startdatum",
    "Slutdatum",
    "Sammanfattning",
    "Ort",
    "Land",
    "EU-fond",
    "Program CCI",
]
ROW = {
    "Diarienummer / Operation ID": "23-950-S01",
    "Stödmottagare / Beneficiary": "Exempelstads kommun",
    "Organisationsnummer": "212000-9994",
    "Namn på insatsen / Name of the operation": "Testinsatsen",
    "Programområde": "A",
    "Specifikt mål": "A2A",
    "Interventionsområde": "140",
    "Total projektbudget": "1 000 000",
    "Unionens medfinansieringsgrad": "50 %",
    "EU-stöd i SEK": "500 000",
    "Startdatum": "2023-02-01",
    "Slutdatum": "2025-01-31",
    "Sammanfattning": "Kort sammanfattning.",
    "Ort": "EXEMPELSTAD",
    "Land": "Sverige",
    "EU-fond": "ESF+",
    "Program CCI": "2021SE05SFPR001",
}


def csv_bytes(*rows: dict, headers=HEADERS, delimiter: str = ";", encoding: str = "utf-8") -> bytes:
    """A list-of-operations file: header line, then one line per row (values need no quoting)."""
    lines = [delimiter.join(headers)]
    lines += [delimiter.join(row.get(header, "") for header in headers) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def parse(data: bytes, source: str = "lista.csv") -> operations_csv.OperationsFile:
    return operations_csv.parse_bytes(data, source=source)


def run(*items, partial: bool = False):
    """Parse files (paths) or bytes and save them as the command does; returns the report."""
    files = []
    for item in items:
        if isinstance(item, bytes):
            files.append(parse(item))
        else:
            files.extend(operations_csv.parse_path(item))
    return save.import_operations(files, partial=partial)


def single_page(data: bytes) -> records.ProjectPage:
    result = parse(data)
    assert result.rejected == [], result.rejected
    (record,) = result.records
    return record.page


# --- The fixtures -----------------------------------------------------------------------------


def test_esf_plus_fixture_imports_every_row_with_its_values():
    report = run(ESF_PLUS)

    assert report.summary() == "4 created, 0 changed, 0 unchanged, 0 skipped, 0 rejected"
    example = Project.objects.get(diary_number="23-901-S01")
    assert example.programme.period == "2021-2027"
    assert example.name == "Vägen in – Exempelstad (exempel)"
    assert (example.owner.name, example.owner.org_number) == ("Exempelstads kommun", "2120009994")
    assert example.city == "EXEMPELSTAD"
    assert example.country == "Sverige"
    assert (example.total_budget, example.esf_grant) == (4_973_906, 4_476_515)
    assert example.cofinancing_rate == Decimal("90.00")
    assert (example.start_date, example.end_date) == (
        datetime.date(2023, 9, 4),
        datetime.date(2026, 8, 31),
    )
    assert example.programme_area.code == "A"
    assert example.specific_objective.code == "A2A"
    assert example.intervention_field.code == "140"
    assert example.description == (
        "Projektet stödjer unga vuxna som varken arbetar eller studerar att hitta en väg in i "
        "arbetslivet.\n\nMinst 120 av de 300 deltagarna ska gå vidare till arbete eller studier."
    )
    (decision,) = example.decisions.all()
    assert decision.kind == Decision.Kind.SNAPSHOT
    # The source by name and day, never the importing machine's path
    assert (
        decision.note
        == f"Förteckning över insatser, {ESF_PLUS.name}, hämtad {timezone.localdate()}"
    )

    later = Project.objects.get(diary_number="24-902-S03")
    assert (later.total_budget, later.esf_grant) == (12_500_000, 5_750_000)
    assert later.cofinancing_rate == Decimal("46.00")
    assert later.start_date == datetime.date(2024, 5, 1)
    assert later.description == (
        "Kartläggning, praktik och handledning för långtidsarbetslösa.\n"
        "Projektet drivs i samverkan med tre kommuner."
    )
    sia = Project.objects.get(diary_number="22-005-S01")
    assert (sia.total_budget, sia.esf_grant) == (None, None)
    assert sia.owner.org_number == "8025185011"


def test_windows_1252_comma_fixture_imports_with_a_warning():
    report = run(CP1252)

    assert report.summary() == "3 created, 0 changed, 0 unchanged, 0 skipped, 0 rejected"
    assert [w.message for w in report.warnings] == [text.WARN_CP1252]
    sla = Project.objects.get(diary_number="2020/00152")
    assert (sla.total_budget, sla.esf_grant) == (36_619_373, 17_207_538)
    assert sla.cofinancing_rate == Decimal("50.00")
    assert sla.owner.name == "Kommunförbundet Kalmar län"
    assert sla.owner.org_number == "8025185011"
    vagar = Project.objects.get(diary_number="2019/00419")
    assert vagar.name == "144587Vägartillegenförsörjning"
    assert vagar.city == "ÖSTERSUND"
    assert vagar.owner.org_number is None


def test_fixture_rows_of_real_projects_agree_with_their_pages():
    save.import_pages(projectbank.parse_path(PAGES))

    report = run(ESF_PLUS, CP1252)

    by_number = {record.diary_number: record for record in report.records}
    assert by_number["22-005-S01"].outcome == "unchanged"
    assert by_number["2020/00152"].fields == ("city",)  # the pages give no Ort for it
    assert by_number["2019/00419"].fields == ("city",)
    assert Decision.objects.filter(project__diary_number="2020/00152").count() == 1
    assert Organisation.objects.filter(name__iexact="Kommunförbundet Kalmar län").count() == 1


def test_a_second_run_of_the_fixtures_changes_nothing():
    run(ESF_PLUS, CP1252)
    decisions = Decision.objects.count()
    history = Project.history.count()

    report = run(FIXTURES)

    assert report.summary().startswith("0 created, 0 changed, 7 unchanged")
    assert (Decision.objects.count(), Project.history.count()) == (decisions, history)


# --- Reading the file -------------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_the_delimiter_is_found_from_the_header(delimiter):
    row = {**ROW, "Total projektbudget": "1000000", "EU-stöd i SEK": "500000"}
    page = single_page(csv_bytes(row, delimiter=delimiter))

    assert (page.diary_number, page.total_budget, page.esf_grant) == (
        "23-950-S01",
        1_000_000,
        500_000,
    )


@pytest.mark.parametrize(
    ("data", "warning"),
    [
        (b"\xef\xbb\xbf" + csv_bytes(ROW), None),
        (csv_bytes(ROW, encoding="cp1252"), text.WARN_CP1252),
        (b"sep=;\r\n" + csv_bytes(ROW), None),
    ],
    ids=["utf8-bom", "cp1252", "excel-sep-line"],
)
def test_encodings_and_excel_preambles_are_read(data, warning):
    result = parse(data)

    (record,) = result.records
    assert record.page.owner_name == "Exempelstads kommun"
    assert record.page.specific_objective_code == "A2A"
    assert result.warnings == ([warning] if warning else [])


@pytest.mark.parametrize(
    "header",
    [
        "Diarienummer / Operation ID",
        "Diarienummer",
        "Operation ID",
        "  DIARIENUMMER/operation   id ",
        "Diarienummer / Projektets ID",
    ],
)
def test_headers_match_by_either_language_ignoring_case_and_spacing(header):
    headers = [header if h == HEADERS[0] else h for h in HEADERS]
    row = {header if key == HEADERS[0] else key: value for key, value in ROW.items()}

    assert single_page(csv_bytes(row, headers=headers)).diary_number == "23-950-S01"


def test_english_only_headers_are_understood():
    english = {
        "Operation ID": "23-950-S01",
        "Beneficiary": "Exempelstads kommun",
        "Beneficiary ID": "2120009994",
        "Name of the operation": "Testinsatsen",
        "Total budget SEK": "1 000 000",
        "EU contribution SEK": "400 000",
        "Union co-financing rate": "40%",
        "Start date": "2023-02-01",
        "End date": "2025-01-31",
        "Specific objective concerned": "A2A",
        "Intervention field": "140",
        "Priority": "A",
        "Beneficiary city": "EXEMPELSTAD",
    }

    page = single_page(csv_bytes(english, headers=list(english)))

    assert (page.org_number, page.esf_grant, page.cofinancing_rate) == (
        "2120009994",
        400_000,
        Decimal("40.00"),
    )
    assert (page.programme_area_code, page.city) == ("A", "EXEMPELSTAD")


def test_unknown_columns_are_warned_once_and_ignored():
    headers = [*HEADERS, "Kommentar / Comment"]
    row = {**ROW, "Kommentar / Comment": "intern"}
    other = {**row, "Diarienummer / Operation ID": "23-950-S02"}

    report = run(csv_bytes(row, other, headers=headers))

    assert [w.message for w in report.warnings] == [
        "Okända kolumner ignorerades: 'Kommentar / Comment'."
    ]
    assert [(u.label, u.value) for u in report.unknown_labels] == [("Kommentar / Comment", "")]


@pytest.mark.parametrize(
    ("missing", "named"),
    [
        ("Diarienummer / Operation ID", "'Diarienummer / Operation ID'"),
        ("Namn på insatsen / Name of the operation", "'Namn på insatsen / Name of the operation'"),
    ],
)
def test_a_file_without_a_required_column_is_rejected_whole(missing, named):
    headers = [header for header in HEADERS if header != missing]

    report = run(csv_bytes(ROW, headers=headers))

    assert report.rejected == 1
    (rejection,) = report.rejections
    assert (rejection.source, rejection.line, rejection.field) == ("lista.csv", 1, "Rubrikrad")
    assert f"Obligatorisk kolumn saknas: {named}" in rejection.reason
    assert Project.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", text.SKIP_EMPTY),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", text.SKIP_BINARY),
        (csv_bytes(), operations_csv.SKIP_NO_ROWS),
    ],
    ids=["empty", "binary", "header-only"],
)
def test_empty_and_binary_files_are_skipped_with_a_reason(data, reason):
    report = run(data)

    assert [(item.source, item.reason) for item in report.skipped] == [("lista.csv", reason)]
    assert report.rejected == 0


def test_line_numbers_count_physical_lines_across_multi_line_cells():
    first = {**ROW, "Sammanfattning": '"Rad ett\nrad två"'}
    second = {**ROW, "Diarienummer / Operation ID": "23-950-S02", "Startdatum": "2023-13-01"}

    result = parse(csv_bytes(first, second))

    assert [record.line for record in result.records] == [2]
    assert result.records[0].page.description == "Rad ett\nrad två"
    (row,) = result.rejected
    assert row.rejections[0].line == 4


# --- Values -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["1 234 567", "1234567", "1 234 567 kr", "1234567,00", "1234567.0", "1\u00a0234\u00a0567 SEK"],
)
def test_amounts_are_whole_kronor_in_the_usual_spellings(text):
    page = single_page(csv_bytes({**ROW, "Total projektbudget": text, "EU-stöd i SEK": ""}))

    assert page.total_budget == 1_234_567


@pytest.mark.parametrize(
    ("text", "rate"),
    [
        ("50,00 %", "50.00"),
        ("50", "50.00"),
        ("40%", "40.00"),
        ("49,5 %", "49.50"),
        ("0,4", "40.00"),
    ],
)
def test_rates_are_percent_and_a_bare_fraction_is_read_as_a_share(text, rate):
    result = parse(csv_bytes({**ROW, "Unionens medfinansieringsgrad": text}))

    (record,) = result.records
    assert record.page.cofinancing_rate == Decimal(rate)
    fraction_warned = any("lästes som andel" in w for w in record.page.warnings)
    assert fraction_warned == (text == "0,4")


@pytest.mark.parametrize("text", ["2023-02-01", "2023-02-01 00:00:00", "2023-02-01T00:00:00"])
def test_dates_may_carry_a_time_that_is_dropped(text):
    assert single_page(csv_bytes({**ROW, "Startdatum": text})).start_date == datetime.date(
        2023, 2, 1
    )


@pytest.mark.parametrize(
    ("text", "code"),
    [("140", "140"), ("140 - Aktiv inkludering", "140"), ("A2A: Aktiv inkludering", "A2A")],
)
def test_a_code_followed_by_its_name_keeps_the_code(text, code):
    page = single_page(csv_bytes({**ROW, "Interventionsområde": text, "Specifikt mål": text}))

    assert page.intervention_code == code
    assert page.specific_objective_code == code


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("Total projektbudget", "12 3x4", values.AMOUNT_REASON),
        ("Total projektbudget", "1234567,50", values.AMOUNT_REASON),
        ("EU-stöd i SEK", "2 000 000", "är större än total projektbudget"),
        ("Slutdatum", "2022-01-31", "ligger före startdatum"),
        ("Startdatum", "1 februari 2023", "Ogiltigt datum"),
        ("Organisationsnummer", "212000-9995", "Luhn"),
        ("Diarienummer / Operation ID", "2023:17", values.DIARY_REASON),
        ("Diarienummer / Operation ID", "", "Diarienummer saknas"),
        ("Unionens medfinansieringsgrad", "150 %", "mellan 0 och 100"),
    ],
)
def test_an_invalid_row_is_rejected_with_line_field_value_and_reason(column, value, reason):
    good = {**ROW, "Diarienummer / Operation ID": "23-950-S02"}

    report = run(csv_bytes(good, {**ROW, column: value}), partial=True)

    assert report.rejected == 1
    (rejection,) = report.rejections
    label = column.split(" / ")[0]
    assert (rejection.source, rejection.line, rejection.field, rejection.value) == (
        "lista.csv",
        3,
        label,
        value,
    )
    assert reason in rejection.reason
    assert list(Project.objects.values_list("diary_number", flat=True)) == ["23-950-S02"]


def test_a_row_rejected_while_saving_names_the_files_column():
    headers = [*HEADERS, "Antal deltagare"]
    row = {**ROW, "Namn på insatsen / Name of the operation": "x" * 501}

    report = run(csv_bytes(row, headers=headers))

    (rejection,) = report.rejections
    assert (rejection.line, rejection.field) == (2, "Namn på insatsen")
    assert "500" in rejection.reason
    assert Organisation.objects.count() == 0


def test_a_new_project_without_beneficiary_is_rejected_but_an_existing_one_is_updated():
    run(csv_bytes(ROW))
    headers = [h for h in HEADERS if h != "Stödmottagare / Beneficiary"]
    update = {**ROW, "EU-stöd i SEK": "450 000"}
    new = {**ROW, "Diarienummer / Operation ID": "23-950-S09", "Organisationsnummer": ""}

    report = run(csv_bytes(update, new, headers=headers), partial=True)

    assert [r.outcome for r in report.records] == ["changed", "rejected"]
    assert report.rejections[0].field == "Stödmottagare"
    assert Project.objects.get(diary_number="23-950-S01").esf_grant == 450_000


def test_a_changed_amount_in_the_list_records_a_snapshot_decision():
    run(csv_bytes(ROW))

    report = run(csv_bytes({**ROW, "EU-stöd i SEK": "450 000", "Ort": "NYSTAD"}))

    assert report.records[0].fields == ("city", "esf_grant")
    project = Project.objects.get()
    assert (project.esf_grant, project.city) == (450_000, "NYSTAD")
    snapshot = project.decisions.order_by("id").last()
    assert (snapshot.esf_grant_change, snapshot.total_budget_change) == (-50_000, None)


def test_an_unknown_objective_is_created_unnamed_under_its_area_and_warned():
    report = run(csv_bytes({**ROW, "Programområde": "B", "Specifikt mål": "B9"}))

    project = Project.objects.get()
    assert (project.specific_objective.code, project.specific_objective.name_sv) == ("B9", "")
    assert project.specific_objective.programme_area.code == "B"
    assert any(
        w.message.startswith("rad 2: Okänd kod för Specifikt mål: 'B9'") for w in report.warnings
    )


# --- Transactions and the command -------------------------------------------------------------


def test_one_rejected_row_rolls_back_every_row_by_default_and_the_counts_say_so():
    bad = {**ROW, "Diarienummer / Operation ID": "23-950-S02", "Total projektbudget": "x"}

    report = run(csv_bytes(ROW, bad), ESF_PLUS)

    assert report.rolled_back is True
    assert Project.objects.count() == 0
    assert Organisation.objects.count() == 0
    assert report.counts() == {
        "created": 0,
        "changed": 0,
        "unchanged": 0,
        "skipped": 0,
        "rejected": 1,
    }
    assert report.summary() == (
        "0 created, 0 changed, 0 unchanged, 0 skipped, 1 rejected; "
        "nothing was saved: 1 record was rejected"
    )
    assert report.count("not_saved") == 5


def test_partial_saves_the_rows_that_pass_and_reports_the_rest():
    bad = {**ROW, "Diarienummer / Operation ID": "23-950-S02", "Total projektbudget": "x"}

    report = run(csv_bytes(ROW, bad), ESF_PLUS, partial=True)

    assert report.rolled_back is False
    assert report.summary() == "5 created, 0 changed, 0 unchanged, 0 skipped, 1 rejected"
    assert Project.objects.count() == 5


def test_all_rows_are_saved_in_one_transaction(monkeypatch):
    create_projects = services.create_projects

    def create_then_fail(**kwargs):
        create_projects(**kwargs)
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "create_projects", create_then_fail)

    with pytest.raises(RuntimeError):
        run(ESF_PLUS)

    assert (Project.objects.count(), Organisation.objects.count()) == (0, 0)


def test_command_imports_both_fixtures_and_writes_the_report(tmp_path, capsys):
    report_file = tmp_path / "report.json"

    call_command("import_operations", str(ESF_PLUS), str(CP1252), "--report", str(report_file))

    assert "7 created, 0 changed, 0 unchanged, 0 skipped, 0 rejected" in capsys.readouterr().out
    report = json.loads(report_file.read_text(encoding="utf-8"))
    assert report["counts"]["created"] == 7
    assert report["records"][0] == {
        "source": str(ESF_PLUS),
        "line": 2,
        "diary_number": "22-005-S01",
        "outcome": "created",
        "fields": [],
    }


def test_command_saves_nothing_by_default_when_a_row_is_rejected_and_lists_every_one(
    tmp_path, capsys
):
    path = tmp_path / "lista.csv"
    good = [{**ROW, "Diarienummer / Operation ID": f"23-950-S{n:02}"} for n in range(1, 11)]
    bad = [
        {**ROW, "Diarienummer / Operation ID": f"23-{n:03}-S01", "Slutdatum": "2020-01-01"}
        for n in range(100, 250)
    ]
    path.write_bytes(csv_bytes(*good, *bad))

    with pytest.raises(CommandError) as raised:
        call_command("import_operations", str(path))

    assert raised.value.returncode == 1
    assert str(raised.value) == (
        "0 created, 0 changed, 0 unchanged, 0 skipped, 150 rejected; "
        "nothing was saved: 150 records were rejected"
    )
    out = capsys.readouterr().out
    assert "created          0" in out
    assert "Nothing was saved: 150 records were rejected." in out
    assert "Rejected (150):" in out
    for line in range(12, 162):  # every rejected row, not the first 100
        assert f"{path}:{line}: Slutdatum '2020-01-01': Slutdatum 2020-01-01 ligger före" in out
    assert "more (see --report FILE)" not in out
    assert Project.objects.count() == 0


@pytest.mark.parametrize("option", [[], ["--strict"]], ids=["default", "strict-alias"])
def test_command_default_and_the_old_strict_option_are_all_or_nothing(tmp_path, option):
    path = tmp_path / "lista.csv"
    path.write_bytes(csv_bytes(ROW, {**ROW, "Slutdatum": "2020-01-01"}))

    with pytest.raises(CommandError):
        call_command("import_operations", str(path), *option)

    assert Project.objects.count() == 0


def test_command_with_partial_saves_the_good_rows_and_still_exits_one(tmp_path):
    path = tmp_path / "lista.csv"
    bad = {**ROW, "Diarienummer / Operation ID": "23-950-S02", "Slutdatum": "2020-01-01"}
    path.write_bytes(csv_bytes(ROW, bad))

    with pytest.raises(CommandError) as raised:
        call_command("import_operations", str(path), "--partial")

    assert raised.value.returncode == 1
    assert str(raised.value) == "1 created, 0 changed, 0 unchanged, 0 skipped, 1 rejected"
    assert list(Project.objects.values_list("diary_number", flat=True)) == ["23-950-S01"]


def test_partial_and_strict_cannot_be_combined(tmp_path):
    with pytest.raises(CommandError, match="not allowed with argument"):
        call_command("import_operations", str(ESF_PLUS), "--partial", "--strict")


def test_a_file_the_csv_reader_cannot_read_is_rejected_whole():
    long = {**ROW, "Diarienummer / Operation ID": "23-950-S02", "Sammanfattning": "x" * 500}
    limit = csv.field_size_limit(100)  # as a summary above the default 128 kB would
    try:
        report = run(csv_bytes(ROW, long))
    finally:
        csv.field_size_limit(limit)

    assert report.rejected == 1
    (rejection,) = report.rejections
    assert (rejection.line, rejection.field) == (3, "")
    assert rejection.reason.startswith("CSV-filen kunde inte läsas vid rad 3:")
    assert Project.objects.count() == 0
