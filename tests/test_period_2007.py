"""The 2007–2013 programme: its pages parsed, imported by their address, and shown, and the
database rules on diary numbers per period (docs/architecture.md)."""

import csv
import datetime
import io
import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from projects import services, validators
from projects.importers import projectbank, save
from projects.models import Decision, Programme, ProgrammeArea, Project
from tests.factories import Project2007Factory, ProjectFactory
from tests.projectbank_pages import DATA, FIELDS_2014, parse_fields, parsed_page, single_rejection

PAGE = DATA / "2007_kompetenslyft_vard_kronoberg.html"
URL = "https://www.esf.se/projektbanken-2007-2013/kompetenslyft-vard-och-omsorg-kronoberg/"
SLUG_RE = re.compile(r"kompetenslyft-vard-och-omsorg-kronoberg-[0-9a-f]{8}")
FIELDS_2007 = [
    ("Programområde", "Programområde 2 Ökat arbetskraftsutbud"),
    ("Projektfas", "Genomförande"),
    ("Projektägare", "Arbetsförmedlingen"),
    ("Kontaktperson", "Per Ek"),
    ("E-post", "per.ek@arbetsformedlingen.se"),
    ("Telefonnummer", "010-486 00 00"),
    ("Beviljat ESF-stöd", "1 200 000 kr"),
    ("Total projektbudget", "2 400 000 kr"),
    ("Projektperiod", "2010-01-01 till 2012-06-30"),
    ("Region", "Västsverige"),
]


def run(*paths: Path, prefer_source: bool = False):
    results = [result for path in paths for result in projectbank.parse_path(path)]
    return save.import_pages(results, prefer_source=prefer_source)


def variant(tmp_path: Path, *replacements: tuple[str, str]) -> Path:
    text = PAGE.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / PAGE.name
    path.write_text(text, encoding="utf-8")
    return path


def refused(write) -> bool:
    try:
        with transaction.atomic():
            write()
    except IntegrityError:
        return True
    return False


# --- The page (pure parsing) ------------------------------------------------------------------


def test_a_2007_page_is_read_with_its_figures_and_its_address():
    [result] = projectbank.parse_path(PAGE)

    page = result.page
    assert (result.skipped, result.rejections) == (None, [])
    assert (page.period, page.diary_number, page.key) == ("2007-2013", "", URL)
    assert page.name == "Kompetenslyft vård och omsorg Kronoberg"
    assert (page.owner_name, page.owner_unit) == ("Växjö kommun", "")
    assert page.programme_area_code == "1"
    assert (page.start_date, page.end_date) == (
        datetime.date(2009, 3, 1),
        datetime.date(2011, 12, 31),
    )
    assert (page.esf_grant, page.total_budget) == (4_250_000, 8_930_500)
    assert (page.region_name, page.fund, page.phase) == ("Småland och Öarna", "ESF", "Avslutat")
    assert (page.contact_name, page.contact_email) == ("Karin Alm", "karin.alm@vaxjo.se")
    assert page.as_of == datetime.date(2012, 2, 14)
    assert page.unknown_labels == {} and page.warnings == []


def test_the_summary_heading_goes_and_the_other_sections_stay_as_paragraphs():
    [result] = projectbank.parse_path(PAGE)

    paragraphs = result.page.description.split("\n\n")
    assert paragraphs[0].startswith("Kompetenslyft vård och omsorg Kronoberg ger")
    assert ["Syfte och mål", "Genomförande", "Resultat"] == paragraphs[1::2][:3]
    assert "Sammanfattning" not in result.page.description
    assert not result.page.description.endswith("Skriv ut")


def test_a_2007_text_page_is_read_but_without_its_address_is_rejected():
    result = parse_fields(FIELDS_2007, title="Jobbsteget Västsverige", description="Text.")

    assert result.page is None
    [rejection] = result.rejections
    assert rejection.field == "Källa"
    assert "2007–2013" in rejection.reason and "adress" in rejection.reason


def test_a_page_without_a_diary_number_or_the_2007_labels_is_still_rejected():
    fields = [(label, value) for label, value in FIELDS_2014 if label != "Projektnummer"]
    fields = [(label, value) for label, value in fields if label != "Diarienummer"]

    rejection = single_rejection(fields, title="")

    assert rejection.field == "Diarienummer"


def test_till_in_the_period_is_read_only_on_2007_pages():
    fields = [*FIELDS_2014[:6], ("Projektperiod", "2020-08-17 till 2022-12-31"), *FIELDS_2014[7:]]

    rejection = single_rejection(fields)

    assert rejection.field == "Projektperiod"


def test_a_page_with_a_diary_number_and_the_2007_labels_keeps_its_period_and_warns():
    page = parsed_page([*FIELDS_2014, ("Projektfas", "Genomförande")])

    assert (page.period, page.diary_number) == ("2014-2020", "2020/00152")
    assert page.warnings == [
        "Fälten liknar programperioden 2007-2013 men diarienumret har formatet för 2014-2020; "
        "diarienumret avgör."
    ]


