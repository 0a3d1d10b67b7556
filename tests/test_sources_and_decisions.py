"""Sources and hand-entered decisions combine predictably (docs/architecture.md).

The real seed pages are imported, a caseworker enters decisions as the admin does (through
`services.apply_decision`), and the pages are imported again, unchanged or changed.
"""

import datetime
from pathlib import Path

import pytest
from django.utils import timezone

from projects import services
from projects.importers import projectbank, save
from projects.importers.report import CONFLICT
from projects.models import Decision, Project

pytestmark = pytest.mark.django_db

SEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "projectbank"
SLA = SEEDS / "001_1edcad09a78b9a57.txt"  # 2020/00152: 36 619 373 kr budget, 17 207 538 kr ESF
SIA = SEEDS / "002_03dc92fa27c0c321.txt"  # 22-005-S01: no amounts, 2023-02-01 – 2026-01-31
VAGAR = SEEDS / "003_bd4f60a2f63cc788.txt"  # 2019/00419


def run(*paths: Path, prefer_source: bool = False):
    results = [result for path in paths for result in projectbank.parse_path(path)]
    return save.import_pages(results, prefer_source=prefer_source)


def variant(tmp_path: Path, seed: Path, *replacements: tuple[str, str]) -> Path:
    text = seed.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / seed.name
    path.write_text(text, encoding="utf-8")
    return path


def extend(diary_number: str, *, on: datetime.date, end: datetime.date, grant=0, budget=0):
    project = Project.objects.get(diary_number=diary_number)
    services.apply_decision(
        decision=Decision(
            project=project,
            kind=Decision.Kind.EXTENSION,
            decided_on=on,
            decided_by="Strukturfondspartnerskapet Småland och Öarna",
            esf_grant_change=grant or None,
            total_budget_change=budget or None,
            new_end_date=end,
        )
    )
    return Project.objects.get(pk=project.pk)


def figures(diary_number: str) -> tuple:
    project = Project.objects.get(diary_number=diary_number)
    return project.esf_grant, project.total_budget, project.end_date, project.decision_count


# --- a. the unchanged source again ------------------------------------------------------------
def test_an_unchanged_source_imported_again_keeps_a_hand_entered_extension():
    run(SLA)
    extend(
        "2020/00152",
        on=datetime.date(2022, 11, 1),
        end=datetime.date(2023, 6, 30),
        grant=1_000_000,
        budget=2_000_000,
    )
    before = figures("2020/00152")
    assert before == (18_207_538, 38_619_373, datetime.date(2023, 6, 30), 2)

    report = run(SLA)  # as `make run` does at every start

    assert figures("2020/00152") == before
    assert report.counts()["unchanged"] == 1
    assert [note.message for note in report.ahead] == [
        "2020/00152: registret ligger före källan (handlagda beslut förlängning 2022-11-01 "
        "syns inte i källan ännu); beloppen och slutdatumet behölls"
    ]
    assert not Decision.objects.filter(esf_grant_change__lt=0).exists()


# --- b. a changed source against hand-entered decisions ---------------------------------------
def test_a_source_that_disagrees_with_hand_entered_decisions_is_a_conflict(tmp_path):
    run(SLA)
    extend("2020/00152", on=datetime.date(2022, 11, 1), end=datetime.date(2023, 6, 30),
           grant=1_000_000, budget=2_000_000)  # fmt: skip
    changed = variant(tmp_path, SLA, ("36 619 373", "37 000 000"))
    before = figures("2020/00152")

    report = run(changed)

    assert figures("2020/00152") == before  # nothing undone, nothing added
    assert report.counts()[CONFLICT] == 1
    (conflict,) = report.conflicts
    assert conflict.message.replace("\N{NO-BREAK SPACE}", " ") == (
        "2020/00152: källan anger ESF-stöd 17 207 538 kr, total budget 37 000 000 kr, slutdatum "
        "2022-12-31, registret har ESF-stöd 18 207 538 kr, total budget 38 619 373 kr, slutdatum "
        "2023-06-30 efter handlagda beslut (förlängning 2022-11-01); projektet lämnades oförändrat"
    )
    assert not report.failed  # a conflict is a finding, not an error


