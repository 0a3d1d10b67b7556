"""What an import run did: counts, rejections, skips, warnings; as a table, a page or JSON.

Both importers (project-bank pages and the list-of-operations CSV) fill one `ImportReport`, so the
management commands and the admin "Importera" page show the same thing. Pure Python: no Django.

JSON shape (`ImportReport.as_dict`, written by `--report FILE`)::

    {
      "counts": {"created": 3, "changed": 0, "unchanged": 0, "skipped": 2, "rejected": 0},
      "strict": false,
      "rolled_back": false,            <- true when --strict undid the whole run
      "records": [{"source": "…", "line": null, "diary_number": "2020/00152",
                   "outcome": "created", "fields": []}],
      "rejections": [{"source": "…", "line": 14, "field": "Total projektbudget",
                      "value": "12 3x4", "reason": "Ogiltigt belopp: …"}],
      "skipped": [{"source": "…", "reason": "Inte en projektsida: …"}],
      "warnings": [{"source": "…", "message": "…"}],
      "unknown_labels": [{"source": "…", "label": "Okänt fält", "value": "…"}]
    }

`records[].fields` names the project fields a "changed" record changed (`esf_grant`, `name` …).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .projectbank import ProjectPage, Rejection

CREATED = "created"
CHANGED = "changed"
UNCHANGED = "unchanged"
REJECTED = "rejected"

MAX_LISTED = 100
"""The command prints at most this many rejections and warnings; the JSON report has them all."""


@dataclass
class ImportRecord:
    """One project as a source states it, with where it came from.

    `labels` maps model field names to the label the source uses for them (a CSV's own column
    headers), so that a rejection found while saving names the field as the source does.
    """

    page: ProjectPage
    line: int | None = None
    labels: Mapping[str, str] | None = None


@dataclass(frozen=True)
class Skipped:
    source: str
    reason: str


@dataclass(frozen=True)
class Note:
    """A warning about one source: something doubtful that did not stop the record."""

    source: str
    message: str


@dataclass(frozen=True)
class UnknownLabel:
    source: str
    label: str
    value: str


@dataclass(frozen=True)
class Outcome:
    """What happened to one record."""

    source: str
    line: int | None
    diary_number: str
    outcome: str
    fields: tuple[str, ...] = ()


@dataclass
class ImportReport:
    strict: bool = False
    rolled_back: bool = False
    rejected: int = 0
    """Records (pages, CSV rows, whole files) refused; one record may have several rejections."""
    records: list[Outcome] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[Note] = field(default_factory=list)
    unknown_labels: list[UnknownLabel] = field(default_factory=list)

    # --- filling -----------------------------------------------------------------------------

    def reject(self, rejections: list[Rejection], *, diary_number: str = "") -> None:
        """Count one refused record with its reasons."""
        self.rejected += 1
        self.rejections.extend(rejections)
        if rejections:
            first = rejections[0]
            self.records.append(Outcome(first.source, first.line, diary_number, REJECTED))

    def skip(self, source: str, reason: str) -> None:
        self.skipped.append(Skipped(source, reason))

    def warn(self, source: str, message: str) -> None:
        self.warnings.append(Note(source, message))

    def outcome(self, record: ImportRecord, outcome: str, fields: tuple[str, ...] = ()) -> None:
        page = record.page
        self.records.append(Outcome(page.source, record.line, page.diary_number, outcome, fields))

    def take_page_notes(self, record: ImportRecord) -> None:
        """The parser's warnings and unknown labels of a record that is being saved."""
        page = record.page
        for message in page.warnings:
            self.warn(page.source, _at_line(record.line, message))
        for label, value in page.unknown_labels.items():
            self.unknown_labels.append(UnknownLabel(page.source, label, value))

    # --- reading -----------------------------------------------------------------------------

    def count(self, outcome: str) -> int:
        return sum(1 for record in self.records if record.outcome == outcome)

    def counts(self) -> dict[str, int]:
        return {
            CREATED: self.count(CREATED),
            CHANGED: self.count(CHANGED),
            UNCHANGED: self.count(UNCHANGED),
            "skipped": len(self.skipped),
            REJECTED: self.rejected,
        }

    def summary(self) -> str:
        """One line, e.g. "3 created, 0 changed, 0 unchanged, 2 skipped, 0 rejected"."""
        return ", ".join(f"{number} {name}" for name, number in self.counts().items())

    def as_dict(self) -> dict:
        return {
            "counts": self.counts(),
            "strict": self.strict,
            "rolled_back": self.rolled_back,
            "records": [
                {**asdict(record), "fields": list(record.fields)} for record in self.records
            ],
            "rejections": [asdict(rejection) for rejection in self.rejections],
            "skipped": [asdict(skipped) for skipped in self.skipped],
            "warnings": [asdict(warning) for warning in self.warnings],
            "unknown_labels": [asdict(label) for label in self.unknown_labels],
        }

    def write_json(self, path: str | Path) -> None:
        Path(path).write_text(
            json.dumps(self.as_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )

    def text_lines(self, *, limit: int = MAX_LISTED) -> list[str]:
        """The summary table, then rejections, skips and warnings, for a terminal."""
        lines = [f"{'':2}{name:<10} {number:>7}" for name, number in self.counts().items()]
        if self.rolled_back:
            lines.append(
                f"--strict: {self.rejected} record(s) rejected, so the whole run was rolled "
                "back; nothing was saved."
            )
        sections = [
            ("Rejected", [_rejection_text(rejection) for rejection in self.rejections]),
            ("Skipped", [f"{item.source}: {item.reason}" for item in self.skipped]),
            ("Warnings", [f"{item.source}: {item.message}" for item in self.warnings]),
            (
                "Unknown labels",
                [f"{item.source}: {item.label!r} = {item.value!r}" for item in self.unknown_labels],
            ),
        ]
        for title, items in sections:
            if not items:
                continue
            lines.append(f"{title} ({len(items)}):")
            lines.extend(f"  {item}" for item in items[:limit])
            if len(items) > limit:
                lines.append(f"  … and {len(items) - limit} more (see --report FILE)")
        return lines


def _at_line(line: int | None, message: str) -> str:
    return f"rad {line}: {message}" if line else message


def _rejection_text(rejection: Rejection) -> str:
    """`file:line: Field 'value': reason`, as compilers and linters print problems."""
    where = f"{rejection.source}:{rejection.line}" if rejection.line else rejection.source
    field_value = f" {rejection.field} {rejection.value!r}:" if rejection.field else ""
    return f"{where}:{field_value} {rejection.reason}"
