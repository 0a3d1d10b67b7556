"""`manage.py export_dump DIR`: the registry as CSV files and a Frictionless Data Package."""

import csv
import datetime
import json

import pytest
from django.core.management import call_command

from projects.models import Decision, Organisation, Programme, Project, Region
from tests.factories import (
    DecisionFactory,
    OrganisationFactory,
    Project2007Factory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db
FILES = [
    "projects", "decisions", "organisations", "programmes", "regions", "programme_areas",
    "specific_objectives", "intervention_fields",
]  # fmt: skip


@pytest.fixture
def registry():
    owner = OrganisationFactory(name='=cmd|"/c calc"!A1')
    project = ProjectFactory(diary_number="2020/00152", owner=owner)
    ProjectFactory(
        diary_number="22-005-S01",
        programme=Programme.objects.get(period="2021-2027"),
        programme_area=None,
        region=Region.objects.get(code="SE33"),
    )
    DecisionFactory(
        project=project,
        kind=Decision.Kind.WITHDRAWAL,
        decided_on=datetime.date(2022, 5, 2),
        esf_grant_change=-500_000,
        total_budget_change=-1_000_000,
    )
    Project2007Factory()  # no diary number: the dump's key is the project page
    OrganisationFactory(name="Utan projekt")
    return project


def read(path):
    with path.open(encoding="utf-8-sig", newline="") as file:
        return list(csv.DictReader(file))


def test_the_dump_writes_every_file_and_a_descriptor(tmp_path, registry):
    call_command("export_dump", str(tmp_path / "dump"))
    folder = tmp_path / "dump"
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["name"] == "esf-portalen"
    assert [r["name"] for r in descriptor["resources"]] == FILES
    for resource in descriptor["resources"]:
        path = folder / resource["path"]
        assert path.read_bytes().startswith("\ufeff".encode())
        rows = read(path)
        assert list(rows[0]) == [field["name"] for field in resource["schema"]["fields"]]
    assert len(read(folder / "projects.csv")) == Project.objects.count()
    assert len(read(folder / "decisions.csv")) == Decision.objects.count() == 4
    organisations = read(folder / "organisations.csv")
    assert len(organisations) == Organisation.objects.count()
    assert {row["Name"] for row in organisations} >= {'\'=cmd|"/c calc"!A1', "Utan projekt"}
    withdrawal = [r for r in read(folder / "decisions.csv") if r["Kind code"] == "withdrawal"]
    assert withdrawal[0]["ESF grant change (SEK)"] == "-500000"
    assert {row["Code"] for row in read(folder / "regions.csv")} >= {"SE21", "SE33"}


def test_the_descriptor_has_the_required_fields(tmp_path, registry):
    call_command("export_dump", str(tmp_path), "--lang", "sv")
    descriptor = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["resources"]
    for resource in descriptor["resources"]:
        assert resource["name"].replace("_", "").isalnum() and resource["name"].islower()
        assert (tmp_path / resource["path"]).exists()
        for field in resource["schema"]["fields"]:
            assert field["name"] and field["type"] in {
                "string", "integer", "number", "boolean", "date", "datetime",
            }  # fmt: skip
    assert descriptor["resources"][0]["schema"]["primaryKey"] == ["Projektsida"]


def test_frictionless_validates_the_package(tmp_path, registry):
    frictionless = pytest.importorskip("frictionless")
    call_command("export_dump", str(tmp_path))
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    errors = [(task.name, error.type, error.note) for task in report.tasks for error in task.errors]
    assert report.valid, errors
