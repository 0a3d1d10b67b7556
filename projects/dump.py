"""The whole registry as files to republish (`manage.py export_dump DIR`): projects, decisions,
organisations and the five code lists as CSV, and `datapackage.json`, a Frictionless Data
Package (v1 profile, which v2 readers also read) with a table schema per file: field names and
types, primary and foreign keys.

Every CSV has the site's conventions (UTF-8 with a byte order mark, `,`, raw numbers, ISO
dates, formula-like text prefixed with `'`); the projects file is `export_projects`' own
(the same as `/projects/export.csv`), the decisions file `decision_exports`'.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from io import StringIO
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.db.models import Count, Sum
from django.utils import timezone

from . import decision_exports
from .exports.cells import csv_text
from .exports.columns import COLUMNS as PROJECT_COLUMNS
from .models import (
    Decision,
    InterventionField,
    Organisation,
    Programme,
    ProgrammeArea,
    Region,
    SpecificObjective,
)

# A column kind of the exports → a Table Schema field
PROJECT_TYPES = {
    "int": {"type": "integer"},
    "decimal": {"type": "number"},
    "date": {"type": "date"},
    "bool": {"type": "boolean", "trueValues": ["Ja", "Yes"], "falseValues": ["Nej", "No"]},
}
DECISION_TYPES = {
    "int": {"type": "integer"},
    "date": {"type": "date"},
    "datetime": {"type": "datetime", "format": "any"},
}


def _header(english: bool, sv: str, en: str) -> str:
    return en if english else sv


def _write_csv(path: Path, header: list[str], rows: Iterable[list[Any]]) -> int:
    text = csv_text(delimiter=",", decimal_comma=False)
    count = 0
    with path.open("w", encoding="utf-8", newline="") as file:
        file.write("\ufeff" + ",".join(text(name) for name in header) + "\n")
        for row in rows:
            file.write(",".join(text(value) for value in row) + "\n")
            count += 1
    return count


# (file name, model, [(sv, en, attribute or function, Table Schema type)])
def _code_tables(english: bool) -> list[tuple[str, Any, list[tuple[str, Any, str]]]]:
    def h(sv: str, en: str) -> str:
        return _header(english, sv, en)

    code = [(h("Kod", "Code"), "code", "string"),
            (h("Namn (svenska)", "Name (Swedish)"), "name_sv", "string"),
            (h("Namn (engelska)", "Name (English)"), "name_en", "string")]  # fmt: skip
    return [
        ("programmes", Programme.objects.order_by("first_year"), [
            *code,
            (h("Programperiod", "Programme period"), "period", "string"),
            (h("CCI-nummer", "CCI"), "cci", "string"),
            (h("Fond", "Fund"), "fund", "string"),
            (h("Första år", "First year"), "first_year", "integer"),
            (h("Sista år", "Last year"), "last_year", "integer"),
        ]),
        ("regions", Region.objects.order_by("is_national", "code"), [
            *code,
            (h("Nationell nivå", "National level"), "is_national", "boolean"),
        ]),
        ("programme_areas", ProgrammeArea.objects.select_related("programme").order_by(
            "programme__first_year", "code"), [
            (h("Programperiod", "Programme period"), lambda r: r.programme.period, "string"),
            *code,
        ]),
        ("specific_objectives", SpecificObjective.objects.select_related(
            "programme_area__programme").order_by(
            "programme_area__programme__first_year", "code"), [
            (h("Programperiod", "Programme period"),
             lambda r: r.programme_area.programme.period, "string"),
            (h("Programområde, kod", "Programme area code"),
             lambda r: r.programme_area.code, "string"),
            *code,
        ]),
        ("intervention_fields", InterventionField.objects.select_related("programme").order_by(
            "programme__first_year", "code"), [
            (h("Programperiod", "Programme period"), lambda r: r.programme.period, "string"),
            *code,
            (h("Grupp (engelska)", "Group (English)"), "group_en", "string"),
        ]),
    ]  # fmt: skip


def _cells(row: Any, columns) -> list[Any]:
    cells = []
    for _name, attribute, kind in columns:
        value = attribute(row) if callable(attribute) else getattr(row, attribute)
        if kind == "boolean":
            value = "true" if value else "false"
        cells.append(value)
    return cells


def _organisation_rows() -> Iterator[list[Any]]:
    organisations = Organisation.objects.annotate(
        project_count=Count("projects"), esf_grant=Sum("projects__esf_grant", default=0)
    ).order_by("id")
    for organisation in organisations.iterator(chunk_size=2000):
        yield [
            organisation.pk,
            organisation.name,
            organisation.org_number,
            organisation.legal_form,
            "true" if organisation.is_demo else "false",
            organisation.project_count,
            organisation.esf_grant,
        ]


def _resource(name: str, title: str, fields: list[dict], rows: int, **schema) -> dict:
    return {
        "name": name,
        "path": f"{name}.csv",
        "title": title,
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "dialect": {"delimiter": ",", "quoteChar": '"', "doubleQuote": True, "header": True},
        "schema": {"fields": fields, **schema},
        "rows": rows,
    }


def write(directory: str | Path, *, english: bool = True, base_url: str = "") -> list[dict]:
    """Write every file and the descriptor into `directory`; the resources as described."""
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    lang = "en" if english else "sv"
    resources = []

    # projects: the same file as /projects/export.csv of the whole registry
    projects_path = folder / "projects.csv"
    call_command(
        "export_projects",
        format="csv",
        output=str(projects_path),
        lang=lang,
        base_url=base_url,
        stdout=StringIO(),
        stderr=StringIO(),
    )
    with projects_path.open(encoding="utf-8-sig") as file:
        project_rows = sum(1 for _line in file) - 1
    # The project page's address is the key: every project has one, while a 2007–2013 project
    # has no diary number.
    page = _header(english, "Projektsida", "Project page")
    project_fields = [
        {"name": column.en if english else column.sv,
         **PROJECT_TYPES.get(column.kind, {"type": "string"})}
        for column in PROJECT_COLUMNS
    ]  # fmt: skip
    resources.append(
        _resource(
            "projects",
            "Projects" if english else "Projekt",
            project_fields,
            project_rows,
            primaryKey=[page],
        )
    )

    # decisions: /beslut/export.csv of every decision
    decisions_path = folder / "decisions.csv"
    with decisions_path.open("wb") as file:
        for chunk in decision_exports.csv_lines(
            Decision.objects.all(), english=english, base_url=base_url
        ):
            file.write(chunk)
    decision_fields = [
        {"name": column.en if english else column.sv,
         **DECISION_TYPES.get(column.kind, {"type": "string"})}
        for column in decision_exports.COLUMNS
    ]  # fmt: skip
    resources.append(
        _resource(
            "decisions",
            "Decisions" if english else "Beslut",
            decision_fields,
            Decision.objects.count(),
            foreignKeys=[
                {"fields": [page], "reference": {"resource": "projects", "fields": [page]}}
            ],
        )
    )

    # organisations, with their projects' count and ESF grant
    organisation_header = [
        _header(english, "Id", "Id"),
        _header(english, "Namn", "Name"),
        _header(english, "Organisationsnummer", "Organisation number"),
        _header(english, "Juridisk form (kod)", "Legal form (code)"),
        _header(english, "Demodata", "Demo data"),
        _header(english, "Antal projekt", "Number of projects"),
        _header(english, "Beviljat ESF-stöd (kr)", "Granted ESF support (SEK)"),
    ]
    count = _write_csv(folder / "organisations.csv", organisation_header, _organisation_rows())
    types = ["integer", "string", "string", "string", "boolean", "integer", "integer"]
    resources.append(
        _resource(
            "organisations",
            "Organisations" if english else "Organisationer",
            [{"name": n, "type": t} for n, t in zip(organisation_header, types, strict=True)],
            count,
            primaryKey=[organisation_header[0]],
        )
    )

    for name, rows, columns in _code_tables(english):
        header = [column[0] for column in columns]
        count = _write_csv(folder / f"{name}.csv", header, (_cells(r, columns) for r in rows))
        resources.append(
            _resource(
                name,
                name.replace("_", " ").capitalize(),
                [{"name": column[0], "type": column[2]} for column in columns],
                count,
            )
        )

    package = {
        "profile": "tabular-data-package",
        "name": "esf-portalen",
        "title": "ESF-portalen: projects of the European Social Fund in Sweden",
        "description": (
            "Projects that received support from the European Social Fund in Sweden "
            "(ESF 2014–2020 and ESF+ 2021–2027), their decisions, project owners and the code "
            "lists they are placed in. Money in whole kronor, rates in percent, dates ISO 8601."
        ),
        "created": timezone.now().replace(microsecond=0).isoformat(),
        "homepage": base_url or None,
        "resources": [
            {key: value for key, value in resource.items() if key != "rows"}
            for resource in resources
        ],
    }
    package = {key: value for key, value in package.items() if value is not None}
    (folder / "datapackage.json").write_text(
        json.dumps(package, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return resources
