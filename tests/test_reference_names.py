"""Code-list names: every verified row has one, each page shows it in the page's language (or
the other one when it has only that), a code without a name shows a placeholder, and /om-data/
lists the codes still without one."""

import datetime
import importlib

import pytest
from django.apps import apps as global_apps
from django.urls import reverse
from django.utils import translation

from projects import queries, reference
from projects.models import (
    InterventionField,
    Programme,
    ProgrammeArea,
    SpecificObjective,
    missing_name,
)
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

LISTS = ["programme_areas.csv", "specific_objectives.csv", "intervention_fields.csv"]


@pytest.mark.parametrize("name", [*LISTS, "regions.csv"])
def test_every_verified_code_has_a_name_and_a_source(name):
    for row in reference.rows(name):
        if row["verified"] in ("yes", "partial"):
            assert row["name_sv"] or row["name_en"], (name, row["code"])
            assert row["source"], (name, row["code"])
        if row["name_sv"] or row["name_en"]:
            assert row["verified"] in ("yes", "partial"), (name, row["code"])


@pytest.mark.parametrize("name", LISTS)
def test_every_list_has_both_name_columns(name):
    assert {"name_sv", "name_en", "verified", "source", "note"} <= set(reference.rows(name)[0])


def test_the_database_has_the_names_of_the_lists():
    """Migrations load what the CSVs say: the names found, nothing for the codes still without."""
    objective = SpecificObjective.objects.get(programme_area__code="A", code="A1")
    assert objective.name_sv == "Främja livslångt lärande"
    assert objective.name("en") == "Främja livslångt lärande"  # no English name: Swedish
    assert SpecificObjective.objects.get(code="3.1").name_sv.startswith("Öka sysselsättning")
    assert not SpecificObjective.objects.get(code="2.2").has_name


def test_the_names_migration_updates_an_existing_database():
    SpecificObjective.objects.filter(code="A2").update(name_sv="")
    migration = importlib.import_module("projects.migrations.0011_reference_names")
    migration.load_reference(global_apps, None)
    assert SpecificObjective.objects.get(code="A2").name_sv == "Uppmuntra till aktiv inkludering"


def test_the_esf_plus_intervention_fields_134_to_164_have_english_names_only():
    fields = InterventionField.objects.filter(programme__period="2021-2027")
    assert sorted(int(field.code) for field in fields) == list(range(134, 165))
    assert [field.code for field in fields if not field.name_en or field.name_sv] == []
    assert fields.get(code="134").name_en == "Measures to improve access to employment"
    assert fields.get(code="164").name_en.startswith("Addressing material deprivation")


def test_the_esf_plus_rows_name_their_secondary_source_and_the_missing_swedish_title():
    rows = [
        row for row in reference.rows("intervention_fields.csv") if row["period"] == "2021-2027"
    ]
    assert len(rows) == 31
    for row in rows:
        assert row["verified"] == "partial", row["code"]
        assert "andreoliant/octk R/programmazione.R" in row["source"], row["code"]
        assert "not checked against EUR-Lex" in row["source"], row["code"]
        assert "Swedish title not found" in row["note"], row["code"]
    assert "22-005-S01" in next(row["note"] for row in rows if row["code"] == "140")


def test_the_esf_plus_names_migration_updates_an_existing_database():
    InterventionField.objects.filter(programme__period="2021-2027").update(name_en="")
    migration = importlib.import_module("projects.migrations.0020_esf_plus_intervention_names")
    migration.load_reference(global_apps, None)
    field = InterventionField.objects.get(programme__period="2021-2027", code="140")
    assert field.name_en == "Support for labour market matching and transitions"
    assert not InterventionField.objects.filter(name_en="", name_sv="").exists()


@pytest.fixture
def unnamed_field():
    """A 2021–2027 intervention field without a name, as an importer adds one: 174, which the
    list does not load (it names 134–164 only) and the copy it was read from does not name."""
    programme = Programme.objects.get(period="2021-2027")
    return InterventionField.objects.create(programme=programme, code="174")


def test_placeholder_in_both_languages(unnamed_field):
    assert missing_name("146", "sv") == "kod 146 (namn saknas)"
    assert missing_name("146", "en") == "code 146 (name missing)"
    with translation.override("en"):
        assert missing_name("146") == "code 146 (name missing)"
    assert unnamed_field.name_or_placeholder("sv") == "kod 174 (namn saknas)"
    assert unnamed_field.label("en") == "code 174 (name missing)"
    assert str(unnamed_field) == "kod 174 (namn saknas)"
    assert str(SpecificObjective.objects.get(code="A1")) == "A1 — Främja livslångt lärande"


def esf_plus_project_in(field: InterventionField):
    """A 2021–2027 project in area F (no name) with the given intervention field."""
    programme = Programme.objects.get(period="2021-2027")
    area = ProgrammeArea.objects.get(programme=programme, code="F")
    return ProjectFactory(
        diary_number="22-005-S01",
        programme=programme,
        programme_area=area,
        intervention_field=field,
        start_date=datetime.date(2023, 1, 1),
        end_date=datetime.date(2025, 12, 31),
    )


