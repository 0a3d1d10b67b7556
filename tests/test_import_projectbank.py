"""Importing project-bank pages: saved fields, history, idempotency, rejections, the command."""

import datetime
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from projects import services
from projects.importers import projectbank, save, text, values
from projects.models import (
    Decision,
    Organisation,
    Programme,
    ProgrammeArea,
    Project,
    Region,
)

pytestmark = pytest.mark.django_db

SEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "projectbank"
DATA = Path(__file__).resolve().parent / "data" / "projectbank"
SEED_2014 = SEEDS / "001_1edcad09a78b9a57.txt"
SEED_ESF_PLUS = SEEDS / "002_03dc92fa27c0c321.txt"
SEED_WITH_GOAL = SEEDS / "003_bd4f60a2f63cc788.txt"
NEWS = SEEDS.parent / "news"
NEWS_ITEMS = [NEWS / "000_dc4018ebfd2e4e16.txt", NEWS / "004_6ef21ffb7d31aa7b.txt"]


def run(*paths: Path, partial: bool = False):
    """Parse and save as the command does; returns the report."""
    results = [result for path in paths for result in projectbank.parse_path(path)]
    return save.import_pages(results, partial=partial)


def variant(tmp_path: Path, seed: Path, *replacements: tuple[str, str], name: str = "") -> Path:
    """A copy of a seed page with some text replaced (each replacement must apply)."""
    text = seed.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / (name or seed.name)
    path.write_text(text, encoding="utf-8")
    return path


def history_rows() -> tuple[int, ...]:
    return tuple(
        model.history.model.objects.count()
        for model in (Project, Decision, Organisation, Region, ProgrammeArea)
    )


# --- The seed pages -------------------------------------------------------------------------


def test_fortsatt_sla_page_is_saved_with_every_field_of_the_page():
    report = run(SEED_2014)

    assert report.counts()["created"] == 1
    project = Project.objects.get(diary_number="2020/00152")
    assert project.slug == "2020-00152"
    assert project.programme.period == "2014-2020"
    assert project.name == "Fortsatt SLA"
    assert project.owner.name == "Kommunförbundet Kalmar län"
    assert project.owner.org_number is None
    assert project.owner_unit == ""
    assert project.region.code == "SE21"
    assert project.start_date == datetime.date(2020, 8, 17)
    assert project.end_date == datetime.date(2022, 12, 31)
    assert project.total_budget == 36_619_373
    assert project.esf_grant == 17_207_538
    assert isinstance(project.total_budget, int) and isinstance(project.esf_grant, int)
    assert project.cofinancing_rate == Decimal("50.00")
    assert isinstance(project.cofinancing_rate, Decimal)
    assert project.programme_area.code == "2"
    assert project.specific_objective.code == "2.3"
    assert project.intervention_field.code == "109"
    assert project.intervention_field.programme == project.programme
    assert project.planned_participants == 446
    assert project.participant_goal is None
    assert project.contact_name == "Matilda Svensson"
    assert project.contact_email == "matilda.svensson@kfkl.se"
    assert project.postcode == "39127"
    assert project.country == "Sverige"
    assert project.description.startswith("Fortsatt Samverkan leder till arbete syftar till")
    assert project.description.endswith("samt Företagarna och Samordningsför-bundet.")
    assert project.description.count("\n\n") == 2
    assert project.source_url == ""
    assert project.is_demo is False


def test_sia_page_is_saved_as_an_esf_plus_project_without_budget():
    run(SEED_ESF_PLUS)

    project = Project.objects.get(diary_number="22-005-S01")
    assert project.slug == "22-005-S01"
    assert project.programme.period == "2021-2027"
    assert project.programme.fund == Programme.Fund.ESF_PLUS
    assert project.programme.cci == "2021SE05SFPR001"
    assert project.name == "Samverkan, inkludering och anställningsbarhet - Kalmar län (SIA)"
    assert project.owner.name == "KOMMUNFÖRBUNDET KALMAR LÄN"
    assert project.owner.org_number == "8025185011"
    assert project.owner.legal_form == "8"
    assert project.owner_unit == ""
    assert project.region.code == "SE21"
    assert project.programme_area.code == "A"
    assert project.specific_objective.code == "A2A"
    assert project.intervention_field.code == "140"
    assert project.planned_participants == 584
    assert project.participant_goal == 350
    assert project.child_poverty_theme is False
    assert project.strategic_importance is False
    assert project.city == "KALMAR"
    assert project.postcode == "39127"
    assert project.country == "Sverige"
    assert project.cofinancing_rate == Decimal("40.00")
    assert (project.start_date, project.end_date) == (
        datetime.date(2023, 2, 1),
        datetime.date(2026, 1, 31),
    )
    assert project.total_budget is None
    assert project.esf_grant is None


