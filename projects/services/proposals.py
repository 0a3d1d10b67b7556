"""Decision proposals: the project a proposal most likely concerns, and a caseworker's verdict.

A proposal (`DecisionProposal`, read from news by `importers/news.py`) changes nothing until a
caseworker accepts it; then it becomes a decision through `apply_decision`, or the first
decision of a new project through `create_project`, so the ledger's rule holds as for any other
decision. An amount the text gave rounded or qualified ("drygt 15,5 miljoner") is not a decision
amount: it must be confirmed against the decision letter, or corrected, first.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Decision, DecisionProposal, Organisation, Project, ProjectOrganisation
from .decisions import apply_decision, create_project

ACCEPT_PERMISSIONS = ("projects.change_project", "projects.add_decision")
MATCH_THRESHOLD = 50
"""Below this confidence (percent) a proposal is left for a new project."""
MAX_CANDIDATES = 50


@dataclass(frozen=True)
class Match:
    """The project a proposal most likely concerns, how sure (percent) and why."""

    project: Project | None
    confidence: int
    reason: str


_ACRONYM_IN_NAME_RE = re.compile(r"\s*\(([^)]{1,30})\)\s*")


def _plain(name: str) -> str:
    """A name compared: case folded, the acronym in parentheses, dashes and spacing dropped."""
    name = _ACRONYM_IN_NAME_RE.sub(" ", name or "")
    return " ".join(re.sub(r"[-–—,]", " ", name).casefold().split())


def _acronyms(name: str) -> set[str]:
    return {found.casefold() for found in _ACRONYM_IN_NAME_RE.findall(name or "")}


def score(project: Project, *, name: str, acronym: str, owner: str) -> tuple[int, list[str]]:
    """How well a project fits a proposal's name, acronym and owner (0–100), and why."""
    points, why = 0, []
    ours, theirs = _plain(name), _plain(project.name)
    if ours and ours == theirs:
        points, why = 80, [_("samma namn")]
    elif ours and theirs and (ours in theirs or theirs in ours) and min(len(ours), len(theirs)) > 5:
        points, why = 55, [_("namnet ingår")]
    if acronym and (acronym.casefold() in _acronyms(project.name) or acronym.casefold() == theirs):
        points = points + 15 if points else 60
        why.append(_("samma förkortning"))
    if points and owner and _plain(owner) == _plain(project.owner.name):
        points += 20
        why.append(_("samma projektägare"))
    return min(points, 100), why


def match_project(*, name: str, acronym: str = "", owner: str = "") -> Match:
    """The existing project a proposal most likely concerns, by name, acronym and owner."""
    condition = Q()
    if name:
        condition |= Q(name__iexact=name) | Q(name__icontains=name)
    if acronym:
        condition |= Q(name__icontains=f"({acronym})")
    if not condition:
        return Match(None, 0, "")
    candidates = (
        Project.objects.filter(condition, is_demo=False)
        .select_related("owner")
        .order_by("-start_date", "id")[:MAX_CANDIDATES]
    )
    best, best_points, best_why = None, 0, []
    for project in candidates:
        points, why = score(project, name=name, acronym=acronym, owner=owner)
        if points > best_points:
            best, best_points, best_why = project, points, why
    if best is None or best_points < MATCH_THRESHOLD:
        return Match(None, best_points, _("inget projekt matchar; nytt projekt"))
    return Match(best, best_points, ", ".join(best_why))


def match_organisation(name: str) -> Organisation | None:
    """The one organisation of that name (case folded), if there is exactly one."""
    if not name:
        return None
    found = list(Organisation.objects.filter(name__iexact=name.strip()).order_by("id")[:2])
    return found[0] if len(found) == 1 else None


def may_accept(user) -> bool:
    """Staff who may change projects and add decisions (the Handläggare group)."""
    return bool(user and user.is_active and user.is_staff and user.has_perms(ACCEPT_PERMISSIONS))


def unconfirmed_amounts(
    proposal: DecisionProposal, *, esf_grant_change: int | None, total_budget: int | None
) -> list[str]:
    """The fields whose value is still the text's rounded or qualified amount."""
    exact = DecisionProposal.Precision.EXACT
    unconfirmed = []
    if (
        proposal.amount is not None
        and proposal.amount_precision != exact
        and esf_grant_change == proposal.amount
    ):
        unconfirmed.append("esf_grant_change")
    if (
        proposal.total_budget is not None
        and proposal.total_budget_precision != exact
        and total_budget == proposal.total_budget
    ):
        unconfirmed.append("total_budget_change")
    return unconfirmed


def unconfirmed_message(proposal: DecisionProposal) -> str:
    return _(
        "Beloppet i texten är ungefärligt eller avrundat (%(written)s). Ange det exakta beloppet "
        "från beslutsbrevet, eller bekräfta att beloppet stämmer med beslutsbrevet."
    ) % {"written": proposal.amount_written or proposal.total_budget_written}