@pytest.mark.parametrize(
    ("url", "other"),
    [
        (
            URL,
            "HTTPS://WWW.ESF.SE/projektbanken-2007-2013/kompetenslyft-vard-och-omsorg-kronoberg/",
        ),
        (URL, URL + "#sammanfattning"),
    ],
)
def test_the_slug_is_the_same_for_the_same_address(url, other):
    assert validators.source_url_to_slug(url) == validators.source_url_to_slug(other)
    assert SLUG_RE.fullmatch(validators.source_url_to_slug(url))


def test_addresses_ending_alike_get_different_slugs():
    first = validators.source_url_to_slug("https://www.esf.se/a/projekt/")
    second = validators.source_url_to_slug("https://www.esf.se/b/projekt/")

    assert first != second
    assert first.startswith("projekt-") and second.startswith("projekt-")
    assert len(first) <= validators.SLUG_MAX_CHARS


# --- The import -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_2007_page_imports_as_a_project_of_the_2007_programme():
    report = run(PAGE)

    assert report.summary().startswith("1 created, 0 changed, 0 unchanged")
    project = Project.objects.get()
    assert project.diary_number is None
    assert project.source_url == URL
    assert SLUG_RE.fullmatch(project.slug)
    assert project.programme.period == "2007-2013"
    assert project.programme.cci == "2007SE052PO001"
    assert project.programme_area.name("sv") == "Kompetensförsörjning"
    assert project.region.code == "SE21"
    assert (project.esf_grant, project.total_budget) == (4_250_000, 8_930_500)
    assert (project.start_date, project.end_date) == (
        datetime.date(2009, 3, 1),
        datetime.date(2011, 12, 31),
    )
    assert project.owner.name == "Växjö kommun"
    [snapshot] = project.decisions.all()
    assert snapshot.kind == Decision.Kind.SNAPSHOT
    assert snapshot.decided_on == datetime.date(2012, 2, 14)  # the page's own date


@pytest.mark.django_db
def test_importing_the_page_again_changes_nothing_and_keeps_the_slug():
    run(PAGE)
    project = Project.objects.get()
    history = Project.history.count(), Decision.history.count()

    report = run(PAGE)

    assert report.summary().startswith("0 created, 0 changed, 1 unchanged")
    assert (Project.history.count(), Decision.history.count()) == history
    assert Project.objects.get().slug == project.slug


@pytest.mark.django_db
def test_a_changed_figure_is_a_snapshot_on_the_same_project(tmp_path):
    run(PAGE)
    slug = Project.objects.get().slug

    report = run(variant(tmp_path, ("4&nbsp;250&nbsp;000 kr", "4&nbsp;500&nbsp;000 kr")))

    assert report.summary().startswith("0 created, 1 changed")
    project = Project.objects.get()
    assert (project.slug, project.esf_grant, project.decision_count) == (slug, 4_500_000, 2)
    assert project.decisions.order_by("id").last().esf_grant_change == 250_000


@pytest.mark.django_db
def test_a_hand_entered_decision_is_not_undone_by_the_page(tmp_path):
    run(PAGE)
    project = Project.objects.get()
    services.apply_decision(
        decision=Decision(
            project=project,
            kind=Decision.Kind.EXTENSION,
            decided_on=datetime.date(2012, 3, 1),
            decided_by="Svenska ESF-rådet",
            new_end_date=datetime.date(2012, 6, 30),
        )
    )

    report = run(PAGE)

    assert Project.objects.get().end_date == datetime.date(2012, 6, 30)
    assert [note.message for note in report.ahead] == [
        f"{URL}: registret ligger före källan (handlagda beslut förlängning 2012-03-01 syns "
        "inte i källan ännu); beloppen och slutdatumet behölls"
    ]
    changed = variant(tmp_path, ("4&nbsp;250&nbsp;000 kr", "4&nbsp;500&nbsp;000 kr"))
    report = run(changed)
    assert report.counts()["conflict"] == 1
    assert Project.objects.get().esf_grant == 4_250_000


@pytest.mark.django_db
def test_the_same_address_in_one_run_is_one_project(tmp_path):
    copy = tmp_path / "kopia.html"
    copy.write_text(PAGE.read_text(encoding="utf-8"), encoding="utf-8")

    report = run(PAGE, copy)

    assert Project.objects.count() == 1
    assert any(f"Adressen {URL} förekom redan" in note.message for note in report.warnings)


# --- The database's rules ---------------------------------------------------------------------