def test_vagar_page_keeps_the_owner_unit_and_the_goal_from_the_description():
    run(SEED_WITH_GOAL)

    project = Project.objects.get(diary_number="2019/00419")
    assert project.owner.name == "Region Jämtland Härjedalen"
    assert project.owner_unit == "Välfärd och klimat"
    assert project.region.code == "SE32"
    assert project.participant_goal == 125
    assert project.planned_participants == 210
    assert (project.total_budget, project.esf_grant) == (29_815_599, 19_895_809)
    assert project.specific_objective.code == "2.1"
    assert project.intervention_field.code == "102"
    assert project.postcode == "83127"
    assert project.address == ""


def test_news_items_are_skipped_with_a_reason():
    report = run(*NEWS_ITEMS)

    assert report.counts() == {
        "created": 0,
        "changed": 0,
        "unchanged": 0,
        "skipped": 2,
        "rejected": 0,
    }
    assert {item.reason for item in report.skipped} == {projectbank.SKIP_NOT_PROJECT}
    assert Project.objects.count() == 0


def test_the_seed_directory_imports_three_projects_and_skips_nothing():
    report = run(SEEDS)

    assert report.summary() == "3 created, 0 changed, 0 unchanged, 0 skipped, 0 rejected"
    assert report.rejections == []
    assert set(Project.objects.values_list("diary_number", flat=True)) == {
        "2020/00152",
        "22-005-S01",
        "2019/00419",
    }


def test_a_new_project_gets_one_snapshot_decision_holding_its_figures():
    run(SEED_2014)

    project = Project.objects.get(diary_number="2020/00152")
    (decision,) = project.decisions.all()
    assert decision.kind == Decision.Kind.SNAPSHOT
    assert decision.decided_on is None
    assert decision.esf_grant_change == 17_207_538
    assert decision.total_budget_change == 36_619_373
    assert decision.new_end_date == datetime.date(2022, 12, 31)
    assert decision.note == f"Projektbanken, {SEED_2014.name}, hämtad {timezone.localdate()}"
    assert "/" not in decision.note  # never the importing machine's path
    assert services.aggregate_decisions(project) == {
        "esf_grant": 17_207_538,
        "total_budget": 36_619_373,
    }
    assert project.history.count() == 1
    assert project.history.first().history_change_reason == f"Import: {decision.note}"


def test_pages_of_one_owner_share_one_organisation_that_gets_the_number():
    report = run(SEED_2014, SEED_ESF_PLUS)

    assert Organisation.objects.count() == 1
    organisation = Organisation.objects.get()
    assert (organisation.name, organisation.org_number) == (
        "Kommunförbundet Kalmar län",
        "8025185011",
    )
    assert organisation.projects.count() == 2
    assert any("fick organisationsnummer 8025185011" in w.message for w in report.warnings)


# --- HTML -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("html_name", "seed", "diary_number"),
    [
        ("001_fortsatt_sla_dl.html", SEED_2014, "2020/00152"),
        ("002_sia_table.html", SEED_ESF_PLUS, "22-005-S01"),
        ("003_vagar_divs.html", SEED_WITH_GOAL, "2019/00419"),
    ],
)
def test_html_variant_gives_the_same_record_as_the_text_page(html_name, seed, diary_number):
    run(DATA / html_name)
    from_html = Project.objects.filter(diary_number=diary_number).values().get()

    report = run(seed)

    assert report.counts()["unchanged"] == 1
    from_text = Project.objects.filter(diary_number=diary_number).values().get()
    assert from_text == from_html


