"""Saving parsed records: references resolved, projects upserted by diary number (a 2007–2013
page, which has none, by its address), one transaction.

Both importers end here. In one `transaction.atomic()` per run, for each record:

1. References are looked up in rows loaded once per run (`references.py`): the programme by
   the diary number's period; the region by NUTS code, then by code or name (Swedish, English,
   or a `RegionAlias`; case-insensitive, "&" read as "och"); programme area, specific objective
   and intervention field by their code within the programme. A code the lists lack is created
   with empty names and reported as a warning, so that an admin can name it.
2. The owner is found by organisation number, else by name (case-insensitive) among organisations
   without a number, else by name when exactly one numbered organisation has it; otherwise it is
   created. A known number for a numberless organisation of the same name is added to it. Demo
   organisations are never matched by name.
3. The project is compared with the saved one (loaded once, locked for the run): what the source
   leaves empty is kept (a page without a budget does not wipe one), unchanged fields are not
   written, and changed money or end date becomes one snapshot decision with the difference. A
   new project gets a snapshot decision holding its figures.
4. The result is validated in memory with the services' own checks (`services.check_project`,
   `services.check_totals` on `services.decision_totals`). Only a record that passes writes
   anything, so a refused record leaves nothing half-saved while the rest are saved; the writes
   are queued and done in bulk (`services.create_projects`, `services.update_projects`), since
   one `apply_decision` per changed project costs some 40 queries.

A refused record is reported with its field (as the source labels it), value and reason. By
default a run is all or nothing: any rejection (also from parsing) or any file that could not be
read rolls back the whole run, and the report says that nothing was saved. With `partial`, the
records that pass are saved and the rest are reported.

Only one import runs at a time (`lock.import_lock`, taken first in the transaction): a second
one is refused with `ImportBusy` in the report. A database integrity error (a row another writer
added meanwhile) rolls the run back and is reported as an error, not raised.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import PurePath

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from projects import caching, places, services
from projects.models import (
    County,
    Decision,
    InterventionField,
    Organisation,
    Programme,
    ProgrammeArea,
    Project,
    Region,
    SpecificObjective,
    legal_form_of,
)

from . import fields
from .lock import ImportBusy, import_lock
from .operations_csv import OperationsFile
from .projectbank import SKIP_NOT_PROJECT, ParseResult
from .records import MAX_VALUE_CHARS, ProjectPage, Rejection
from .references import Organisations, References
from .report import (
    CHANGED,
    CREATED,
    UNCHANGED,
    ImportRecord,
    ImportReport,
    Note,
    UnknownLabel,
)

RELATIONS = frozenset(services.RELATION_FIELDS)
# `check_totals` names the decision's fields; messages name the project's.
_DECISION_FIELDS = {
    "esf_grant_change": "esf_grant",
    "total_budget_change": "total_budget",
    "new_end_date": "end_date",
}
CODE_MAX = Region._meta.get_field("code").max_length
HISTORY_REASON_MAX = Project.history.model._meta.get_field("history_change_reason").max_length
FLUSH_EVERY = 2000
"""Queued writes go to the database in batches of this size (and when a later record needs them)."""


# --- Entry points -----------------------------------------------------------------------------


def import_pages(
    results: Iterable[ParseResult], *, partial: bool = False, prefer_source: bool = False
) -> ImportReport:
    """Save parsed project-bank pages; skipped and rejected pages are reported.

    A text that is not a project page (a news item beside the pages) is skipped without failing
    the run; a file that could not be read fails it.
    """
    report = ImportReport(partial=partial, prefer_source=prefer_source)
    records = []
    for result in results:
        if result.skipped:
            report.skip(result.source, result.skipped, error=result.skipped != SKIP_NOT_PROJECT)
        elif result.rejections:
            report.reject(result.rejections)
        elif result.page is not None:
            records.append(ImportRecord(result.page))
    return save_records(records, report=report)


def import_operations(
    files: Iterable[OperationsFile], *, partial: bool = False, prefer_source: bool = False
) -> ImportReport:
    """Save parsed list-of-operations files; refused rows and files are reported."""
    report = ImportReport(partial=partial, prefer_source=prefer_source)
    records = []
    for parsed in files:
        for message in parsed.warnings:
            report.warn(parsed.source, message)
        for header in parsed.unknown_columns:
            report.unknown_labels.append(UnknownLabel(parsed.source, header, ""))
        if parsed.skipped:
            report.skip(parsed.source, parsed.skipped)
        for row in parsed.rejected:
            report.reject(row.rejections, diary_number=row.diary_number)
        records.extend(parsed.records)
    return save_records(records, report=report)


class _RollBack(Exception):
    """Raised inside the run's transaction to undo it (all or nothing)."""


