"""The decision rule for one project: totals, checks, applying and deleting decisions.

A project's ESF grant and total budget are the sums of its decisions, its end date that of the
latest decision that sets one (`effective_dates`), its decision count and last decision date
its decisions'. `apply_decision` saves a decision and recomputes its project in one
transaction, refusing a decision whose result would break the project's invariants (ESF above
budget, negative money, an end before the start). Sources against the ledger
(`reconcile_source`) are here too: how an import's figures meet hand-entered decisions.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from .. import dimensions
from ..models import Decision, Project
from ..number_fields import grouped


@dataclass(frozen=True)
class Totals:
    """What a project's decisions add up to. None means no decision states that figure."""

    esf_grant: int | None
    total_budget: int | None
    end_date: datetime.date | None
    decision_count: int = 0
    last_decision_date: datetime.date | None = None  # of the dated decisions


def effective_dates(decisions: Sequence[Decision]) -> list[datetime.date]:
    """When each decision counts for "latest", the decisions in recording order.

    A dated decision counts on its date (a snapshot's date is the day its source states it is
    as of). A snapshot from a source that states no date counts as of the latest decision
    recorded before it: it shows what the source knew when it was imported, so a decision
    entered later, even one dated earlier than the import day, is not overruled by it.
    """
    dates, latest = [], datetime.date.min
    for decision in decisions:
        if decision.decided_on is not None:
            dates.append(decision.decided_on)
            latest = max(latest, decision.decided_on)
        else:
            dates.append(latest)
    return dates


def _sum_or_none(values: Iterable[int | None]) -> int | None:
    known = [value for value in values if value is not None]
    return sum(known) if known else None


def decision_totals(decisions: Iterable[Decision]) -> Totals:
    """Sum the money and take the end date of the latest decision that sets one.

    `decisions` are in recording order (saved ones by id, then unsaved ones). "Latest" is by
    `effective_dates`; a later-recorded decision wins a tie on the date.
    """
    decisions = list(decisions)
    when = effective_dates(decisions)
    dated = sorted(
        (when[index], index, d.new_end_date) for index, d in enumerate(decisions) if d.new_end_date
    )
    return Totals(
        esf_grant=_sum_or_none(d.esf_grant_change for d in decisions),
        total_budget=_sum_or_none(d.total_budget_change for d in decisions),
        end_date=dated[-1][2] if dated else None,
        decision_count=len(decisions),
        last_decision_date=max((d.decided_on for d in decisions if d.decided_on), default=None),
    )


def ledger(decisions: Iterable[Decision]) -> list[Decision]:
    """A project's decisions (given in recording order) in the order the rule reads them, each
    with `running_grant` and `running_budget`: the totals after it, for the decision table.

    A total no decision so far has stated is unknown (None), as in `decision_totals`: a
    snapshot without a grant leaves "ESF-stöd totalt" unknown, not 0.
    """
    recorded = list(decisions)
    when = effective_dates(recorded)
    ordered = [recorded[i] for i in sorted(range(len(recorded)), key=lambda i: (when[i], i))]
    running_grant = running_budget = None
    for decision in ordered:
        if decision.esf_grant_change is not None:
            running_grant = (running_grant or 0) + decision.esf_grant_change
        if decision.total_budget_change is not None:
            running_budget = (running_budget or 0) + decision.total_budget_change
        decision.running_grant, decision.running_budget = running_grant, running_budget
    return ordered


def _with_changes(
    saved: Sequence[Decision], *, adding: Iterable[Decision] = (), removing: Iterable[int] = ()
) -> list[Decision]:
    """The decisions in recording order once `adding` is saved and `removing` deleted: an edited
    decision keeps its place (its id), a new one comes last."""
    adding, removing = list(adding), set(removing)
    replacing = {d.pk: d for d in adding if d.pk}
    kept = [replacing.get(d.pk, d) for d in saved if d.pk not in removing]
    return kept + [d for d in adding if not d.pk]


def prospective_totals(
    project: Project, *, adding: Iterable[Decision] = (), removing: Iterable[int] = ()
) -> Totals:
    """Totals the project would have with some decisions added (or replaced) and some removed."""
    saved = list(project.decisions.order_by("id")) if project.pk else []
    return decision_totals(_with_changes(saved, adding=adding, removing=removing))