def test_canonical_link_of_a_saved_html_page_becomes_the_source_url(tmp_path):
    html = (DATA / "001_fortsatt_sla_dl.html").read_text(encoding="utf-8")
    url = "https://www.esf.se/projektbanken/2020-00152-fortsatt-sla/"
    html = html.replace(
        '<meta charset="utf-8">', f'<meta charset="utf-8">\n<link rel="canonical" href="{url}">'
    )
    (tmp_path / "page.html").write_text(html, encoding="utf-8")

    assert projectbank.parse_path(tmp_path / "page.html")[0].page.source_url == url
    run(tmp_path / "page.html")
    assert Project.objects.get().source_url == url


def test_og_url_is_used_when_there_is_no_canonical_link():
    html = (
        b'<html><head><meta property="og:url" content="https://www.esf.se/p/1/">'
        b'<link rel="canonical" href="javascript:alert(1)"></head><body><dl>'
        b"<dt>Diarienummer</dt><dd>2020/00152</dd><dt>Namn</dt><dd>X</dd></dl></body></html>"
    )
    assert (
        projectbank.parse_bytes(html, source="a.html").page.source_url == "https://www.esf.se/p/1/"
    )


# --- Idempotency and changes ------------------------------------------------------------------


def test_a_second_identical_run_changes_nothing_and_writes_no_history():
    run(SEEDS, DATA / "001_fortsatt_sla_dl.html")
    before = history_rows()
    updated = dict(Project.objects.values_list("diary_number", "updated_at"))

    report = run(SEEDS, DATA / "001_fortsatt_sla_dl.html")

    assert report.summary().startswith("0 created, 0 changed, 4 unchanged")
    assert history_rows() == before
    assert dict(Project.objects.values_list("diary_number", "updated_at")) == updated
    assert Decision.objects.count() == 3


def test_a_changed_figure_records_one_snapshot_decision_with_the_difference(tmp_path):
    run(SEED_2014)
    changed = variant(
        tmp_path, SEED_2014, ("17 207 538", "18 207 538"), ("36 619 373", "38 619 373")
    )
    history_before = Project.history.filter(diary_number="2020/00152").count()

    report = run(changed)

    assert report.summary().startswith("0 created, 1 changed, 0 unchanged")
    assert report.records[0].fields == ("esf_grant", "total_budget")
    project = Project.objects.get(diary_number="2020/00152")
    assert (project.esf_grant, project.total_budget) == (18_207_538, 38_619_373)
    snapshot = project.decisions.order_by("id").last()
    assert project.decisions.count() == 2
    assert snapshot.kind == Decision.Kind.SNAPSHOT
    assert snapshot.decided_on is None
    assert (snapshot.esf_grant_change, snapshot.total_budget_change) == (1_000_000, 2_000_000)
    assert snapshot.new_end_date is None
    assert snapshot.note == f"Projektbanken, {changed.name}, hämtad {timezone.localdate()}"
    assert Project.history.filter(diary_number="2020/00152").count() > history_before


def test_a_moved_end_date_is_a_snapshot_with_the_new_end_date(tmp_path):
    run(SEED_2014)
    extended = variant(tmp_path, SEED_2014, ("2022-12-31", "2023-06-30"))

    run(extended)

    project = Project.objects.get()
    assert project.end_date == datetime.date(2023, 6, 30)
    snapshot = project.decisions.order_by("id").last()
    assert (snapshot.esf_grant_change, snapshot.total_budget_change) == (None, None)
    assert snapshot.new_end_date == datetime.date(2023, 6, 30)
    assert (project.esf_grant, project.total_budget) == (17_207_538, 36_619_373)


def test_a_page_without_figures_keeps_the_known_ones(tmp_path):
    run(SEED_2014)
    without = variant(
        tmp_path,
        SEED_2014,
        ("Total projektbudget:\n36 619 373\n", ""),
        ("Beviljat ESF-stöd:\n17 207 538\n", ""),
    )

    report = run(without)

    assert report.counts()["unchanged"] == 1
    project = Project.objects.get()
    assert (project.esf_grant, project.total_budget) == (17_207_538, 36_619_373)
    assert project.decisions.count() == 1