def save_records(records: list[ImportRecord], *, report: ImportReport) -> ImportReport:
    """Save the records in one transaction and fill `report`.

    Unless `report.partial`, a rejected record or an unreadable file undoes the whole run.
    """
    try:
        with transaction.atomic(), import_lock():
            saver = _Saver(report, records)
            for record in records:
                saver.save(record)
            saver.flush()
            if not report.partial and (report.rejected or report.unreadable):
                raise _RollBack
            caching.invalidate()  # new codes and organisations too, saved in bulk
    except _RollBack:
        report.roll_back()
    except ImportBusy as busy:
        report.busy = True
        report.error(str(busy))
        report.roll_back()
    except IntegrityError as error:
        detail = " ".join(str(error).split())
        report.error(f"database integrity error, the run was rolled back: {detail}")
        report.roll_back()
    return report


# --- Looking things up --------------------------------------------------------------------------


class _Conflict(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class _Rejected(Exception):
    def __init__(self, rejections: list[Rejection]) -> None:
        super().__init__(rejections)
        self.rejections = rejections


@dataclass
class _Plan:
    """What saving one record will do; nothing is written until it is carried out."""

    record: ImportRecord
    project: Project | None = None
    decision: Decision | None = None
    fields: list[str] = field(default_factory=list)
    figures: list[str] = field(default_factory=list)  # money and end date the decision changes
    new_rows: list = field(default_factory=list)  # unsaved reference rows, parents first
    new_owner: Organisation | None = None
    numbered_owner: tuple[Organisation, str] | None = None  # (organisation, number to add)
    real_owner: Organisation | None = None  # a demo organisation a real record names
    warnings: list[str] = field(default_factory=list)
    placed_by: str | None = None  # how the county was found (places.HOW, or "organisation")
    region_derived: bool = False
    unplaced: str | None = None  # why no county could be found
    derived: dict[str, str] = field(default_factory=dict)  # field → what its source note adds

    @property
    def is_new(self) -> bool:
        return self.project.pk is None


# --- Saving -----------------------------------------------------------------------------------


class _Saver:
    def __init__(self, report: ImportReport, records: list[ImportRecord]) -> None:
        self.report = report
        self.references = References()
        self.organisations = Organisations()
        self.projects, self.decisions = _existing_projects(records)
        self._replace_demo_projects(records)
        for project in self.projects.values():
            self.references.attach(project)
        self.pending: list[tuple[Project, Decision]] = []
        self.pending_updates: dict[str, services.ProjectUpdate] = {}
        self.pending_organisations: list[Organisation] = []
        self.seen: dict[str, ImportRecord] = {}
        self._owner_counties: dict[int, County] | None = None
        self._placement: _Plan | None = None  # the last planned record's, for the report

    def _replace_demo_projects(self, records: list[ImportRecord]) -> None:
        """A real record with a demo project's diary number makes it a real project: the demo
        project and its decisions are removed, and the record creates the project afresh."""
        demo = {number: p for number, p in self.projects.items() if p.is_demo}
        if not demo:
            return
        for record in records:
            project = demo.pop(record.page.diary_number, None)
            if project is None:
                continue
            self.report.warn(
                record.page.source,
                _at(
                    record,
                    f"{project.diary_number} fanns som demoprojekt; demoprojektet och dess "
                    f"{len(self.decisions.get(project.pk, []))} beslut togs bort och projektet "
                    "skapas från källan.",
                ),
            )
            del self.projects[_key(project)]
            self.decisions.pop(project.pk, None)
            project._change_reason = _change_reason(record)
            project.delete()

    # One record ---------------------------------------------------------------------------

    def save(self, record: ImportRecord) -> None:
        page = record.page
        diary, key = page.diary_number, page.key
        self.report.take_page_notes(record)
        if key in self.seen:
            earlier = self.seen[key]
            where = earlier.page.source + (f" rad {earlier.line}" if earlier.line else "")
            named = f"Diarienumret {diary}" if diary else f"Adressen {key}"
            message = f"{named} förekom redan ({where}); de senare uppgifterna gäller."
            self.report.warn(page.source, _at(record, message))
            if key in self.pending_updates or (
                key in self.projects and self.projects[key].pk is None
            ):
                self.flush()  # compare with the earlier record as saved
        self.seen[key] = record
        try:
            plan = self._plan(record)
            is_new = plan is not None and plan.is_new  # before the insert gives it its id
            if plan is not None:
                self._carry_out(plan)
        except _Rejected as rejected:
            self.report.reject(rejected.rejections, diary_number=diary)
            return
        except _Conflict as conflict:
            self.report.conflict(record, conflict.message)
            return
        self._report_place(record, self._placement)
        if plan is None:
            self.report.outcome(record, UNCHANGED)
            return
        for message in plan.warnings:
            self.report.warn(page.source, _at(record, message))
        if is_new:
            self.report.outcome(record, CREATED)
        else:
            self.report.outcome(record, CHANGED, (*plan.fields, *plan.figures))

    def _plan(self, record: ImportRecord) -> _Plan | None:
        """What to write for the record (None when nothing changes); raises _Rejected."""
        page = record.page
        programme = self.references.programmes.get(page.period)
        if programme is None:
            raise _Rejected(
                [self._rejection(record, "diary_number", page.diary_number, "Okänd programperiod.")]
            )
        today = timezone.localdate()
        if page.as_of and page.as_of > today:
            reason = f"Sidans datum {page.as_of.isoformat()} ligger efter i dag ({today})."
            raise _Rejected([self._rejection(record, "as_of", page.as_of, reason)])
        existing = self.projects.get(page.key)
        plan = _Plan(record)
        stated = self._stated(record, programme, plan, existing)
        if existing is None:
            if "owner" not in stated:
                raise _Rejected(
                    [self._rejection(record, "owner", "", "Projektägare (stödmottagare) saknas.")]
                )
            project = Project(
                diary_number=page.diary_number or None, end_date=page.end_date, **stated
            )
            project.field_sources = dict.fromkeys([*stated, *fields.FIGURES], _note(record))
            _add_derivations(project, plan, record)
            plan.project = project
            plan.decision = _snapshot(
                record,
                esf_grant_change=page.esf_grant,
                total_budget_change=page.total_budget,
                new_end_date=page.end_date,
            )
            project.esf_grant, project.total_budget = page.esf_grant, page.total_budget
            self._check(record, project)
            return plan
        project = copy.copy(existing)
        plan.project = project
        kind = _source_kind(record)
        for name in [n for n, v in stated.items() if not _better(existing, n, v, kind)]:
            del stated[name]  # the registry's value is as good or better: it stays
        plan.fields = [name for name, value in stated.items() if _differs(existing, name, value)]
        for name, value in stated.items():
            setattr(project, name, value)  # also the unchanged relations: clean() reads them

        saved = self.decisions.get(existing.pk, [])
        # A figure the source leaves out stays; the rest is reconciled with the ledger.
        reconciliation = services.reconcile_source(
            existing,
            saved,
            {name: getattr(page, name) for name in fields.FIGURES},
            prefer_source=self.report.prefer_source,
        )
        if reconciliation.outcome == services.CONFLICT:
            raise _Conflict(_conflict_message(page, reconciliation))
        if reconciliation.outcome == services.AHEAD:
            self.report.ahead.append(
                Note(page.source, _at(record, _ahead_message(page, reconciliation)))
            )
        if reconciliation.outcome == services.UPDATE:
            money = {
                name: getattr(reconciliation, name)
                for name in ("esf_grant_change", "total_budget_change")
                if getattr(reconciliation, name) is not None
            }
            new_end = reconciliation.new_end_date
            plan.figures.extend(reconciliation.changed)
            if new_end:
                project.end_date = new_end
            plan.decision = _snapshot(record, new_end_date=new_end, **money)
            if reconciliation.hand_entered:
                superseded = _decision_list(reconciliation.hand_entered)
                plan.decision.note += f"; ersätter handlagda beslut {superseded}"
                self.report.superseded.append(
                    Note(page.source, _at(record, f"{_named(page)}: {superseded}"))
                )
            decisions = [*saved, plan.decision]
            totals = services.decision_totals(decisions)
            try:
                services.check_totals(project, totals)
            except ValidationError as error:
                raise _Rejected(self._rejections(record, error, rename=_DECISION_FIELDS)) from None
            project.esf_grant, project.total_budget = totals.esf_grant, totals.total_budget
            project.end_date = totals.end_date or project.end_date
        if not plan.fields and plan.decision is None:
            return None
        project.field_sources = {
            **(existing.field_sources or {}),
            **dict.fromkeys([*plan.fields, *plan.figures], _note(record)),
        }
        _add_derivations(project, plan, record)
        self._check(record, project)
        return plan

    def _stated(
        self, record: ImportRecord, programme: Programme, plan: _Plan, existing: Project | None
    ) -> dict:
        """The values the source states for `fields.STATED` (empty ones left out), references
        resolved; the county found from the postcode or city, and the region from the county
        when the source states none."""
        page = record.page
        self._check_programme(page, programme, plan)
        area, objective = self._area_and_objective(record, programme, plan)
        owner = self._owner(record, plan)
        county = self._county(record, plan, existing, owner)
        self._placement = plan
        resolved = {
            "programme": programme,
            "owner": owner,
            "region": self._region_or_county_region(record, plan, existing, county),
            "county": county,
            "programme_area": area,
            "specific_objective": objective,
            "intervention_field": self._intervention(record, programme, plan),
        }
        values = {field.target: getattr(page, field.attribute) for field in fields.COPIED_FIELDS}
        values.update(resolved)
        values = {name: values[name] for name in fields.STATED}
        return {name: value for name, value in values.items() if value not in (None, "")}

    def _check(self, record: ImportRecord, project: Project) -> None:
        try:
            services.check_project(project)
        except ValidationError as error:
            raise _Rejected(self._rejections(record, error)) from None

    # References ---------------------------------------------------------------------------

    def _check_programme(self, page: ProjectPage, programme: Programme, plan: _Plan) -> None:
        cci = page.programme_cci.strip()
        # Pages shorten the CCI ("2021SE05SFPR" for 2021SE05SFPR001).
        if cci and not (programme.cci.startswith(cci) or cci.startswith(programme.cci)):
            plan.warnings.append(
                f"Program CCI {cci} hör inte till programmet {programme.code} ({programme.cci}) "
                "som diarienumret anger; diarienumret avgör."
            )
        if page.fund and page.fund.casefold() != programme.fund.casefold():
            plan.warnings.append(
                f"Fonden {page.fund} stämmer inte med programmet {programme.code} "
                f"({programme.fund}); diarienumret avgör."
            )

    def _new_code(self, record: ImportRecord, field_name: str, code: str, row, plan: _Plan):
        if len(code) > CODE_MAX:
            raise _Rejected(
                [
                    self._rejection(
                        record,
                        field_name,
                        code,
                        f"Okänd kod som inte kan läggas till: längre än {CODE_MAX} tecken.",
                    )
                ]
            )
        plan.new_rows.append(row)
        plan.warnings.append(
            f"Okänd kod för {self._label(record, field_name)}: '{code}' lades till utan namn; "
            "ge den ett namn i admin."
        )
        return row

    def _area_and_objective(
        self, record: ImportRecord, programme: Programme, plan: _Plan
    ) -> tuple[ProgrammeArea | None, SpecificObjective | None]:
        page = record.page
        area = None
        if page.programme_area_code:
            code = page.programme_area_code.strip()
            area = self.references.area(programme, code)
            if area is None:
                area = self._new_code(
                    record,
                    "programme_area",
                    code,
                    ProgrammeArea(programme=programme, code=code),
                    plan,
                )
        if not page.specific_objective_code:
            return area, None
        code = page.specific_objective_code.strip()
        if area is None:
            # The objective's code names its area (2.3 is in area 2), when it is known.
            known = self.references.objectives_coded(programme, code)
            if len(known) == 1:
                return known[0].programme_area, known[0]
            plan.warnings.append(
                f"Specifikt mål '{code}' sparades inte: programområde saknas och målet är okänt."
            )
            return None, None
        objective = self.references.objective(area, code)
        if objective is None:
            objective = self._new_code(
                record,
                "specific_objective",
                code,
                SpecificObjective(programme_area=area, code=code),
                plan,
            )
        return area, objective

    def _intervention(
        self, record: ImportRecord, programme: Programme, plan: _Plan
    ) -> InterventionField | None:
        code = (record.page.intervention_code or "").strip()
        if not code:
            return None
        found = self.references.intervention(programme, code)
        if found is not None:
            return found
        row = InterventionField(programme=programme, code=code)
        return self._new_code(record, "intervention_field", code, row, plan)

    def _region(self, record: ImportRecord, plan: _Plan) -> Region | None:
        page = record.page
        code = (page.nuts_code or "").strip()
        name = " ".join((page.region_name or "").split())
        by_code = self.references.region_coded(code)
        by_name = self.references.region_named(name)
        if by_code and by_name and by_code != by_name:
            plan.warnings.append(
                f"Regionen '{name}' och NUTS-koden {code} anger olika regioner; koden används."
            )
        if by_code:
            return by_code
        if by_name:
            if code:
                plan.warnings.append(
                    f"NUTS-koden {code} är okänd; regionen valdes efter namnet '{name}' "
                    f"({by_name.code})."
                )
            return by_name
        if code:
            return self._new_code(record, "region", code, Region(code=code), plan)
        if not name:
            return None
        if len(name) > CODE_MAX:
            plan.warnings.append(
                f"Okänd region '{name}' sparades inte (för långt för en kod); lägg till namnet "
                "som alternativt regionnamn i admin."
            )
            return None
        # A name without a code: the name becomes the new row's code until an admin fixes it.
        return self._new_code(record, "region", name, Region(code=name), plan)

    def _county(
        self,
        record: ImportRecord,
        plan: _Plan,
        existing: Project | None,
        owner: Organisation | None,
    ) -> County | None:
        """The county of the beneficiary's postcode; without one, the county its organisation
        is known to be in from a page with a postcode, else that of its city."""
        page = record.page
        placement = places.place(page.postcode, page.city)
        county = self.references.county_coded(placement.county)
        city = " ".join(page.city.split())
        if placement.how == places.POSTCODE:
            plan.placed_by = places.HOW[places.POSTCODE]
            other = self.references.county_coded(placement.city_county)
            if other is not None and other != county:
                plan.warnings.append(
                    f"Postnumret {places.postcode_key(page.postcode)} ligger i {county.name_sv} "
                    f"enligt Eurostats tabell, orten '{city}' i {other.name_sv}; postnumret "
                    "gäller."
                )
            if owner is not None and owner.pk is not None and self._owner_counties is not None:
                self._owner_counties.setdefault(owner.pk, county)
            return county
        known = None
        if existing is not None and existing.county_id and existing.postcode:
            known = self.references.by_id.get(("county", existing.county_id))
        if known is None and owner is not None and owner.pk is not None:
            known = self.owner_counties().get(owner.pk)
        if known is not None:
            plan.placed_by = "organisation"
            if county is not None and county != known:
                plan.warnings.append(
                    f"Orten '{city}' ligger i {county.name_sv}, men organisationen finns i "
                    f"{known.name_sv} enligt ett postnummer; {known.name_sv} gäller."
                )
            return known
        if county is not None:
            plan.placed_by = places.HOW[places.CITY]
            return county
        if existing is None or existing.county_id is None:
            if not page.country or page.country.casefold() == "sverige":
                where = (
                    f"orten '{city}' är varken en kommun eller en ort i listorna"
                    if city
                    else ("varken postnummer eller ort anges")
                )
                plan.unplaced = f"{_named(page)}: {where}"
        return None

    def owner_counties(self) -> dict[int, County]:
        """Organisations whose projects with a postcode all lie in one county, loaded once."""
        if self._owner_counties is None:
            seen: dict[int, set[int]] = defaultdict(set)
            for owner_id, county_id in (
                Project.objects.exclude(postcode="")
                .exclude(county=None)
                .values_list("owner_id", "county_id")
                .distinct()
            ):
                seen[owner_id].add(county_id)
            self._owner_counties = {
                owner_id: self.references.by_id[("county", next(iter(ids)))]
                for owner_id, ids in seen.items()
                if len(ids) == 1 and ("county", next(iter(ids))) in self.references.by_id
            }
        return self._owner_counties

    def _region_or_county_region(
        self, record: ImportRecord, plan: _Plan, existing: Project | None, county: County | None
    ) -> Region | None:
        """The region the source states (it wins, with a warning when the county's differs), else
        the county's for a project that has none or has that one."""
        stated = self._region(record, plan)
        if county is None:
            return stated
        if stated is not None:
            if not stated.is_national and stated.pk is not None and stated != county.region:
                plan.warnings.append(
                    f"Regionen {stated.code} ({stated.name_sv}) skiljer sig från "
                    f"{county.name_sv}s region {county.region.code}; den angivna regionen gäller."
                )
            return stated
        if existing is not None and existing.region_id not in (None, county.region_id):
            return None  # another source's region stays
        plan.region_derived = True
        plan.derived["region"] = f"; härledd från länet ({county.code})"
        return county.region

    def _report_place(self, record: ImportRecord, plan: _Plan | None) -> None:
        if plan is None or plan.record is not record:
            return
        if plan.placed_by:
            self.report.placed(plan.placed_by, derived_region=plan.region_derived)
        elif plan.unplaced:
            self.report.not_placed(record.page.source, _at(record, plan.unplaced))

    def _owner(self, record: ImportRecord, plan: _Plan) -> Organisation | None:
        page = record.page
        name = " ".join(page.owner_name.split())
        found, number_to_add = self.organisations.find(name, page.org_number)
        if found is not None and found.is_demo:
            plan.real_owner = found  # a real source names it: it is no longer demo data
            plan.warnings.append(
                f"Organisationen '{found.name}' ({found.org_number}) fanns bara i demodata; den "
                f"är nu en verklig organisation med namnet '{name or found.name}'."
            )
        if found is not None:
            if number_to_add:
                plan.numbered_owner = (found, number_to_add)
                plan.warnings.append(
                    f"Organisationen '{found.name}' fick organisationsnummer {number_to_add} "
                    f"(angivet för '{name}')."
                )
            return found
        if not name:
            return None  # an existing project keeps its owner; a new one is refused
        organisation = Organisation(name=name, org_number=page.org_number)
        try:
            organisation.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            raise _Rejected(
                self._rejections(
                    record, error, rename={"name": "owner"}, values={"org_number": page.org_number}
                )
            ) from None
        plan.new_owner = organisation
        return organisation

    # Writing ------------------------------------------------------------------------------

    def _carry_out(self, plan: _Plan) -> None:
        """Write the record's new reference rows and queue the project for a bulk write."""
        self._write_references(plan)
        project = plan.project
        if plan.is_new:
            self.pending.append((project, plan.decision))
        else:
            self.pending_updates[_key(project)] = services.ProjectUpdate(
                project, [*plan.fields, "field_sources"], plan.decision
            )
        self.projects[_key(project)] = project
        if len(self.pending) + len(self.pending_updates) >= FLUSH_EVERY:
            self.flush()

    def _write_references(self, plan: _Plan) -> None:
        note = _change_reason(plan.record)
        for row in plan.new_rows:
            services.save_code_row(row, reason=note)
            self.references.remember(row)
        if plan.real_owner is not None:
            name = " ".join(plan.record.page.owner_name.split())
            services.make_real(plan.real_owner, name=name, reason=note)
        if plan.numbered_owner:
            organisation, number = plan.numbered_owner
            services.add_org_number(organisation, number, reason=note)
            self.organisations.numbered(organisation)
        if plan.new_owner is not None:
            plan.new_owner._change_reason = note
            self.pending_organisations.append(plan.new_owner)
            self.organisations.remember(plan.new_owner)
        if plan.decision is not None:
            plan.decision._change_reason = note
        plan.project._change_reason = note

    def flush(self) -> None:
        """Write the queued organisations, new projects and updates."""
        if self.pending_organisations:
            for organisation in self.pending_organisations:
                organisation.legal_form = legal_form_of(organisation.org_number)
            bulk_create_with_history(
                self.pending_organisations, Organisation, batch_size=FLUSH_EVERY
            )
            self.pending_organisations = []
        if self.pending:
            services.create_projects(items=self.pending, batch_size=FLUSH_EVERY)
            for project, decision in self.pending:
                self.decisions[project.pk] = [decision]
            self.pending = []
        if self.pending_updates:
            updates = list(self.pending_updates.values())
            services.update_projects(updates=updates, batch_size=FLUSH_EVERY)
            for update in updates:
                if update.decision is not None:
                    self.decisions.setdefault(update.project.pk, []).append(update.decision)
            self.pending_updates = {}

    # Messages -----------------------------------------------------------------------------

    def _label(self, record: ImportRecord, field_name: str) -> str:
        labels = record.labels or fields.PAGE_LABELS
        return labels.get(field_name) or fields.PAGE_LABELS.get(field_name, field_name)

    def _rejection(self, record: ImportRecord, field_name: str, value, reason: str) -> Rejection:
        label = self._label(record, field_name) if field_name else ""
        text = "" if value is None else str(value)
        return Rejection(record.page.source, record.line, label, text[:MAX_VALUE_CHARS], reason)

    def _rejections(
        self,
        record: ImportRecord,
        error: ValidationError,
        *,
        rename: Mapping[str, str] | None = None,
        values: Mapping[str, object] | None = None,
    ) -> list[Rejection]:
        source_values = {**fields.source_values(record.page), **(values or {})}
        rejections = []
        for name, messages in error.message_dict.items():
            name = (rename or {}).get(name, name)
            if name == NON_FIELD_ERRORS:
                rejections.append(self._rejection(record, "", "", " ".join(messages)))
                continue
            rejections.append(
                self._rejection(record, name, source_values.get(name), " ".join(messages))
            )
        return rejections


def _key(project: Project) -> str:
    """The project's key among a run's records (`ProjectPage.key`): its diary number, or the
    address of a project that has none."""
    return project.diary_number or project.source_url


def _named(page: ProjectPage) -> str:
    """How messages name the record's project: its diary number, else its address."""
    return page.diary_number or page.source_url


def _existing_projects(
    records: list[ImportRecord],
) -> tuple[dict[str, Project], dict[int, list[Decision]]]:
    """The projects the records name (by diary number, or by address when a record has none),
    locked for the run, and their decisions in recording order."""
    numbers = sorted({r.page.diary_number for r in records if r.page.diary_number})
    addresses = sorted(
        {r.page.source_url for r in records if r.page.key and not r.page.diary_number}
    )
    projects: dict[str, Project] = {}
    decisions: dict[int, list[Decision]] = defaultdict(list)
    lookups = [("diary_number__in", numbers), ("source_url__in", addresses)]
    for lookup, keys in lookups:
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            if lookup == "source_url__in":
                found = Project.objects.filter(diary_number__isnull=True, source_url__in=chunk)
            else:
                found = Project.objects.filter(diary_number__in=chunk)
            ids = []
            for project in found.select_for_update():
                projects[_key(project)] = project
                ids.append(project.pk)
            for decision in Decision.objects.filter(project__in=ids).order_by("id"):
                decisions[decision.project_id].append(decision)
    return projects, decisions


def _add_derivations(project: Project, plan: _Plan, record: ImportRecord) -> None:
    """A field the record's values were found from, not read in it, says how in its source."""
    if plan.placed_by:
        plan.derived.setdefault("county", f"; från {plan.placed_by}")
    for name, how in plan.derived.items():
        if name in project.field_sources and project.field_sources[name] == _note(record):
            project.field_sources[name] += how


def _differs(project: Project, name: str, value) -> bool:
    if name in RELATIONS:
        return value.pk is None or getattr(project, f"{name}_id") != value.pk
    return getattr(project, name) != value


FIGURE_NAMES = {"esf_grant": "ESF-stöd", "total_budget": "total budget", "end_date": "slutdatum"}


def _figures(values: Mapping[str, object], names: Iterable[str]) -> str:
    def shown(value) -> str:
        if isinstance(value, int):
            return f"{value:,} kr".replace(",", "\N{NO-BREAK SPACE}")
        return "–" if value is None else str(value)

    return ", ".join(f"{FIGURE_NAMES[name]} {shown(values.get(name))}" for name in names)


def _decision_list(decisions: Iterable[Decision]) -> str:
    return ", ".join(
        f"{d.get_kind_display().lower()} {d.decided_on.isoformat() if d.decided_on else ''}".strip()
        for d in decisions
    )


def _conflict_message(page: ProjectPage, reconciliation: services.Reconciliation) -> str:
    names = reconciliation.changed
    source, registry = reconciliation.source, reconciliation.registry
    return (
        f"{_named(page)}: källan anger {_figures(source, names)}, registret har "
        f"{_figures(registry, names)} efter handlagda beslut "
        f"({_decision_list(reconciliation.hand_entered)}); projektet lämnades oförändrat"
    )


def _ahead_message(page: ProjectPage, reconciliation: services.Reconciliation) -> str:
    return (
        f"{_named(page)}: registret ligger före källan (handlagda beslut "
        f"{_decision_list(reconciliation.hand_entered)} syns inte i källan ännu); "
        "beloppen och slutdatumet behölls"
    )


PROJECT_BANK = "Projektbanken"
LIST_OF_OPERATIONS = "Förteckning över insatser"
LONG_TEXTS = tuple(field.target for field in fields.FIELDS if field.reading == fields.LONG_TEXT)
"""Texts a source may give in full (a page's description) or as a summary (the list's)."""


def _source_kind(record: ImportRecord) -> str:
    return LIST_OF_OPERATIONS if record.labels is not None else PROJECT_BANK


def _better(existing: Project, name: str, value, kind: str) -> bool:
    """Whether a source's value should replace the registry's: never for a poorer one.

    - A text that differs only in case ("KALMAR" for "Kalmar") keeps the registry's casing,
      unless the registry's is all capitals and the source's is not.
    - A long text (a description) from another kind of source replaces the registry's only
      when it is longer: a one-sentence summary does not replace a page's full description.
    """
    old = getattr(existing, name, None) if name not in RELATIONS else None
    if not isinstance(value, str) or not isinstance(old, str) or not old:
        return True
    if value.casefold() == old.casefold():
        return old.isupper() and not value.isupper()
    if name in LONG_TEXTS:
        earlier = (existing.field_sources or {}).get(name, "")
        same_kind = earlier.startswith(kind)
        return same_kind or len(value) > len(old)
    return True


def source_name(record: ImportRecord) -> str:
    """ "Projektbanken, 001_1edcad09.txt": the kind of source and the file's name, never the
    importing machine's path."""
    kind = _source_kind(record)
    name = PurePath(record.page.source.replace("\\", "/")).name or record.page.source
    return f"{kind}, {name}"


def _note(record: ImportRecord) -> str:
    """The snapshot's note: the source and the day its figures are as of."""
    page = record.page
    if page.as_of:
        return f"{source_name(record)}, per {page.as_of.isoformat()} (källans datum)"
    return f"{source_name(record)}, hämtad {timezone.localdate().isoformat()}"


def _change_reason(record: ImportRecord) -> str:
    """The history's reason (a 100-character column), for every row a record writes."""
    return f"Import: {_note(record)}"[:HISTORY_REASON_MAX]


def _snapshot(record: ImportRecord, **changes) -> Decision:
    """A source's figures as a decision: dated as of the source's own date, or undated (the
    import day is in its note and its recording time)."""
    return Decision(
        kind=Decision.Kind.SNAPSHOT,
        decided_on=record.page.as_of,
        note=_note(record),
        **changes,
    )


def _at(record: ImportRecord, message: str) -> str:
    return f"rad {record.line}: {message}" if record.line else message