def check_totals(project: Project, totals: Totals) -> None:
    """Refuse totals that would break the project's invariants, naming the decision fields."""
    errors: dict[str, list[str]] = {}
    end_date = totals.end_date or project.end_date
    if totals.esf_grant is not None and totals.esf_grant < 0:
        errors.setdefault("esf_grant_change", []).append(
            _("Beviljat ESF-stöd skulle bli negativt (%(total)s kr).")
            % {"total": grouped(totals.esf_grant)}
        )
    if totals.total_budget is not None and totals.total_budget < 0:
        errors.setdefault("total_budget_change", []).append(
            _("Total budget skulle bli negativ (%(total)s kr).")
            % {"total": grouped(totals.total_budget)}
        )
    if (
        totals.esf_grant is not None
        and totals.total_budget is not None
        and totals.esf_grant > totals.total_budget
    ):
        errors.setdefault("esf_grant_change", []).append(
            _("Beviljat ESF-stöd (%(grant)s kr) skulle överstiga total budget (%(budget)s kr).")
            % {"grant": grouped(totals.esf_grant), "budget": grouped(totals.total_budget)}
        )
    if end_date and project.start_date and end_date < project.start_date:
        errors.setdefault("new_end_date", []).append(
            _("Slutdatum %(end)s ligger före projektets startdatum %(start)s.")
            % {"end": end_date, "start": project.start_date}
        )
    if errors:
        raise ValidationError(errors)


def set_totals(project: Project, totals: Totals) -> None:
    project.esf_grant = totals.esf_grant
    project.total_budget = totals.total_budget
    if totals.end_date:
        project.end_date = totals.end_date
    project.decision_count = totals.decision_count
    project.last_decision_date = totals.last_decision_date


DERIVED_FIELDS = ["esf_grant", "total_budget", "end_date", "decision_count", "last_decision_date"]
"""The project columns that follow from its decisions; only this module writes them."""


def _save_totals(project: Project, totals: Totals) -> Project:
    """Write the derived columns (checked by `check_totals`; the database's constraints hold
    them too), with one history row, when they differ from the project's."""
    before = [getattr(project, name) for name in DERIVED_FIELDS]
    set_totals(project, totals)
    if [getattr(project, name) for name in DERIVED_FIELDS] != before:
        project.save(update_fields=[*DERIVED_FIELDS, "updated_at"])
    return project


def _locked(project_id: int) -> Project:
    return Project.objects.select_for_update().get(pk=project_id)


@transaction.atomic
def recompute_project(*, project_id: int) -> Project:
    """Set the project's grant, budget and end date from its decisions and save it."""
    project = _locked(project_id)
    return _save_totals(project, decision_totals(project.decisions.order_by("id")))


def _check_decision(decision: Decision) -> None:
    """What `full_clean()` checks, without a query: the fields, `clean()` (which states the
    check constraints' rules with their messages); the project is the locked one."""
    decision.full_clean(exclude=["project"], validate_unique=False, validate_constraints=False)


@transaction.atomic
def apply_decisions(
    *, project_id: int, save: Iterable[Decision] = (), delete: Iterable[Decision] = ()
) -> Project:
    """Save and delete several decisions of one project at once, checking the combined result.

    Raises ValidationError, with nothing saved, when a decision itself is invalid or when the
    project would end up with ESF above budget, negative money or an end before its start.
    The project is locked, its decisions read once; five queries for one new decision.
    """
    save, delete = list(save), list(delete)
    project = _locked(project_id)
    saved = list(project.decisions.order_by("id"))
    _refuse_moves(project, save, saved)
    for decision in save:
        decision.project = project
        _check_decision(decision)
    totals = decision_totals(_with_changes(saved, adding=save, removing=[d.pk for d in delete]))
    check_totals(project, totals)
    deleted = [decision.pk for decision in delete]  # delete() forgets them
    for decision in delete:
        decision.delete()
    for decision in save:
        decision.save()
    reason = totals_reason([decision.pk for decision in save], deleted=deleted)
    existing = getattr(project, "_change_reason", None)
    project._change_reason = f"{existing}; {reason}" if existing else reason
    return _save_totals(project, totals)


def totals_reason(saved: Sequence[int], *, deleted: Sequence[int] = ()) -> str:
    """The history's reason for a change of a project's totals: the ids of the decisions that
    made it, "Beslut nr 12, 13; borttaget beslut 14". Stored in Swedish as written; the admin's
    history (`admin_history.linked_reason`) recognises these two forms, says them in the page's
    language and links each saved decision's number to its page."""
    parts = []
    if saved:
        parts.append("Beslut nr " + ", ".join(map(str, saved)))
    if deleted:
        parts.append("borttaget beslut " + ", ".join(map(str, deleted)))
    return "; ".join(parts)


