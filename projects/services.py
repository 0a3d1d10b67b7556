"""Writes to the registry. The admin and the importers both go through these functions.

Rule: a project's ESF grant, total budget and end date are the sum / latest of its decisions.
`apply_decision` saves a decision and recomputes its project in one transaction, refusing a
decision whose result would break the project's invariants (ESF above budget, end before start).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from . import caching, validators
from .models import Decision, Project


@dataclass(frozen=True)
class Totals:
    """What a project's decisions add up to. None means no decision states that figure."""

    esf_grant: int | None
    total_budget: int | None
    end_date: datetime.date | None
    decision_count: int = 0
    last_decision_date: datetime.date | None = None  # of the dated decisions


def _effective_date(decision: Decision) -> datetime.date:
    """When a decision counts for "latest": its date, or for undated snapshots when recorded."""
    if decision.decided_on:
        return decision.decided_on
    if decision.created_at:
        return timezone.localdate(decision.created_at)
    return timezone.localdate()


def _sum_or_none(values: Iterable[int | None]) -> int | None:
    known = [value for value in values if value is not None]
    return sum(known) if known else None


def decision_totals(decisions: Iterable[Decision]) -> Totals:
    """Sum the money and take the end date of the latest decision that sets one.

    `decisions` are in recording order (saved ones by id, then unsaved ones); a later-recorded
    decision wins a tie on the date.
    """
    decisions = list(decisions)
    dated = sorted(
        (_effective_date(d), index, d.new_end_date)
        for index, d in enumerate(decisions)
        if d.new_end_date
    )
    return Totals(
        esf_grant=_sum_or_none(d.esf_grant_change for d in decisions),
        total_budget=_sum_or_none(d.total_budget_change for d in decisions),
        end_date=dated[-1][2] if dated else None,
        decision_count=len(decisions),
        last_decision_date=max((d.decided_on for d in decisions if d.decided_on), default=None),
    )


def prospective_totals(
    project: Project, *, adding: Iterable[Decision] = (), removing: Iterable[int] = ()
) -> Totals:
    """Totals the project would have with some decisions added (or replaced) and some removed."""
    adding = list(adding)
    skip = set(removing) | {d.pk for d in adding if d.pk}
    saved = [d for d in project.decisions.order_by("id") if d.pk not in skip] if project.pk else []
    return decision_totals([*saved, *adding])


def check_totals(project: Project, totals: Totals) -> None:
    """Refuse totals that would break the project's invariants, naming the decision fields."""
    errors: dict[str, list[str]] = {}
    end_date = totals.end_date or project.end_date
    if totals.esf_grant is not None and totals.esf_grant < 0:
        errors.setdefault("esf_grant_change", []).append(
            _("Beviljat ESF-stöd skulle bli negativt (%(total)s kr).") % {"total": totals.esf_grant}
        )
    if totals.total_budget is not None and totals.total_budget < 0:
        errors.setdefault("total_budget_change", []).append(
            _("Total budget skulle bli negativ (%(total)s kr).") % {"total": totals.total_budget}
        )
    if (
        totals.esf_grant is not None
        and totals.total_budget is not None
        and totals.esf_grant > totals.total_budget
    ):
        errors.setdefault("esf_grant_change", []).append(
            _("Beviljat ESF-stöd (%(grant)s kr) skulle överstiga total budget (%(budget)s kr).")
            % {"grant": totals.esf_grant, "budget": totals.total_budget}
        )
    if end_date and project.start_date and end_date < project.start_date:
        errors.setdefault("new_end_date", []).append(
            _("Slutdatum %(end)s ligger före projektets startdatum %(start)s.")
            % {"end": end_date, "start": project.start_date}
        )
    if errors:
        raise ValidationError(errors)


def _set_totals(project: Project, totals: Totals) -> None:
    project.esf_grant = totals.esf_grant
    project.total_budget = totals.total_budget
    if totals.end_date:
        project.end_date = totals.end_date
    project.decision_count = totals.decision_count
    project.last_decision_date = totals.last_decision_date


def _apply_totals(project: Project, totals: Totals) -> Project:
    _set_totals(project, totals)
    project.full_clean(validate_unique=False, validate_constraints=True)
    project.save()
    return project


@transaction.atomic
def recompute_project(*, project_id: int) -> Project:
    """Set the project's grant, budget and end date from its decisions and save it."""
    project = Project.objects.select_for_update().get(pk=project_id)
    totals = decision_totals(project.decisions.order_by("id"))
    if (
        project.total_budget != totals.total_budget
        or project.esf_grant != totals.esf_grant
        or (totals.end_date and totals.end_date != project.end_date)
        or project.decision_count != totals.decision_count
        or project.last_decision_date != totals.last_decision_date
    ):
        _apply_totals(project, totals)
    return project


