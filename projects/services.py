"""Writes to the registry. The admin and the importers both go through these functions.

Rule: a project's ESF grant, total budget and end date are the sum / latest of its decisions.
`apply_decision` saves a decision and recomputes its project in one transaction, refusing a
decision whose result would break the project's invariants (ESF above budget, end before start).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Decision, Project


@dataclass(frozen=True)
class Totals:
    """What a project's decisions add up to. None means no decision states that figure."""

    esf_grant: int | None
    total_budget: int | None
    end_date: datetime.date | None


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


def _apply_totals(project: Project, totals: Totals) -> Project:
    project.esf_grant = totals.esf_grant
    project.total_budget = totals.total_budget
    if totals.end_date:
        project.end_date = totals.end_date
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
    for decision in save:
        decision.project = project
        decision.full_clean()
    check_totals(project, prospective_totals(project, adding=save, removing=[d.pk for d in delete]))
    for decision in delete:
        decision.delete()
    for decision in save:
        decision.save()
    return recompute_project(project_id=project.pk)


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
