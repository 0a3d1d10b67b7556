"""What an import run did: counts, rejections, skips, warnings; as a table, a page or JSON.

Both importers (project-bank pages and the list-of-operations CSV) fill one `ImportReport`, so the
management commands and the admin "Importera" page show the same thing. Pure Python: no Django.

JSON shape (`ImportReport.as_dict`, written by `--report FILE`)::

    {
      "counts": {"created": 3, "changed": 0, "unchanged": 0, "skipped": 2, "rejected": 0},
                                       <- and "conflict": N when there are conflicts
      "partial": false,                <- true with --partial (save the good records anyway)
      "strict": true,                  <- the opposite of "partial", for older readers
      "rolled_back": false,            <- true when nothing was saved (see "errors", "rejections")
      "records": [{"source": "…", "line": null, "diary_number": "2020/00152",
                   "outcome": "created", "fields": []}],
      "rejections": [{"source": "…", "line": 14, "field": "Total projektbudget",
                      "value": "12 3x4", "reason": "Ogiltigt belopp: …"}],
      "skipped": [{"source": "…", "reason": "Inte en projektsida: …", "error": false}],
      "warnings": [{"source": "…", "message": "…"}],
      "unknown_labels": [{"source": "…", "label": "Okänt fält", "value": "…"}],
      "conflicts": [{"source": "…", "message": "2020/00152: …"}],  <- left unchanged
      "ahead": [{"source": "…", "message": "…"}],      <- hand-entered decisions not in the source
      "superseded": [{"source": "…", "message": "…"}], <- with --prefer-source
      "prefer_source": false,
      "places": {"counties": {"postnummer": 2, "ort": 3, "organisation": 0},
                 "derived_regions": 3,      <- regions set from the county (the list has none)
                 "unplaced": [{"source": "…", "message": "rad 3: …: ort 'X' okänd"}]},
      "errors": []                     <- what stopped the run: another import, a database error
    }

`records[].fields` names the project fields a "changed" record changed (`esf_grant`, `name` …).
A record that would have been created or changed in a run that was rolled back has the outcome
"not_saved", so the counts never claim a saved project that is not there.

A skipped file is either not a project page (`error: false`: a news text in the folder, reported
and otherwise ignored) or a file that could not be read (`error: true`: empty, binary, too large,
undecodable). The second kind fails the run like a rejected record does.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .records import ProjectPage, Rejection

CREATED = "created"
CHANGED = "changed"
UNCHANGED = "unchanged"
REJECTED = "rejected"
NOT_SAVED = "not_saved"
CONFLICT = "conflict"
"""The source's figures differ from hand-entered decisions: the project was left unchanged."""

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
    error: bool = True
    """True when the file could not be read; False when it was read and is not a project page."""


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
    partial: bool = False
    """Save the records that pass even when others are rejected (default: all or nothing)."""
    prefer_source: bool = False
    """Where a source and hand-entered decisions disagree, record the source's figures."""
    rolled_back: bool = False
    busy: bool = False
    """The run did not start: another import holds the lock."""
    errors: list[str] = field(default_factory=list)
    rejected: int = 0
    """Records (pages, CSV rows, whole files) refused; one record may have several rejections."""
    records: list[Outcome] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[Note] = field(default_factory=list)
    unknown_labels: list[UnknownLabel] = field(default_factory=list)
    conflicts: list[Note] = field(default_factory=list)
    """Projects left unchanged because the source disagrees with hand-entered decisions."""
    ahead: list[Note] = field(default_factory=list)
    """Projects whose hand-entered decisions the source does not show yet (nothing written)."""
    superseded: list[Note] = field(default_factory=list)
    """With `prefer_source`: the hand-entered decisions a source's snapshot overrules."""
    counties: dict[str, int] = field(default_factory=dict)
    """Records given a county, by how it was found ("postnummer", "ort", "organisation")."""
    derived_regions: int = 0
    """Records whose region was set from their county, the source stating none."""
    unplaced: list[Note] = field(default_factory=list)
    """Records whose county could not be found (a city neither a municipality nor a locality)."""

    # --- filling -----------------------------------------------------------------------------

    def reject(self, rejections: list[Rejection], *, diary_number: str = "") -> None:
        """Count one refused record with its reasons."""
        self.rejected += 1
        self.rejections.extend(rejections)
        if rejections:
            first = rejections[0]
            self.records.append(Outcome(first.source, first.line, diary_number, REJECTED))

    def skip(self, source: str, reason: str, *, error: bool = True) -> None:
        self.skipped.append(Skipped(source, reason, error))

    def error(self, message: str) -> None:
        """Something stopped the whole run (the run is rolled back)."""
        self.errors.append(message)

    def roll_back(self) -> None:
        """Nothing of the run was saved: records it would have written become "not_saved"."""
        self.rolled_back = True
        self.records = [
            Outcome(r.source, r.line, r.diary_number, NOT_SAVED, r.fields)
            if r.outcome in (CREATED, CHANGED)
            else r
            for r in self.records
        ]

    def warn(self, source: str, message: str) -> None:
        self.warnings.append(Note(source, message))

    def placed(self, how: str, *, derived_region: bool = False) -> None:
        """One record got a county (found by `how`), and maybe its region from it."""
        self.counties[how] = self.counties.get(how, 0) + 1
        self.derived_regions += derived_region

    def not_placed(self, source: str, message: str) -> None:
        self.unplaced.append(Note(source, message))

    def conflict(self, record: ImportRecord, message: str) -> None:
        page = record.page
        self.records.append(Outcome(page.source, record.line, page.diary_number, CONFLICT))
        self.conflicts.append(Note(page.source, _at_line(record.line, message)))

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

    @property
    def strict(self) -> bool:
        return not self.partial

    @property
    def unreadable(self) -> list[Skipped]:
        """Skipped files that could not be read (as opposed to texts that are not project pages)."""
        return [item for item in self.skipped if item.error]

    @property
    def failed(self) -> bool:
        """Whether the run should end with a non-zero exit code."""
        return bool(self.rejected or self.unreadable or self.errors)

    def not_saved_reasons(self) -> list[str]:
        """Why a rolled-back run saved nothing, e.g. ["2 records rejected"], in English."""
        reasons = list(self.errors)
        if self.rejected:
            reasons.append(_plural(self.rejected, "record was rejected", "records were rejected"))
        if self.unreadable:
            reasons.append(
                _plural(len(self.unreadable), "file could not be read", "files could not be read")
            )
        return reasons

    def count(self, outcome: str) -> int:
        return sum(1 for record in self.records if record.outcome == outcome)

    def counts(self) -> dict[str, int]:
        """Records by outcome; "conflict" only when there is one."""
        conflicts = {CONFLICT: self.count(CONFLICT)} if self.conflicts else {}
        return {
            CREATED: self.count(CREATED),
            CHANGED: self.count(CHANGED),
            UNCHANGED: self.count(UNCHANGED),
            **conflicts,
            "skipped": len(self.skipped),
            REJECTED: self.rejected,
        }

    def summary(self) -> str:
        """One line, e.g. "3 created, 0 changed, 0 unchanged, 2 skipped, 0 rejected".

        A rolled-back run says so: "0 created, … 1 rejected; nothing was saved: 1 record was
        rejected".
        """
        text = ", ".join(f"{number} {name}" for name, number in self.counts().items())
        if self.rolled_back:
            reasons = "; ".join(self.not_saved_reasons())
            text += f"; nothing was saved: {reasons}" if reasons else "; nothing was saved"
        elif self.errors:
            text += "; " + "; ".join(self.errors)
        return text

    def as_dict(self) -> dict:
        return {
            "counts": self.counts(),
            "partial": self.partial,
            "strict": self.strict,
            "prefer_source": self.prefer_source,
            "rolled_back": self.rolled_back,
            "records": [
                {**asdict(record), "fields": list(record.fields)} for record in self.records
            ],
            "rejections": [asdict(rejection) for rejection in self.rejections],
            "skipped": [asdict(skipped) for skipped in self.skipped],
            "warnings": [asdict(warning) for warning in self.warnings],
            "unknown_labels": [asdict(label) for label in self.unknown_labels],
            "conflicts": [asdict(note) for note in self.conflicts],
            "ahead": [asdict(note) for note in self.ahead],
            "superseded": [asdict(note) for note in self.superseded],
            "places": {
                "counties": dict(self.counties),
                "derived_regions": self.derived_regions,
                "unplaced": [asdict(note) for note in self.unplaced],
            },
            "errors": list(self.errors),
        }

    def write_json(self, path: str | Path) -> None:
        Path(path).write_text(
            json.dumps(self.as_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )

    def text_lines(self, *, limit: int = MAX_LISTED) -> list[str]:
        """The summary table, then errors, rejections, skips and warnings, for a terminal.

        Every rejection and every file that could not be read is listed; warnings and unknown
        labels are cut at `limit` (the JSON report has them all).
        """
        lines = [f"{'':2}{name:<10} {number:>7}" for name, number in self.counts().items()]
        if self.counties or self.unplaced:
            found = ", ".join(f"{number} from {how}" for how, number in self.counties.items())
            lines.append(
                f"Counties: {found or 'none found'}; {len(self.unplaced)} not placed; "
                f"{self.derived_regions} regions derived from the county"
            )
        if self.rolled_back:
            reasons = "; ".join(self.not_saved_reasons())
            lines.append(f"Nothing was saved: {reasons}." if reasons else "Nothing was saved.")
            if self.rejected or self.unreadable:
                lines.append("  (--partial saves the records that pass and reports the rest)")
        sections = [
            ("Errors", self.errors, None),
            (
                "Conflicts, left unchanged (--prefer-source records the source's figures)",
                [f"{item.source}: {item.message}" for item in self.conflicts],
                None,
            ),
            (
                "Registry ahead of the source (hand-entered decisions kept)",
                [f"{item.source}: {item.message}" for item in self.ahead],
                None,
            ),
            (
                "Superseded by the source",
                [f"{item.source}: {item.message}" for item in self.superseded],
                None,
            ),
            ("Rejected", [_rejection_text(rejection) for rejection in self.rejections], None),
            (
                "Could not be read",
                [f"{item.source}: {item.reason}" for item in self.skipped if item.error],
                None,
            ),
            (
                "Skipped, not project pages",
                [f"{item.source}: {item.reason}" for item in self.skipped if not item.error],
                limit,
            ),
            (
                "Not placed in a county",
                [f"{item.source}: {item.message}" for item in self.unplaced],
                None,
            ),
            ("Warnings", [f"{item.source}: {item.message}" for item in self.warnings], limit),
            (
                "Unknown labels",
                [f"{item.source}: {item.label!r} = {item.value!r}" for item in self.unknown_labels],
                limit,
            ),
        ]
        for title, items, cut in sections:
            if not items:
                continue
            lines.append(f"{title} ({len(items)}):")
            lines.extend(f"  {item}" for item in items[:cut])
            if cut is not None and len(items) > cut:
                lines.append(f"  … and {len(items) - cut} more (see --report FILE)")
        return lines


def _plural(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def _at_line(line: int | None, message: str) -> str:
    return f"rad {line}: {message}" if line else message


def _rejection_text(rejection: Rejection) -> str:
    """`file:line: Field 'value': reason`, as compilers and linters print problems."""
    where = f"{rejection.source}:{rejection.line}" if rejection.line else rejection.source
    field_value = f" {rejection.field} {rejection.value!r}:" if rejection.field else ""
    return f"{where}:{field_value} {rejection.reason}"