def test_an_unknown_budget_becoming_known_is_a_change_from_none(tmp_path):
    run(SEED_ESF_PLUS)
    with_budget = variant(
        tmp_path,
        SEED_ESF_PLUS,
        (
            "Slutdatum:\n2026-01-31\n",
            "Slutdatum:\n2026-01-31\n"
            "Total projektbudget:\n10 000 000\nBeviljat ESF+-stöd:\n4 000 000\n",
        ),
    )

    report = run(with_budget)

    assert report.counts()["changed"] == 1
    project = Project.objects.get()
    assert (project.total_budget, project.esf_grant) == (10_000_000, 4_000_000)
    snapshot = project.decisions.order_by("id").last()
    assert (snapshot.total_budget_change, snapshot.esf_grant_change) == (10_000_000, 4_000_000)


def test_a_changed_text_field_is_saved_without_a_decision(tmp_path):
    run(SEED_2014)
    renamed = variant(tmp_path, SEED_2014, ("Matilda Svensson", "Maja Svensson"))

    report = run(renamed)

    assert report.records[0].outcome == "changed"
    assert report.records[0].fields == ("contact_name",)
    project = Project.objects.get()
    assert project.contact_name == "Maja Svensson"
    assert project.decisions.count() == 1


def test_the_same_project_twice_in_one_run_ends_with_the_later_figures(tmp_path):
    changed = variant(tmp_path, SEED_2014, ("17 207 538", "17 000 000"), name="zz_later.txt")

    report = run(SEED_2014, changed)

    assert report.summary().startswith("1 created, 1 changed")
    project = Project.objects.get()
    assert project.esf_grant == 17_000_000
    assert [d.esf_grant_change for d in project.decisions.order_by("id")] == [17_207_538, -207_538]
    assert any("förekom redan" in warning.message for warning in report.warnings)


# --- Unknown codes ----------------------------------------------------------------------------


def test_unknown_codes_and_regions_are_created_unnamed_and_warned(tmp_path):
    page = variant(
        tmp_path,
        SEED_ESF_PLUS,
        ("Programområde:\nA\n", "Programområde:\nG\n"),
        ("NUTS-2 kod:\nSE21", "NUTS-2 kod:\nSE99"),
        ("Region:\nSmåland & Öarna", "Region:\nNya regionen"),
        ("Interventionstyp:\n140", "Interventionstyp:\n999"),
    )

    report = run(page)

    assert report.counts()["created"] == 1
    project = Project.objects.get()
    assert (project.region.code, project.region.name_sv, project.region.name_en) == ("SE99", "", "")
    assert (project.programme_area.code, project.programme_area.name_sv) == ("G", "")
    assert project.programme_area.programme == project.programme
    assert project.specific_objective.code == "A2A"
    assert project.specific_objective.programme_area == project.programme_area
    assert project.intervention_field.code == "999"
    messages = " ".join(warning.message for warning in report.warnings)
    for code in ("'G'", "'A2A'", "'SE99'", "'999'"):
        assert f"{code} lades till utan namn" in messages

    again = run(page)
    assert again.counts()["unchanged"] == 1
    assert not any("lades till" in warning.message for warning in again.warnings)


def test_a_region_name_is_matched_through_aliases_and_och_for_ampersand(tmp_path):
    page = variant(tmp_path, SEED_2014, ("Småland & Öarna", "SMÅLAND OCH ÖARNA"))

    run(page)

    assert Project.objects.get().region.code == "SE21"


def test_an_unknown_region_name_without_code_is_created_with_the_name_as_code(tmp_path):
    page = variant(tmp_path, SEED_2014, ("Småland & Öarna", "Gotland"))

    report = run(page)

    assert Project.objects.get().region.code == "Gotland"
    assert any("'Gotland' lades till utan namn" in w.message for w in report.warnings)