def _refuse_moves(project: Project, decisions: Sequence[Decision], saved: list[Decision]) -> None:
    """A saved decision stays with its project: moving it would leave the first project's
    totals counting it. No query: an edited decision must be among the project's own."""
    own = {decision.pk for decision in saved}
    if any(decision.pk and decision.pk not in own for decision in decisions):
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
    One INSERT and one history row for each of the two.
    """
    if grant.new_end_date is None:
        grant.new_end_date = project.end_date
    totals = decision_totals([grant])
    set_totals(project, totals)
    # Uniqueness and related rows are checked with queries; the check constraints' rules are
    # in `clean()` and `check_project` (and the database holds them).
    project.full_clean(validate_constraints=False)
    check_project(project)
    grant.project = project
    _check_decision(grant)
    check_totals(project, totals)
    project.save()
    grant.project = project
    grant.save()
    return project


def aggregate_decisions(project: Project) -> dict[str, int | None]:
    """The sums straight from the database, for invariant checks and tests."""
    return project.decisions.aggregate(
        esf_grant=Sum("esf_grant_change"), total_budget=Sum("total_budget_change")
    )


# --- Sources against the ledger --------------------------------------------------------------
#
# A source (a project-bank page, a list-of-operations row) states a project's figures as the
# source has them; the ledger also holds decisions a caseworker entered by hand. How the two
# combine (docs/architecture.md, "Sources and hand-entered decisions"):
# - the source agrees with the registry: in step, nothing is written;
# - no hand-entered decision since the project's last import: the difference becomes a snapshot;
# - hand-entered decisions since then, and the source still says what it said at the last
#   import: the registry is ahead of the source, nothing is written;
# - hand-entered decisions since then, and the source says something new: a conflict, nothing is
#   written, unless the import is told to prefer the source; then a snapshot records the
#   difference and names the decisions it supersedes.

IN_STEP = "in_step"
UPDATE = "update"
AHEAD = "ahead"
CONFLICT = "conflict"
SOURCE_FIGURES = ("esf_grant", "total_budget", "end_date")


@dataclass(frozen=True)
class Reconciliation:
    """What a source's figures do to a project: `outcome` and, for UPDATE, the snapshot's
    changes (None where a figure stays)."""

    outcome: str
    esf_grant_change: int | None = None
    total_budget_change: int | None = None
    new_end_date: datetime.date | None = None
    changed: tuple[str, ...] = ()
    registry: dict | None = None
    """The registry's figures before the import, for the report."""
    source: dict | None = None
    """The figures the source states (those it leaves out are not in it), for the report."""
    hand_entered: tuple[Decision, ...] = ()
    """Decisions entered since the last import (for AHEAD, CONFLICT and a preferred source)."""


def _last_snapshot(decisions: Sequence[Decision]) -> int | None:
    """The index of the last snapshot (the project's last import), or None."""
    return max(
        (index for index, d in enumerate(decisions) if d.kind == Decision.Kind.SNAPSHOT),
        default=None,
    )


def hand_entered_since_import(decisions: Sequence[Decision]) -> list[Decision]:
    """The decisions recorded after the last snapshot (all of them when there is none)."""
    last = _last_snapshot(decisions)
    after = decisions if last is None else decisions[last + 1 :]
    return [d for d in after if d.kind != Decision.Kind.SNAPSHOT]


def reconcile_source(
    project: Project,
    decisions: Sequence[Decision],
    stated: dict[str, object],
    *,
    prefer_source: bool = False,
) -> Reconciliation:
    """Compare a source's figures (`stated`: esf_grant, total_budget, end_date; None where the
    source leaves one out) with the project and its decisions in recording order."""
    stated = {name: stated.get(name) for name in SOURCE_FIGURES if stated.get(name) is not None}
    registry = {name: getattr(project, name) for name in SOURCE_FIGURES}
    differing = tuple(name for name, value in stated.items() if registry[name] != value)
    if not differing:
        return Reconciliation(IN_STEP, registry=registry, source=stated)
    hand = tuple(hand_entered_since_import(decisions))
    if hand and not prefer_source:
        last_snapshot = _last_snapshot(decisions)
        if last_snapshot is not None:
            imported = decision_totals(decisions[: last_snapshot + 1])
            if all(getattr(imported, name) == value for name, value in stated.items()):
                return Reconciliation(AHEAD, registry=registry, source=stated, hand_entered=hand)
        return Reconciliation(
            CONFLICT, changed=differing, registry=registry, source=stated, hand_entered=hand
        )
    money = {
        f"{name}_change": stated[name] - (registry[name] or 0)
        for name in ("esf_grant", "total_budget")
        if name in differing
    }
    return Reconciliation(
        UPDATE,
        new_end_date=stated["end_date"] if "end_date" in differing else None,
        changed=differing,
        registry=registry,
        source=stated,
        hand_entered=hand,
        **money,
    )


# Not checked by `check_project` (that would be a query each); the database's foreign keys are.
RELATION_FIELDS = ("owner", *dimensions.NAMES)


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