@transaction.atomic
def apply_decisions(
    *, project_id: int, save: Iterable[Decision] = (), delete: Iterable[Decision] = ()
) -> Project:
    """Save and delete several decisions of one project at once, checking the combined result.

    Raises ValidationError, with nothing saved, when a decision itself is invalid or when the
    project would end up with ESF above budget, negative money or an end before its start.
    """
    save, delete = list(save), list(delete)
    project = Project.objects.select_for_update().get(pk=project_id)
    _refuse_moves(project, save)
    for decision in save:
        decision.project = project
        decision.full_clean()
    check_totals(project, prospective_totals(project, adding=save, removing=[d.pk for d in delete]))
    for decision in delete:
        decision.delete()
    for decision in save:
        decision.save()
    return recompute_project(project_id=project.pk)


def _refuse_moves(project: Project, decisions: Sequence[Decision]) -> None:
    """A saved decision stays with its project: moving it would leave the first project's
    totals counting it. One query, for edited decisions only."""
    edited = [decision.pk for decision in decisions if decision.pk]
    if not edited:
        return
    stored = Decision.objects.filter(pk__in=edited).exclude(project_id=project.pk)
    if stored.exists():
        raise ValidationError(
            {
                "project": _(
                    "Ett beslut kan inte flyttas till ett annat projekt. Ta bort det och lägg "
                    "in det på rätt projekt."
                )
            }
        )


def apply_decision(*, decision: Decision) -> Project:
    """Save one decision (new or edited) and return its project with the figures recomputed."""
    return apply_decisions(project_id=decision.project_id, save=[decision])


def delete_decision(*, decision: Decision) -> Project:
    """Remove a decision, refusing when the remaining ones would break the invariants."""
    return apply_decisions(project_id=decision.project_id, delete=[decision])


@transaction.atomic
def create_project(*, project: Project, grant: Decision) -> Project:
    """Create a project together with its first decision (normally the grant).

    The project's money fields are taken from the decision, so the sum rule holds from the start.
    """
    project.esf_grant = grant.esf_grant_change
    project.total_budget = grant.total_budget_change
    if grant.new_end_date is None:
        grant.new_end_date = project.end_date
    project.full_clean()
    project.save()
    grant.project = project
    return apply_decision(decision=grant)


def aggregate_decisions(project: Project) -> dict[str, int | None]:
    """The sums straight from the database, for invariant checks and tests."""
    return project.decisions.aggregate(
        esf_grant=Sum("esf_grant_change"), total_budget=Sum("total_budget_change")
    )


# --- Importers: the same rules in bulk -------------------------------------------------------
#
# An import of the list of operations touches thousands of projects. Going through
# `create_project` / `apply_decision` one by one costs some 40 queries a project (each
# `full_clean()` checks every constraint and foreign key with a query), so the importers use
# these bulk counterparts. They keep the same rule with the same functions: a project's money and
# end date are `decision_totals` of its decisions, refused by `check_totals` when invalid, and
# every written row gets its history row.

# Not checked by `check_project` (that would be a query each); the database's foreign keys are.
RELATION_FIELDS = (
    "programme",
    "owner",
    "region",
    "programme_area",
    "specific_objective",
    "intervention_field",
)