def test_told_to_prefer_the_source_the_import_records_it_and_names_what_it_supersedes(tmp_path):
    run(SLA)
    extend("2020/00152", on=datetime.date(2022, 11, 1), end=datetime.date(2023, 6, 30),
           grant=1_000_000, budget=2_000_000)  # fmt: skip
    changed = variant(tmp_path, SLA, ("36 619 373", "37 000 000"))

    report = run(changed, prefer_source=True)

    # The source's figures, all of them: its grant and end date too.
    assert figures("2020/00152") == (17_207_538, 37_000_000, datetime.date(2022, 12, 31), 3)
    snapshot = Decision.objects.filter(kind=Decision.Kind.SNAPSHOT).latest("id")
    assert snapshot.total_budget_change == 37_000_000 - 38_619_373
    assert "ersätter handlagda beslut förlängning 2022-11-01" in snapshot.note
    assert [note.message for note in report.superseded] == ["2020/00152: förlängning 2022-11-01"]


# --- c. a backdated decision on a source without a date ---------------------------------------
@pytest.mark.parametrize("diary_number, seed", [("22-005-S01", SIA), ("2019/00419", VAGAR)])
def test_a_backdated_extension_applies_its_money_and_its_end_date(diary_number, seed):
    run(seed)
    today = timezone.localdate()
    decided = today - datetime.timedelta(days=16)
    new_end = today + datetime.timedelta(days=30)
    start_grant = Project.objects.get(diary_number=diary_number).esf_grant or 0

    project = extend(diary_number, on=decided, end=new_end, grant=500_000, budget=1_000_000)

    assert project.end_date == new_end
    assert project.esf_grant == start_grant + 500_000
    assert project.status() == Project.Status.ONGOING
    # The public decision table and the project period agree.
    latest_end = [d.new_end_date for d in project.decisions.order_by("decided_on", "id")]
    assert new_end in latest_end

    run(seed)  # and the undated source again does not take the end date back
    assert Project.objects.get(pk=project.pk).end_date == new_end


# --- d. the source catches up -----------------------------------------------------------------
def test_a_source_that_now_includes_the_hand_entered_decision_changes_nothing(tmp_path):
    run(SLA)
    extend("2020/00152", on=datetime.date(2022, 11, 1), end=datetime.date(2023, 6, 30),
           grant=1_000_000, budget=2_000_000)  # fmt: skip
    caught_up = variant(
        tmp_path,
        SLA,
        ("36 619 373", "38 619 373"),
        ("17 207 538", "18 207 538"),
        ("2020-08-17 - 2022-12-31", "2020-08-17 - 2023-06-30"),
    )
    before = figures("2020/00152")

    report = run(caught_up)

    assert figures("2020/00152") == before  # no double counting
    assert report.counts()["unchanged"] == 1 and not report.conflicts and not report.ahead


# --- without hand-entered decisions the source is followed, as before -------------------------
def test_without_hand_entered_decisions_a_changed_source_becomes_a_snapshot(tmp_path):
    run(SLA)
    report = run(variant(tmp_path, SLA, ("36 619 373", "37 000 000")))

    assert figures("2020/00152")[1] == 37_000_000
    assert report.counts()["changed"] == 1


# --- e. nothing from the future ---------------------------------------------------------------
def test_a_page_dated_after_today_is_rejected(tmp_path):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    page = variant(
        tmp_path,
        SLA,
        ("Interventionstyp:\n109", f"Interventionstyp:\n109\nSenast uppdaterad:\n{tomorrow}"),
    )

    report = run(page)

    assert report.rolled_back and not Project.objects.exists()
    assert "ligger efter i dag" in report.rejections[0].reason


def test_a_page_that_states_its_date_gives_the_snapshot_that_date(tmp_path):
    page = variant(
        tmp_path,
        SLA,
        ("Interventionstyp:\n109", "Interventionstyp:\n109\nSenast uppdaterad:\n8 juni 2020"),
    )

    run(page)

    snapshot = Decision.objects.get()
    assert snapshot.decided_on == datetime.date(2020, 6, 8)
    assert (
        snapshot.note == "Projektbanken, 001_1edcad09a78b9a57.txt, per 2020-06-08 (källans datum)"
    )
