"""`importers/fields.py` declares every project field the importers read and the saver writes."""

import dataclasses
from datetime import date
from decimal import Decimal

import pytest

from projects.importers import fields, operations_csv, projectbank, save
from projects.importers.records import ProjectPage
from projects.importers.report import ImportRecord, ImportReport
from projects.models import Project
from tests.projectbank_pages import SEED_ESF_PLUS, page_of

# Columns the registry keeps itself: no source states them.
REGISTRY_COLUMNS = {
    "id",
    "slug",
    "decision_count",
    "last_decision_date",
    "owner_legal_form",  # the database copies it from the owner
    "field_sources",
    "is_demo",
    "created_at",
    "updated_at",
}
SAVED = {field.target for field in fields.FIELDS if field.saving}
# Attributes that say where a record came from and what the parser noticed, not what it states.
NOT_FIELDS = {"source", "unknown_labels", "warnings"}


def full_record() -> ProjectPage:
    """The ESF+ seed page with every attribute a source can state filled in."""
    return dataclasses.replace(
        page_of(SEED_ESF_PLUS),
        owner_unit="Arbetsmarknad",
        total_budget=1_000_000,
        esf_grant=400_000,
        contact_name="Matilda Svensson",
        contact_email="matilda.svensson@kfkl.se",
        address="Box 653",
        country="Sverige och Norge",  # "Sverige" is the model's default
        child_poverty_theme=True,
        strategic_importance=True,
        description_en="Cooperation, inclusion and employability.",
        source_url="https://www.esf.se/projekt/22-005-S01",
        as_of=date(2024, 5, 2),
    )


def test_every_project_field_is_declared_or_kept_by_the_registry():
    columns = {field.name for field in Project._meta.concrete_fields}

    assert columns - REGISTRY_COLUMNS == SAVED


def test_every_record_attribute_is_declared_once():
    attributes = [field.name for field in dataclasses.fields(ProjectPage)]

    declared = [field.attribute for field in fields.FIELDS]

    assert sorted(declared) == sorted(name for name in attributes if name not in NOT_FIELDS)
    assert len(set(declared)) == len(declared)


def test_stated_fields_and_figures_are_the_saved_ones_less_the_diary_number():
    assert set(fields.STATED) | set(fields.FIGURES) == SAVED - {"diary_number"}
    assert set(fields.FIGURES) == {"esf_grant", "total_budget", "end_date"}


@pytest.mark.django_db
def test_the_saver_writes_every_declared_field_and_no_other():
    record = full_record()

    report = save.save_records([ImportRecord(record)], report=ImportReport())

    assert report.counts()["created"] == 1, report.text_lines()
    project = Project.objects.get(diary_number=record.diary_number)
    blank = Project()
    written = {
        field.name
        for field in Project._meta.concrete_fields
        if field.name not in REGISTRY_COLUMNS
        and getattr(project, field.attname) != getattr(blank, field.attname)
    }
    assert written == SAVED
    for field in fields.COPIED_FIELDS:
        assert getattr(project, field.target) == getattr(record, field.attribute), field
    assert project.cofinancing_rate == Decimal("40")


@pytest.mark.django_db
def test_a_changed_copied_field_is_reported_under_its_project_field():
    record = full_record()
    save.save_records([ImportRecord(record)], report=ImportReport())
    changed = dataclasses.replace(
        record,
        name="Nytt namn",
        contact_name="Anna Andersson",
        planned_participants=600,
        description_en="Something else entirely, and longer than before.",
    )

    report = save.save_records([ImportRecord(changed)], report=ImportReport())

    [outcome] = report.records
    assert outcome.fields == ("name", "planned_participants", "contact_name", "description_en")


@pytest.mark.parametrize(
    "field", [f for f in fields.FIELDS if f.csv_headers], ids=lambda f: f.attribute
)
def test_every_csv_header_finds_its_field(field):
    for header in field.csv_headers:
        assert operations_csv.field_of(header) == field.attribute
        assert operations_csv.field_of(header.upper()) == field.attribute


@pytest.mark.parametrize(
    "field", [f for f in fields.FIELDS if f.page_labels], ids=lambda f: f.attribute
)
def test_every_page_label_is_read_into_its_attribute(field):
    values = {
        fields.TEXT: ("Något", "Något"),
        fields.OPTIONAL: ("Något", "Något"),
        fields.CODE: ("A2A", "A2A"),
        fields.DIARY: ("22-005-S01", "22-005-S01"),
        fields.AMOUNT: ("1 000", 1000),
        fields.COUNT: ("12", 12),
        fields.RATE: ("40 %", Decimal("40")),
        fields.DATE: ("2023-02-01", date(2023, 2, 1)),
        fields.FLAG: ("Ja", True),
        fields.ORG_NUMBER: ("802518-5011", "8025185011"),
        fields.POSTCODE: ("391 27", "39127"),
    }
    written, expected = values[field.reading]
    for label in field.page_labels:
        lines = [] if field.attribute == "diary_number" else ["Diarienummer:", "22-005-S01"]
        text = "\n".join([*lines, f"{label}:", written, "", "Text."])

        page = projectbank.parse_bytes(text.encode(), source="x.txt").page

        assert page is not None, label
        assert getattr(page, field.attribute) == expected, label
        assert page.unknown_labels == {}