@pytest.mark.django_db
def test_the_period_rule_on_diary_numbers_holds_in_the_database():
    later = ProjectFactory(diary_number="2020/00152")
    older = Project2007Factory()
    update = "UPDATE projects_project SET diary_number = %s WHERE id = %s"
    with connection.cursor() as cursor:
        # A 2014–2020 project keeps its diary number; a 2007–2013 project gets none.
        assert refused(lambda: cursor.execute(update, [None, later.pk]))
        assert refused(lambda: cursor.execute(update, ["2010/00001", older.pk]))
        # The rule of migration 0008 still holds after the table was rebuilt.
        assert refused(lambda: cursor.execute(update, ["22-005-S01", later.pk]))
    esf_plus = Programme.objects.get(period="2021-2027")
    assert refused(lambda: Project.objects.filter(pk=older.pk).update(programme=esf_plus))
    later.refresh_from_db()
    older.refresh_from_db()
    assert (later.diary_number, older.diary_number) == ("2020/00152", None)


@pytest.mark.django_db
def test_the_code_rules_of_migration_0008_still_hold_after_the_rebuild():
    older = Project2007Factory()
    area_2014 = ProjectFactory().programme_area
    esf_plus = Programme.objects.get(period="2021-2027")  # areas A–F: no code clash
    areas = ProgrammeArea.objects.filter(pk=older.programme_area_id)
    assert refused(lambda: Project.objects.filter(pk=older.pk).update(programme_area=area_2014))
    assert refused(lambda: areas.update(programme=esf_plus))
    unused = ProgrammeArea.objects.get(programme=older.programme, code="1")
    assert not refused(
        lambda: ProgrammeArea.objects.filter(pk=unused.pk).update(programme=esf_plus)
    )


@pytest.mark.django_db
def test_a_project_without_a_diary_number_needs_a_unique_source():
    older = Project2007Factory()
    update = Project.objects.filter(pk=older.pk).update
    assert refused(lambda: update(source_url=""))
    other = Project2007Factory()
    assert refused(lambda: Project.objects.filter(pk=other.pk).update(source_url=older.source_url))


@pytest.mark.django_db
def test_the_model_says_which_programmes_need_a_diary_number():
    older = Project2007Factory.build(owner=ProjectFactory().owner)
    older.diary_number = "2010/00001"
    with pytest.raises(ValidationError) as error:
        older.full_clean()
    assert "diary_number" in error.value.message_dict
    later = ProjectFactory.build(diary_number="", owner=older.owner)
    with pytest.raises(ValidationError) as error:
        later.full_clean()
    assert error.value.message_dict["diary_number"] == [
        "Diarienummer krävs för projekt i programperioden 2014–2020."
    ]


# --- The pages, exports and API -----------------------------------------------------------------


@pytest.mark.django_db
def test_the_project_page_list_and_organisation_page_show_it_by_its_slug(client):
    run(PAGE)
    project = Project.objects.get()

    detail = client.get(reverse("projects:detail", args=[project.slug]))
    listing = client.get(reverse("projects:list"))
    owner = client.get(project.owner.get_absolute_url())

    assert detail.status_code == 200
    text = detail.content.decode()
    assert "Kompetenslyft vård och omsorg Kronoberg" in text
    assert "4\xa0250\xa0000\xa0kr" in text or "4\xa0250\xa0000 kr" in text
    assert f'href="{URL}"' in text
    assert "None" not in text
    for response in (listing, owner):
        assert (
            f'href="{project.get_absolute_url()}">{project.slug}</a>' in response.content.decode()
        )


@pytest.mark.django_db
def test_the_csv_export_has_an_empty_diary_number_and_the_project_page(client):
    run(PAGE)
    project = Project.objects.get()

    response = client.get(reverse("projects:export_csv"))

    body = b"".join(response.streaming_content).decode("utf-8-sig")
    [row] = csv.DictReader(io.StringIO(body))
    assert row["Diarienummer"] == ""
    assert row["Projektsida"].endswith(project.get_absolute_url())


@pytest.mark.django_db
def test_the_api_gives_a_null_diary_number_and_finds_the_decisions_by_slug(client):
    run(PAGE)
    project = Project.objects.get()

    body = client.get(reverse("api:project", args=[project.slug])).json()
    decisions = client.get(body["links"]["decisions"]).json()

    assert (body["diary_number"], body["operation_id"]) == (None, "")
    assert body["source_url"] == URL
    assert [row["kind"] for row in decisions["decisions"]] == ["snapshot"]
    listed = client.get(reverse("api:projects")).json()
    assert [row["slug"] for row in listed["projects"]] == [project.slug]


@pytest.mark.django_db
def test_the_admin_lists_and_opens_a_project_without_a_diary_number(admin_client):
    run(PAGE)
    project = Project.objects.get()

    listing = admin_client.get(reverse("admin:projects_project_changelist"))
    change = admin_client.get(reverse("admin:projects_project_change", args=[project.pk]))

    assert listing.status_code == change.status_code == 200
    assert "Kompetenslyft vård och omsorg Kronoberg" in listing.content.decode()


@pytest.mark.django_db
def test_the_projects_feed_names_it_by_its_slug(client):
    run(PAGE)
    project = Project.objects.get()

    response = client.get(reverse("projects:project_feed", args=[project.slug]))

    assert response.status_code == 200
    text = response.content.decode()
    assert f"Kompetenslyft vård och omsorg Kronoberg ({project.slug})" in text
    assert "None" not in text