# --- Rejections -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("replacements", "field", "value", "reason"),
    [
        (
            [("36 619 373", "12 3x4")],
            "Total projektbudget",
            "12 3x4",
            values.AMOUNT_REASON,
        ),
        (
            [("2020-08-17 - 2022-12-31", "2020-08-17 - 2019-12-31")],
            "Projektperiod",
            "2020-08-17 - 2019-12-31",
            "Slutdatum 2019-12-31 ligger före startdatum 2020-08-17.",
        ),
        (
            [("17 207 538", "40 000 000")],
            "Beviljat ESF-stöd",
            "40 000 000",
            "Beviljat stöd (40000000 kr) är större än total projektbudget (36619373 kr).",
        ),
        (
            [
                ("2020/00152 - Fortsatt SLA\n", ""),
                ("Diarienummer:\n2020/00152\n", ""),
                ("Projektnummer:\n2020/00152\n", ""),
            ],
            "Diarienummer",
            "",
            "Diarienummer saknas: sidan har projektfält men inget diarienummer.",
        ),
        (
            [("matilda.svensson@kfkl.se", "matilda.svensson(at)kfkl")],
            "E-post",
            "matilda.svensson(at)kfkl",
            "Fyll i en giltig e-postadress.",
        ),
    ],
    ids=["budget-12-3x4", "end-before-start", "esf-above-budget", "no-diary-number", "bad-email"],
)
def test_an_invalid_page_is_rejected_with_field_value_and_reason(
    tmp_path, replacements, field, value, reason
):
    page = variant(tmp_path, SEED_2014, *replacements)

    report = run(page, SEED_ESF_PLUS, partial=True)

    assert report.rejected == 1
    (rejection,) = report.rejections
    assert (rejection.source, rejection.field, rejection.value) == (str(page), field, value)
    assert reason in rejection.reason
    assert list(Project.objects.values_list("diary_number", flat=True)) == ["22-005-S01"]
    assert Organisation.objects.get().name == "KOMMUNFÖRBUNDET KALMAR LÄN"
    assert Decision.objects.count() == 1


def test_a_broken_organisation_number_is_rejected(tmp_path):
    page = variant(tmp_path, SEED_ESF_PLUS, ("\n8025185011\n", "\n8025185012\n"))

    report = run(page)

    (rejection,) = report.rejections
    assert (rejection.field, rejection.value) == ("Projektägare organisationsnummer", "8025185012")
    assert "Luhn" in rejection.reason
    assert Organisation.objects.count() == 0


def test_a_page_rejected_while_saving_leaves_no_new_reference_rows(tmp_path):
    page = variant(
        tmp_path,
        SEED_2014,
        ("Programområde:\n2\n", "Programområde:\n9\n"),
        ("matilda.svensson@kfkl.se", "inte-en-adress"),
    )
    areas = ProgrammeArea.objects.count()

    report = run(page)

    assert report.rejected == 1
    assert ProgrammeArea.objects.count() == areas
    assert Organisation.objects.count() == 0


def test_the_malformed_test_files_are_rejected_skipped_or_warned():
    report = run(DATA, partial=True)

    by_source = {Path(item.source).name: item.reason for item in report.skipped}
    assert by_source == {
        "empty.txt": text.SKIP_EMPTY,
        "binary_image.txt": text.SKIP_BINARY,
    }
    assert [Path(r.source).name for r in report.rejections] == ["missing_diary_number.txt"]
    warnings = [w for w in report.warnings if w.source.endswith("cp1252_fortsatt_sla.txt")]
    assert text.WARN_CP1252 in [w.message.split(": ", 1)[-1] for w in warnings]
    assert Project.objects.filter(diary_number="2020/00152").exists()


def test_unknown_labels_are_reported_and_the_page_is_saved(tmp_path):
    page = variant(
        tmp_path,
        SEED_2014,
        ("Interventionstyp:\n109\n", "Interventionstyp:\n109\nKommun:\nKalmar\n"),
    )

    report = run(page)

    assert report.counts()["created"] == 1
    assert [(u.label, u.value) for u in report.unknown_labels] == [("Kommun", "Kalmar")]


# --- Transactions -----------------------------------------------------------------------------


def test_a_run_is_rolled_back_by_default_when_a_page_is_rejected(tmp_path):
    bad = variant(tmp_path, SEED_2014, ("36 619 373", "12 3x4"), name="bad.txt")

    report = run(SEEDS, bad)

    assert report.rolled_back is True
    assert report.counts()["rejected"] == 1
    assert report.counts()["created"] == 0
    assert Project.objects.count() == 0
    assert Organisation.objects.count() == 0
    assert Decision.objects.count() == 0


