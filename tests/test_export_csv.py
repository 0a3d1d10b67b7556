"""/projects/export.csv: the exact filtered set, every column, Excel-ready, streamed."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.http import QueryDict, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

from projects.exports import cells, columns
from projects.exports import csv as csv_export
from projects.exports.export import Export
from projects.models import (
    County,
    InterventionField,
    Organisation,
    Programme,
    ProgrammeArea,
    Project,
    Region,
    SpecificObjective,
)
from tests.factories import DecisionFactory, OrganisationFactory, ProjectFactory

pytestmark = pytest.mark.django_db
URL = reverse("projects:export_csv")
LIST_URL = reverse("projects:list")


def make_portfolio() -> list[Project]:
    """Seven projects: both periods, Swedish letters, unknowns, formula-like text, decisions;
    four in Kalmar län (SE213), one of them national, and one without a county."""
    today = timezone.localdate()
    year = datetime.timedelta(days=365)
    esf = Programme.objects.get(period="2014-2020")
    plus = Programme.objects.get(period="2021-2027")
    # 1 and 2 of 2014–2020 (2007–2013 has areas 1 and 2 too), A and B of ESF+
    later = ProgrammeArea.objects.exclude(programme__period="2007-2013")
    area = {code: later.get(code=code) for code in ["1", "2", "A", "B"]}
    region = {code: Region.objects.get(code=code) for code in ["SE21", "SE33", "SE11"]}
    national = Region.objects.get(is_national=True)
    county = {code: County.objects.get(code=code) for code in ["SE213", "SE322", "SE110"]}
    objective = SpecificObjective.objects.filter(programme_area=area["2"]).first()
    intervention = InterventionField.objects.filter(programme=esf).first()
    municipality = OrganisationFactory(name="Kalmar kommun", org_number="2120000415")
    company = OrganisationFactory(name="Kompetens AB", org_number="5560360793")
    unnumbered = OrganisationFactory(name='=HYPERLINK("http://x")', org_number=None)
    projects = [
        ProjectFactory(diary_number="2015/00001", programme=esf, programme_area=area["1"],
            region=region["SE21"], county=county["SE213"], owner=municipality,
            name="Kompetenslyft i vården",
            total_budget=10_000_000, esf_grant=5_250_000, planned_participants=100,
            participant_goal=40, start_date=datetime.date(2015, 3, 1),
            end_date=datetime.date(2017, 3, 1), cofinancing_rate=Decimal("50"),
            owner_unit="Välfärd och klimat", city="Kalmar", postcode="392 32",
            child_poverty_theme=True, strategic_importance=False,
            description='Åtgärder för vården, "kompetens"; del 1, del 2\nrad 2.'),
        ProjectFactory(diary_number="2019/00419", programme=esf, programme_area=area["2"],
            specific_objective=objective, intervention_field=intervention,
            region=region["SE33"], county=county["SE322"], owner=company,
            name="Vägar till egenförsörjning",
            total_budget=29_815_599, esf_grant=19_895_809, planned_participants=210,
            city="Östersund", start_date=datetime.date(2020, 2, 1),
            end_date=datetime.date(2022, 6, 30), cofinancing_rate=Decimal("66.73"),
            description="Insatser för dem som står långt från arbetsmarknaden."),
        ProjectFactory(diary_number="2020/00152", programme=esf, programme_area=area["2"],
            region=region["SE21"], county=county["SE213"], owner=municipality, name="=SUM(A1:A9)",
            total_budget=36_619_373, esf_grant=17_207_538, planned_participants=446,
            start_date=datetime.date(2020, 8, 17), end_date=datetime.date(2022, 12, 31),
            description="-1+1", city="+46 70 123", owner_unit="@cmd"),
        ProjectFactory(diary_number="22-005-S01", programme=plus, programme_area=area["A"],
            region=region["SE21"], county=county["SE213"], owner=municipality, name="SIA",
            total_budget=None,
            esf_grant=None, planned_participants=584, start_date=today - year,
            end_date=today + year, cofinancing_rate=Decimal("40")),
        ProjectFactory(diary_number="23-010-S02", programme=plus, programme_area=area["B"],
            region=region["SE11"], county=county["SE110"], owner=company, name="Unga in",
            total_budget=4_000_000,
            esf_grant=1_840_000, planned_participants=None, start_date=today + year,
            end_date=today + 2 * year, cofinancing_rate=Decimal("46")),
        ProjectFactory(diary_number="23-010-S03", programme=plus, programme_area=None,
            region=None, owner=unnumbered, name="\tTabb först", total_budget=0, esf_grant=0,
            planned_participants=60, start_date=today - 2 * year, end_date=today + year,
            cofinancing_rate=None, strategic_importance=True),
        ProjectFactory(diary_number="24-011-S01", programme=plus, programme_area=area["A"],
            region=national, county=county["SE213"], owner=company, name="Nationellt stöd",
            total_budget=8_000_000,
            esf_grant=3_680_000, planned_participants=60, start_date=today - 2 * year,
            end_date=today + year, cofinancing_rate=Decimal("46")),
    ]  # fmt: skip
    # Each project has its grant (the factory records it); 2015/00001 was cut by 250 000 kr
    # later (to 5 000 000 kr), and 2019/00419 has a snapshot that restates nothing.
    DecisionFactory(project=projects[0], decided_on=datetime.date(2016, 5, 3),
                    kind="change", esf_grant_change=-250_000, total_budget_change=None)  # fmt: skip
    DecisionFactory(project=projects[1], decided_on=None, kind="snapshot",
                    esf_grant_change=None, total_budget_change=None)  # fmt: skip
    for project in projects:
        project.refresh_from_db()
    return projects


@pytest.fixture
def portfolio():
    return make_portfolio()


def read_csv(response, delimiter=",") -> tuple[bytes, list[list[str]]]:
    body = b"".join(response.streaming_content)
    text = body.decode("utf-8-sig")
    return body, list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def defused(text: str) -> str:
    return "'" + text if text.startswith(("=", "+", "-", "@", "\t", "\r")) else text


def expected_row(project: Project, *, decimal_comma: bool = False) -> list[str]:
    """One CSV row as the database says it should be, written independently of projects/exports/."""
    project = Project.objects.get(pk=project.pk)  # as stored: Decimal("50") reads back "50.00"

    def text(value) -> str:
        return "" if value is None else defused(str(value))

    def number(value) -> str:
        if value is None:
            return ""
        return str(value).replace(".", ",") if decimal_comma else str(value)

    def name(row) -> str:
        return defused(row.name("sv")) if row else ""

    yes_no = {True: "Ja", False: "Nej", None: ""}
    status = {"upcoming": "Kommande", "ongoing": "Pågående", "finished": "Avslutat"}
    decisions = project.decisions.all()
    dated = [d.decided_on for d in decisions if d.decided_on]
    region = project.region
    return [
        text(project.diary_number),
        text(project.name),
        project.programme.code,
        name(project.programme),
        project.programme.cci,
        project.programme.fund,
        text(project.owner.name),
        text(project.owner.org_number),
        text(project.owner_unit),
        region.code if region else "",
        name(region),
        region.code if region and not region.is_national else "",
        text(project.city),
        text(project.postcode),
        project.start_date.isoformat(),
        project.end_date.isoformat(),
        status[project.status()],
        number(project.total_budget),
        number(project.esf_grant),
        number(project.cofinancing_rate),
        number(project.esf_share_of_budget),
        project.programme_area.code if project.programme_area else "",
        name(project.programme_area),
        project.specific_objective.code if project.specific_objective else "",
        name(project.specific_objective),
        project.intervention_field.code if project.intervention_field else "",
        name(project.intervention_field),
        number(project.planned_participants),
        number(project.participant_goal),
        yes_no[project.child_poverty_theme],
        yes_no[project.strategic_importance],
        str(len(decisions)),
        max(dated).isoformat() if dated else "",
        text(project.description),
        f"http://testserver/projects/{project.slug}/",
        yes_no[project.is_demo],
        project.county.code if project.county else "",
        name(project.county),
    ]


def test_it_streams(client, portfolio):
    response = client.get(URL)
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"


def test_round_trip_every_column_of_a_filtered_set(client, portfolio):
    response = client.get(f"{URL}?region=SE21&region=SE33&sort=diary_number")
    body, rows = read_csv(response)
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM that makes Excel read UTF-8
    assert rows[0] == [column.sv for column in columns.COLUMNS]
    expected = [p for p in portfolio if p.region and p.region.code in ("SE21", "SE33")]
    assert len(rows) - 1 == len(expected) == 4
    for row, project in zip(rows[1:], sorted(expected, key=lambda p: p.diary_number), strict=True):
        assert row == expected_row(project)


def test_whole_registry_has_every_project_and_the_unknowns_empty(client, portfolio):
    _body, rows = read_csv(client.get(f"{URL}?sort=diary_number"))
    by_diary = {row[0]: row for row in rows[1:]}
    assert len(by_diary) == len(portfolio)
    for project in portfolio:
        assert by_diary[project.diary_number] == expected_row(project)
    no_region = by_diary["23-010-S03"]
    assert no_region[9:12] == ["", "", ""] and no_region[-2:] == ["", ""]  # no region, no county
    assert no_region[20] == ""  # ESF share unknown when the budget is 0
    # a national project keeps its region and has its beneficiary's county (the last columns)
    assert by_diary["24-011-S01"][9:12] == ["ESF-Nationellt", "ESF-Nationellt", ""]
    assert by_diary["24-011-S01"][-2:] == ["SE213", "Kalmar län"]
    assert by_diary["2019/00419"][-2:] == ["SE322", "Jämtlands län"]


def test_swedish_letters_survive(client, portfolio):
    body, rows = read_csv(client.get(f"{URL}?region=SE33"))
    assert "Vägar till egenförsörjning" in body.decode("utf-8-sig")
    assert rows[1][12] == "Östersund"
    assert rows[0][6] == "Projektägare"


def test_numbers_are_raw_and_dates_iso(client, portfolio):
    _body, rows = read_csv(client.get(f"{URL}?region=SE33"))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Beviljat ESF-stöd (kr)"] == "19895809"
    assert row["Unionens medfinansieringsgrad (%)"] == "66.73"
    assert row["ESF-stödets andel av budgeten (%)"] == "66.7"
    assert row["Startdatum"] == "2020-02-01"
    assert row["Antal beslut"] == "2"  # the grant and an undated snapshot
    assert row["Senaste beslutsdatum"] == "2020-01-02"  # the grant's; the snapshot has none


def test_semicolon_mode_parses_with_decimal_comma(client, portfolio):
    response = client.get(f"{URL}?sep=semicolon&region=SE21&region=SE33&sort=diary_number")
    body, rows = read_csv(response, delimiter=";")
    assert body.startswith(b"\xef\xbb\xbf")
    assert b"66,73" in body and b"66.73" not in body
    expected = sorted(
        (p for p in portfolio if p.region and p.region.code in ("SE21", "SE33")),
        key=lambda p: p.diary_number,
    )
    assert rows[1:] == [expected_row(p, decimal_comma=True) for p in expected]
    row = dict(zip(rows[0], rows[2], strict=True))
    assert Decimal(row["Unionens medfinansieringsgrad (%)"].replace(",", ".")) == Decimal("66.73")


def test_cells_a_spreadsheet_would_run_are_neutralised(client, portfolio):
    _body, rows = read_csv(client.get(f"{URL}?sort=diary_number"))
    by_diary = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    row = by_diary["2020/00152"]
    assert row["Projektnamn"] == "'=SUM(A1:A9)"
    assert row["Beskrivning"] == "'-1+1"
    assert row["Ort"] == "'+46 70 123"
    assert row["Projektägarens enhet"] == "'@cmd"
    assert by_diary["23-010-S03"]["Projektnamn"] == "'\tTabb först"
    assert by_diary["23-010-S03"]["Projektägare"] == '\'=HYPERLINK("http://x")'
    for line in rows[1:]:
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in line)


@pytest.mark.parametrize("text", ["=SUM(A1:A9)", "+46 70 123", "-1+1", "@cmd", "\tx", "\rx"])
def test_csv_cell_prefixes_text_a_spreadsheet_would_run(text):
    assert cells.csv_cell(text, decimal_comma=False) == "'" + text


@pytest.mark.parametrize("value", [-250_000, -1, 0, Decimal("-12.50"), datetime.date(2020, 1, 2)])
def test_csv_cell_leaves_numbers_negative_ones_too(value):
    assert cells.csv_cell(value, decimal_comma=False) == value


def test_csv_cell_writes_a_decimal_comma_only_in_semicolon_mode():
    assert cells.csv_cell(Decimal("-12.50"), decimal_comma=True) == "-12,50"
    assert cells.csv_cell(-5, decimal_comma=True) == -5
    assert cells.csv_cell("Välfärd", decimal_comma=True) == "Välfärd"


def test_csv_text_quotes_only_what_must_be_quoted():
    comma = csv_export.csv_text(delimiter=",", decimal_comma=False)
    assert comma(-250_000) == "-250000"
    assert comma(None) == ""
    assert comma("Välfärd; vård") == "Välfärd; vård"
    assert comma('Sa "hej", sa hon') == '"Sa ""hej"", sa hon"'
    assert comma("rad 1\nrad 2") == '"rad 1\nrad 2"'
    assert comma("=1+1") == "'=1+1"
    semicolon = csv_export.csv_text(delimiter=";", decimal_comma=True)
    assert semicolon("Välfärd; vård") == '"Välfärd; vård"'
    assert semicolon(Decimal("-12.50")) == "-12,50"


def list_order(client, query: str) -> list[str]:
    response = client.get(f"{LIST_URL}?{query}&size=200")
    return [project.diary_number for project in response.context["page"].object_list]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "region=SE21&sort=-grant",
        "status=ongoing",
        "programme=2021-2027&sort=name",
        "sort=rate",
        "sort=-participants",
        "esf_grant_min=1000000&sort=budget",
        "q=Kompetens",
        "q=kompetenslyft&sort=-start",
        "legal_form=2&region=SE99",
        "rate_min=abc&region=SE21",
    ],
)
def test_filters_and_sort_are_those_of_the_list(client, portfolio, query):
    _body, rows = read_csv(client.get(f"{URL}?{query}"))
    assert [row[0] for row in rows[1:]] == list_order(client, query)


def test_search_exports_on_postgresql_too(client, portfolio):
    # On PostgreSQL the search adds a rank annotation beside the decision aggregates
    _body, rows = read_csv(client.get(f"{URL}?q=Kompetenslyft&sort=relevance"))
    assert [row[0] for row in rows[1:]] == ["2015/00001"]
    assert rows[1][31] == "2"


def test_invalid_parameters_export_the_valid_part_and_say_what_was_ignored(client, portfolio):
    response = client.get(f"{URL}?region=SE21&region=XX&rate_min=abc&sep=tab&lang=fi")
    assert response.status_code == 200
    _body, rows = read_csv(response)
    assert {row[0] for row in rows[1:]} == {"2015/00001", "2020/00152", "22-005-S01"}
    assert response["X-ESF-Ignored-Parameters"] == "lang, sep, region, rate"


@pytest.mark.parametrize(
    ("query", "diary_numbers"),
    [
        ("county=SE213", {"2015/00001", "2020/00152", "22-005-S01", "24-011-S01"}),
        ("county=SE213&region=SE21", {"2015/00001", "2020/00152", "22-005-S01"}),
        ("county=SE322&county=SE110", {"2019/00419", "23-010-S02"}),
        ("county=none", {"23-010-S03"}),
    ],
)
def test_county_filter_exports_the_county_s_projects(client, portfolio, query, diary_numbers):
    chosen = QueryDict(query).getlist("county")
    # COPY writes PostgreSQL's rows; the Python rows are written everywhere
    for use_copy in (True, False) if connection.vendor == "postgresql" else (False,):
        export = Export(QueryDict(query), base_url="http://testserver")
        body = b"".join(csv_export.csv_chunks(export, use_copy=use_copy))
        rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
        assert {row[0] for row in rows[1:]} == diary_numbers
        counties = {row[-2] or "none" for row in rows[1:]}
        assert counties <= set(chosen)
    response = client.get(f"{URL}?{query}")
    assert len(read_csv(response)[1]) - 1 == len(diary_numbers)
    assert "X-ESF-Ignored-Parameters" not in response


def test_english_and_bilingual_headers(client, portfolio):
    _body, rows = read_csv(client.get(f"{URL}?lang=en&region=SE33"))
    assert rows[0][:2] == ["Diary number", "Project name"]
    assert rows[1][10] == "Upper Norrland"
    assert rows[0][-2:] == ["County code (NUTS-3)", "County"]
    assert rows[1][-2:] == ["SE322", "Jämtland County"]
    assert rows[1][16] == "Finished"
    _body, rows = read_csv(client.get(f"{URL}?headers=both"))
    assert rows[0][0] == "Diarienummer / Diary number"
    assert rows[1][16] in {"Kommande", "Pågående", "Avslutat"}  # values follow lang (sv)


def test_english_ui_gives_english_headers_and_english_page_links(client, portfolio):
    _body, rows = read_csv(client.get(f"/en{URL}?region=SE33"))
    assert rows[0][0] == "Diary number"
    assert rows[1][-4] == "http://testserver/en/projects/2019-00419/"
    assert rows[1][-3] == "No"  # demo data: a real project


def test_filename_has_the_date_and_a_hint_of_the_filter(client, portfolio):
    today = timezone.localdate().isoformat()
    response = client.get(f"{URL}?region=SE21&status=finished&q=vård")
    disposition = f'attachment; filename="esf-projekt-{today}-SE21-finished.csv"'
    assert response["Content-Disposition"] == disposition
    assert client.get(URL)["Content-Disposition"].endswith(f'esf-projekt-{today}.csv"')
    many = "&".join(f"region={code}" for code in ["SE11", "SE12", "SE21", "SE22", "SE23"])
    name = client.get(f"{URL}?{many}&programme=2014-2020")["Content-Disposition"]
    assert len(name.split('"')[1]) <= len(f"esf-projekt-{today}-.csv") + 40


@pytest.mark.parametrize("n_projects", [1, 40])
def test_query_count_does_not_grow_with_rows(client, django_assert_num_queries, n_projects):
    projects = ProjectFactory.create_batch(n_projects)
    DecisionFactory(project=projects[0])
    # 6 reference lists (programmes, regions, counties, areas, objectives, interventions), then
    # the rows:
    # PostgreSQL turns JIT off and COPYs them; elsewhere 1 query with the owner joined and
    # decisions counted (code-list names come from memory)
    with django_assert_num_queries(8 if connection.vendor == "postgresql" else 7):
        response = client.get(URL)
        body = b"".join(response.streaming_content)
    assert body.count(b"\n") == n_projects + 1


def test_an_empty_set_is_a_header_only(client, portfolio):
    _body, rows = read_csv(client.get(f"{URL}?region=SE12"))
    assert len(rows) == 1


def test_a_code_list_row_added_after_the_lists_were_loaded_is_still_named(portfolio):
    export = Export(QueryDict(""), base_url="http://testserver")
    new_region = Region.objects.create(code="SE99", name_sv="Nyregion", name_en="New region")
    Project.objects.filter(diary_number="2015/00001").update(region=new_region)
    rows = [row for row in export.rows("xlsx") if row[0] == "2015/00001"]
    assert rows[0][9:12] == ["SE99", "Nyregion", "SE99"]


def test_the_list_links_to_the_exports_of_its_filter(client, portfolio):
    html = client.get(f"{LIST_URL}?region=SE21").content.decode()
    assert f'href="{URL}?region=SE21"' in html
    assert f'href="{URL}?sep=semicolon&amp;region=SE21"' in html
    assert f'href="{reverse("projects:export_json")}?region=SE21"' in html
    assert f'href="{reverse("projects:export_xlsx")}?region=SE21"' in html


def test_the_organisation_without_number_is_empty_not_none(client, portfolio):
    assert Organisation.objects.filter(org_number=None).exists()
    _body, rows = read_csv(client.get(URL))
    row = next(r for r in rows if r[0] == "23-010-S03")
    assert row[7] == "" and "None" not in row


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
@pytest.mark.parametrize(
    "query",
    [
        "",
        "sep=semicolon",
        "lang=en&headers=both",
        "lang=en&sep=semicolon&sort=-grant",
        "region=SE21&region=SE33&sort=name",
        "status=ongoing&sort=-start",
        "county=SE213&lang=en",
        "county=none",
    ],
)
def test_postgresql_copy_writes_the_bytes_python_writes(portfolio, query):
    """COPY's CSV must be byte for byte the Python writer's, for every kind of cell."""
    first = portfolio[0]
    Region.objects.filter(code="SE33").update(name_en="")  # English falls back to Swedish
    ProjectFactory(diary_number="2016/00002", programme=first.programme, region=first.region,
                   owner=first.owner, name='Semikolon; "citat", slut\r\nrad', owner_unit="",
                   city="", total_budget=10_000, esf_grant=1_225,  # 12.25 %: rounds up
                   description="+ plus först", child_poverty_theme=None)  # fmt: skip
    ProjectFactory(
        diary_number="2016/00003",
        programme=first.programme,
        region=first.region,
        owner=first.owner,
        name="Tre",
        total_budget=3,
        esf_grant=2,
    )  # 66.666… %
    export = lambda: Export(  # noqa: E731
        QueryDict(query), base_url="http://testserver"
    )
    copied = b"".join(csv_export.csv_chunks(export()))
    written = b"".join(csv_export.csv_chunks(export(), use_copy=False))
    assert copied == written
    assert copied.count(b"\n") > 2