def _locked_open(proposal: DecisionProposal) -> DecisionProposal:
    locked = DecisionProposal.objects.select_for_update().get(pk=proposal.pk)
    if locked.status != DecisionProposal.Status.PROPOSED:
        raise ValidationError(
            _("Förslaget är redan handlagt (%(status)s).") % {"status": locked.get_status_display()}
        )
    return locked


@transaction.atomic
def accept_proposal(
    *,
    proposal: DecisionProposal,
    user,
    decided_on: datetime.date | None,
    kind: str,
    decided_by: str = "",
    esf_grant_change: int | None = None,
    total_budget_change: int | None = None,
    new_end_date: datetime.date | None = None,
    amounts_confirmed: bool = False,
    project: Project | None = None,
    new_project: Project | None = None,
    note: str = "",
    partners: Sequence[str] = (),
) -> Decision:
    """Record the proposal as a decision of `project`, or as the grant of `new_project`.

    The amounts are the decision letter's: a value still equal to the text's rounded or
    qualified amount is refused unless `amounts_confirmed`. Raises ValidationError with nothing
    saved when the decision breaks the ledger's rules, PermissionDenied for a user who may not
    decide.
    """
    if not may_accept(user):
        raise PermissionDenied
    locked = _locked_open(proposal)
    budget = total_budget_change
    if project is not None and total_budget_change is not None and project.total_budget:
        budget = project.total_budget + total_budget_change
    if not amounts_confirmed and unconfirmed_amounts(
        locked, esf_grant_change=esf_grant_change, total_budget=budget
    ):
        raise ValidationError({"amounts_confirmed": unconfirmed_message(locked)})
    if (project is None) == (new_project is None):
        raise ValidationError(
            {"project": _("Välj det projekt beslutet gäller, eller ange ett nytt projekt.")}
        )
    source = f"{locked.source_name}, {locked.text_date.isoformat()}" if locked.text_date else ""
    decision = Decision(
        kind=kind,
        decided_on=decided_on,
        decided_by=decided_by,
        esf_grant_change=esf_grant_change,
        total_budget_change=total_budget_change,
        new_end_date=new_end_date,
        note=" ".join(
            part
            for part in (
                f"Beslutsförslag från nyhet {source or locked.source_name}.",
                f"Bekräftat av {user.get_username()}.",
                note,
            )
            if part
        ),
    )
    if new_project is not None:
        if kind != Decision.Kind.GRANT:
            raise ValidationError(
                {"kind": _("Ett nytt projekt börjar med ett beviljande; välj Beviljande.")}
            )
        owner = new_project.owner
        if owner.pk is None:
            owner._change_reason = f"Beslutsförslag {locked.pk}"
            owner.full_clean(validate_unique=False)
            owner.save()
            new_project.owner = owner  # sets owner_id, which the project's checks read
        project = create_project(project=new_project, grant=decision)
    else:
        decision.project = project
        apply_decision(decision=decision)
    add_partners(project=project, names=partners, source=locked.source_name)
    locked.status = DecisionProposal.Status.ACCEPTED
    locked.kind = kind
    locked.decided_by = decided_by
    locked.new_end_date = new_end_date
    locked.project = project
    locked.decision = decision
    locked.reviewed_by = user
    locked.reviewed_at = timezone.now()
    locked.review_note = note or locked.review_note
    locked._change_reason = "Godkänt"
    locked.save()
    proposal.refresh_from_db()
    return decision


@transaction.atomic
def reject_proposal(*, proposal: DecisionProposal, user, note: str = "") -> DecisionProposal:
    """Mark the proposal rejected (a misread text, a decision already recorded), with why."""
    if not may_accept(user):
        raise PermissionDenied
    locked = _locked_open(proposal)
    locked.status = DecisionProposal.Status.REJECTED
    locked.reviewed_by = user
    locked.reviewed_at = timezone.now()
    locked.review_note = note or locked.review_note
    locked._change_reason = "Avslaget"
    locked.save()
    proposal.refresh_from_db()
    return locked


def add_partners(
    *, project: Project, names: Sequence[str], source: str
) -> list[ProjectOrganisation]:
    """Link the named organisations to the project as partners (an organisation of that name,
    or a new one); a link that exists already is kept as it is."""
    links = []
    for name in dict.fromkeys(name.strip() for name in names if name.strip()):
        organisation = match_organisation(name)
        if organisation is None:
            organisation = Organisation(name=name[:300])
            organisation._change_reason = f"Samverkanspart enligt {source}"[:100]
            organisation.save()
        link, created = ProjectOrganisation.objects.get_or_create(
            project=project,
            organisation=organisation,
            role=ProjectOrganisation.Role.PARTNER,
            defaults={"source": source[:300]},
        )
        links.append(link)
    return links