def test_partial_saves_the_pages_that_pass(tmp_path):
    bad = variant(tmp_path, SEED_2014, ("36 619 373", "12 3x4"), name="bad.txt")

    report = run(SEEDS, bad, partial=True)

    assert report.rolled_back is False
    assert report.summary() == "3 created, 0 changed, 0 unchanged, 0 skipped, 1 rejected"
    assert Project.objects.count() == 3


def test_all_saves_of_a_run_happen_in_one_transaction(monkeypatch):
    create_projects = services.create_projects

    def create_then_fail(**kwargs):
        create_projects(**kwargs)
        assert Project.objects.count() == 3
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "create_projects", create_then_fail)

    with pytest.raises(RuntimeError):
        run(SEEDS)

    assert Project.objects.count() == 0
    assert Organisation.objects.count() == 0


# --- The command ------------------------------------------------------------------------------


def test_command_prints_the_summary_and_exits_zero_when_only_news_is_skipped(capsys):
    call_command("import_projectbank", str(SEEDS), str(NEWS))

    out = capsys.readouterr().out
    for line in ("created          3", "skipped          2", "rejected         0"):
        assert line in out
    assert "3 created, 0 changed, 0 unchanged, 2 skipped, 0 rejected" in out


def test_command_saves_nothing_and_says_so_when_a_page_is_rejected(tmp_path, capsys):
    bad = variant(tmp_path, SEED_2014, ("36 619 373", "12 3x4"))

    with pytest.raises(CommandError) as raised:
        call_command("import_projectbank", str(bad), str(SEED_ESF_PLUS))

    assert raised.value.returncode == 1
    assert str(raised.value) == (
        "0 created, 0 changed, 0 unchanged, 0 skipped, 1 rejected; "
        "nothing was saved: 1 record was rejected"
    )
    out = capsys.readouterr().out
    assert "Nothing was saved: 1 record was rejected." in out
    assert f"{bad}:18: Total projektbudget '12 3x4': Ogiltigt belopp" in out
    assert Project.objects.count() == 0


def test_command_with_partial_saves_the_good_pages_and_exits_one(tmp_path):
    bad = variant(tmp_path, SEED_2014, ("36 619 373", "12 3x4"))

    with pytest.raises(CommandError) as raised:
        call_command("import_projectbank", str(bad), str(SEED_ESF_PLUS), "--partial")

    assert raised.value.returncode == 1
    assert str(raised.value) == "1 created, 0 changed, 0 unchanged, 0 skipped, 1 rejected"
    assert list(Project.objects.values_list("diary_number", flat=True)) == ["22-005-S01"]


def test_command_still_accepts_strict_for_older_scripts(tmp_path):
    bad = variant(tmp_path, SEED_2014, ("36 619 373", "12 3x4"))

    with pytest.raises(CommandError):
        call_command("import_projectbank", str(SEEDS), str(bad), "--strict")

    assert Project.objects.count() == 0
    call_command("import_projectbank", str(SEEDS), "--strict")
    assert Project.objects.count() == 3


def test_command_writes_the_json_report(tmp_path):
    bad = variant(tmp_path, SEED_2014, ("36 619 373", "12 3x4"), name="bad.txt")
    report_file = tmp_path / "report.json"

    with pytest.raises(CommandError):
        call_command(
            "import_projectbank",
            str(SEEDS),
            str(NEWS),
            str(bad),
            "--partial",
            "--report",
            str(report_file),
        )

    report = json.loads(report_file.read_text(encoding="utf-8"))
    assert set(report) == {
        "counts",
        "partial",
        "strict",
        "rolled_back",
        "records",
        "rejections",
        "skipped",
        "warnings",
        "unknown_labels",
        "conflicts",
        "ahead",
        "superseded",
        "prefer_source",
        "places",
        "errors",
    }
    assert (report["partial"], report["strict"], report["rolled_back"]) == (True, False, False)
    assert report["counts"] == {
        "created": 3,
        "changed": 0,
        "unchanged": 0,
        "skipped": 2,
        "rejected": 1,
    }
    assert report["rejections"] == [
        {
            "source": str(bad),
            "line": 18,
            "field": "Total projektbudget",
            "value": "12 3x4",
            "reason": values.AMOUNT_REASON,
        }
    ]
    assert {
        "source": str(SEED_2014),
        "line": None,
        "diary_number": "2020/00152",
        "outcome": "created",
        "fields": [],
    } in report["records"]
    assert report["skipped"][0] == {
        "source": str(NEWS_ITEMS[0]),
        "reason": projectbank.SKIP_NOT_PROJECT,
        "error": False,
    }
    assert {
        "source": str(SEED_WITH_GOAL),
        "message": "Fältet 'Stödmottagarens address' saknar värde.",
    } in report["warnings"]