def check_project(project: Project) -> None:
    """Validate a project in memory, without queries: fields, `clean()` and the check constraints.

    What `full_clean()` would say, except uniqueness and the existence of related rows, which
    the importers resolve from rows loaded once per run and the database enforces.
    """
    errors: dict[str, list[str]] = {}
    try:
        project.full_clean(
            exclude=RELATION_FIELDS, validate_unique=False, validate_constraints=False
        )
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    for name in ("programme", "owner"):
        field = Project._meta.get_field(name)
        if getattr(project, field.attname) is None and not field.is_cached(project):
            errors.setdefault(name, []).append(field.error_messages["null"])
    # The one check constraint `clean()` does not repeat.
    if (
        project.participant_goal is not None
        and project.planned_participants is not None
        and project.participant_goal > project.planned_participants
    ):
        errors.setdefault("participant_goal", []).append(
            _("Deltagarmålet kan inte vara större än planerat antal deltagare.")
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_projects(
    *, items: Sequence[tuple[Project, Decision]], batch_size: int = 1000
) -> list[Project]:
    """Create new projects, each with its first decision, in a few bulk inserts.

    The bulk counterpart of `create_project`: a project's grant, budget and end date are its
    decision's. Related rows must be saved. The caller has checked each project with
    `check_project` (the importers do, to report a refused record); each decision's `clean()`
    runs here. History rows are written as `save()` would (an object's `_change_reason` is used).
    """
    for project, grant in items:
        if grant.new_end_date is None:
            grant.new_end_date = project.end_date
        _set_totals(project, decision_totals([grant]))
        project.slug = validators.diary_number_to_slug(project.diary_number)
        grant.clean()
    projects = insert_with_history(
        Project, [project for project, _grant in items], batch_size=batch_size
    )
    decisions = []
    for project, (_project, grant) in zip(projects, items, strict=True):
        grant.project = project
        decisions.append(grant)
    insert_with_history(Decision, decisions, batch_size=batch_size)
    caching.invalidate()  # bulk inserts send no post_save
    return projects


@dataclass
class ProjectUpdate:
    """An existing project with changed plain `fields` and/or a decision to add to it."""

    project: Project
    fields: Sequence[str] = ()
    decision: Decision | None = None


@transaction.atomic
def update_projects(*, updates: Sequence[ProjectUpdate], batch_size: int = 1000) -> None:
    """Save changed fields of existing projects and add their decisions, in bulk.

    The bulk counterpart of `apply_decision`: each project's grant, budget and end date become
    `decision_totals` of its saved decisions plus the new one, refused by `check_totals` as
    there (ValidationError, nothing saved). Plain fields are saved as the project carries them.
    The projects should be locked (`select_for_update`) since they were read.
    """
    ids = [update.project.pk for update in updates if update.decision is not None]
    saved: dict[int, list[Decision]] = {}
    for decision in Decision.objects.filter(project_id__in=ids).order_by("id"):
        saved.setdefault(decision.project_id, []).append(decision)
    fields = {"updated_at"}
    decisions = []
    now = timezone.now()
    for update in updates:
        project = update.project
        fields.update(update.fields)
        if update.decision is not None:
            update.decision.project = project
            update.decision.full_clean(exclude=["project"], validate_constraints=False)
            totals = decision_totals([*saved.get(project.pk, []), update.decision])
            check_totals(project, totals)
            _set_totals(project, totals)
            fields.update(
                ("esf_grant", "total_budget", "end_date", "decision_count", "last_decision_date")
            )
            decisions.append(update.decision)
        check_project(project)
        project.updated_at = now
    bulk_create_with_history(decisions, Decision, batch_size=batch_size)
    bulk_update_with_history(
        [update.project for update in updates], Project, sorted(fields), batch_size=batch_size
    )
    caching.invalidate()  # bulk updates send no post_save


def insert_with_history(model, objs: list, *, batch_size: int = 1000) -> list:
    """Insert new rows and their "+" history rows, as `bulk_create_with_history` does.

    On PostgreSQL the rows go in with COPY: for 10 000 projects the ORM's per-value work in
    `bulk_create` is most of an import's time. Ids come from the table's sequence (`nextval`), so
    inserts by others at the same time stay safe; auto_now fields, foreign keys to rows saved
    after assignment, `_change_reason` and the request's user are handled as the ORM would.
    """
    if connection.vendor != "postgresql" or not objs:
        return bulk_create_with_history(objs, model, batch_size=batch_size)
    now = timezone.now()
    fields = model._meta.concrete_fields
    for obj, obj_id in zip(objs, _next_ids(model, len(objs)), strict=True):
        for field in fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                setattr(obj, field.attname, now)
            elif field.is_relation and getattr(obj, field.attname) is None:
                related = field.get_cached_value(obj, default=None)
                if related is not None:
                    if related.pk is None:
                        raise ValueError(f"{model.__name__}.{field.name} is not saved yet.")
                    setattr(obj, field.attname, related.pk)
        obj.pk = obj_id
        obj._state.adding, obj._state.db = False, connection.alias
    _copy(model, [[getattr(obj, field.attname) for field in fields] for obj in objs])

    history = model.history.model
    own = {field.attname for field in fields}
    rows = []
    for obj, history_id in zip(objs, _next_ids(history, len(objs)), strict=True):
        user = history.get_default_history_user(obj)
        extra = {
            "history_id": history_id,
            "history_date": now,
            "history_change_reason": getattr(obj, "_change_reason", None),
            "history_type": "+",
            "history_user_id": user.pk if user is not None else None,
        }
        rows.append(
            [
                getattr(obj, field.attname) if field.attname in own else extra[field.attname]
                for field in history._meta.concrete_fields
            ]
        )
    _copy(history, rows)
    return objs


def _next_ids(model, count: int) -> list[int]:
    pk = model._meta.pk
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, pk.column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def _copy(model, rows: list[list]) -> None:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in model._meta.concrete_fields)
    sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)