@pytest.fixture
def esf_plus_project(unnamed_field):
    """A 2021–2027 project in area F and intervention field 174, neither with a name."""
    return esf_plus_project_in(unnamed_field)


def test_detail_page_shows_a_placeholder_for_a_code_without_a_name(client, esf_plus_project):
    html = client.get(esf_plus_project.get_absolute_url()).content.decode()
    assert "kod F (namn saknas)" in html
    assert "kod 174 (namn saknas)" in html
    english = client.get("/en" + esf_plus_project.get_absolute_url()).content.decode()
    assert "code 174 (name missing)" in english


def test_intervention_140_shows_its_english_name_on_both_languages_pages(client):
    """140 has an English name and no Swedish one: the Swedish page falls back to English."""
    field = InterventionField.objects.get(programme__period="2021-2027", code="140")
    project = esf_plus_project_in(field)
    label = "140 — Support for labour market matching and transitions"
    english = client.get("/en" + project.get_absolute_url()).content.decode()
    assert label in english
    assert "code 140 (name missing)" not in english
    swedish = client.get(project.get_absolute_url()).content.decode()
    assert label in swedish
    assert "kod 140 (namn saknas)" not in swedish
    facets = {facet.name: facet for facet in client.get(reverse("projects:list")).context["facets"]}
    labels = {choice.value: choice.label for choice in facets["intervention_field"].choices}
    assert labels["140"] == label


def test_facet_shows_a_placeholder_for_a_code_without_a_name(client, esf_plus_project):
    response = client.get(reverse("projects:list"))
    facets = {facet.name: facet for facet in response.context["facets"]}
    labels = {choice.value: choice.label for choice in facets["intervention_field"].choices}
    assert labels["174"] == "kod 174 (namn saknas)"
    areas = {choice.value: choice.label for choice in facets["programme_area"].choices}
    assert areas["F"] == "kod F (namn saknas)"
    assert "kod 174 (namn saknas)" in response.content.decode()


def test_dashboard_labels_show_a_placeholder(client, esf_plus_project):
    html = client.get(reverse("projects:dashboard")).content.decode()
    assert "kod 174 (namn saknas)" in html
    assert "kod F (namn saknas)" in html


def test_swedish_page_shows_the_swedish_intervention_name(client):
    field = InterventionField.objects.get(code="109")
    field.name_sv = "Svenskt namn för 109"
    field.save()
    programme = field.programme
    area = ProgrammeArea.objects.get(programme=programme, code="2")
    project = ProjectFactory(programme=programme, programme_area=area, intervention_field=field)
    swedish = client.get(project.get_absolute_url()).content.decode()
    assert "109 — Svenskt namn för 109" in swedish
    assert "Active inclusion" not in swedish
    english = client.get("/en" + project.get_absolute_url()).content.decode()
    assert "109 — Active inclusion" in english
    facets = {f.name: f for f in client.get("/projects/").context["facets"]}
    labels = {choice.value: choice.label for choice in facets["intervention_field"].choices}
    assert labels["109"] == "109 — Svenskt namn för 109"


def test_about_page_lists_codes_without_a_name_and_not_named_ones(client, unnamed_field):
    html = client.get(reverse("projects:about")).content.decode()
    assert "Koder utan namn" in html
    unnamed = {str(entry.label): dict(entry.by_period) for entry in queries.unnamed_codes()}
    assert "F" in unnamed["Programområde"]["2021–2027"]
    assert "4" in unnamed["Programområde"]["2014–2020"]
    assert unnamed["Interventionstyp"] == {"2021–2027": ["174"]}  # 134–164 and 102–123 named
    assert "A2A" in unnamed["Specifikt mål"]["2021–2027"]
    assert "A1" not in unnamed["Specifikt mål"]["2021–2027"]  # named
    assert "2" not in unnamed["Programområde"]["2014–2020"]
    assert "Region" not in unnamed  # every region has a name
    assert "2021–2027: A2A" in html
    assert "2021–2027: 174" in html
    assert "kod 146 (namn saknas)" in html  # the placeholder, as an example


def test_about_page_lists_no_intervention_type_when_every_one_has_a_name(client):
    unnamed = {str(entry.label) for entry in queries.unnamed_codes()}
    assert "Programområde" in unnamed
    assert "Interventionstyp" not in unnamed
    html = client.get(reverse("projects:about")).content.decode()
    assert "<dt>Programområde</dt>" in html
    assert "<dt>Interventionstyp</dt>" not in html


def test_about_page_drops_a_code_once_it_has_a_name(client):
    ProgrammeArea.objects.filter(code="F").update(name_sv="Ett namn")
    html = client.get(reverse("projects:about")).content.decode()
    assert "2021–2027: F" not in html
    assert "2014–2020: 4" in html


def test_about_page_says_where_the_intervention_names_come_from(client):
    """The names are English only and from copies of the regulations' annexes: the page says
    so in both languages rather than calling them official Swedish texts."""
    swedish = client.get(reverse("projects:about")).content.decode()
    assert "Interventionstypernas namn finns här bara på engelska" in swedish
    assert "förordning (EU) 2021/1060, bilaga I" in swedish
    english = client.get("/en/about-the-data/").content.decode()
    assert "names are in English only here: the Swedish ones have not been found" in english