def test_command_refuses_a_missing_path(tmp_path):
    with pytest.raises(CommandError, match="No such file or directory"):
        call_command("import_projectbank", str(tmp_path / "nope"))


# --- The bulk services the importers use ------------------------------------------------------


def test_a_long_file_name_is_cut_to_fit_the_history_reason(tmp_path):
    deep = tmp_path / ("mapp-" * 30)
    deep.mkdir()
    page = deep / ("sida-" * 30 + ".txt")
    page.write_bytes(SEED_2014.read_bytes())

    run(page)

    project = Project.objects.get()
    assert project.decisions.get().note.startswith(f"Projektbanken, {page.name}, hämtad")
    assert "mapp-" not in project.decisions.get().note  # the name, not the path
    reason = project.history.get().history_change_reason
    assert len(reason) == 100 and f"Import: {project.decisions.get().note}".startswith(reason)


def test_projects_created_after_an_import_get_fresh_ids():
    run(SEEDS)
    imported = set(Project.objects.values_list("id", flat=True))

    later = services.create_project(
        project=Project(
            diary_number="2020/00999",
            programme=Programme.objects.get(period="2014-2020"),
            name="Senare projekt",
            owner=Organisation.objects.first(),
            start_date=datetime.date(2021, 1, 1),
            end_date=datetime.date(2021, 12, 31),
        ),
        grant=Decision(kind=Decision.Kind.GRANT, decided_on=datetime.date(2020, 12, 1)),
    )

    assert later.pk not in imported
    assert Decision.objects.count() == 4


def test_update_projects_refuses_a_decision_that_breaks_the_totals():
    run(SEED_2014)
    project = Project.objects.get()
    too_much = Decision(kind=Decision.Kind.SNAPSHOT, esf_grant_change=30_000_000)

    with pytest.raises(ValidationError) as raised:
        services.update_projects(updates=[services.ProjectUpdate(project, (), too_much)])

    assert "esf_grant_change" in raised.value.message_dict
    project.refresh_from_db()
    assert (project.esf_grant, project.decisions.count()) == (17_207_538, 1)


@pytest.mark.parametrize("pages", [[SEED_2014], [SEED_2014, SEED_ESF_PLUS, SEED_WITH_GOAL]])
def test_an_unchanged_reimport_is_a_fixed_number_of_queries(django_assert_num_queries, pages):
    run(SEEDS)

    # savepoint; (PostgreSQL: the import lock); programmes, areas, objectives, interventions,
    # regions, aliases, counties, organisations; the named projects (locked) and their
    # decisions; release
    with django_assert_num_queries(13 if connection.vendor == "postgresql" else 12):
        report = run(*pages)

    assert report.counts()["unchanged"] == len(pages)


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/projektbanken/",
        "http://www.esf.se/p/1/",
        "https://esf.se.evil.example/",
    ],
)
def test_a_saved_page_naming_another_host_gets_no_source_link(url):
    html = (
        f'<html><head><link rel="canonical" href="{url}"></head><body><dl>'
        "<dt>Diarienummer</dt><dd>2020/00152</dd><dt>Namn</dt><dd>X</dd></dl></body></html>"
    ).encode()

    page = projectbank.parse_bytes(html, source="a.html").page

    assert page.source_url == ""
    assert any("ligger inte i projektbanken" in warning for warning in page.warnings)
