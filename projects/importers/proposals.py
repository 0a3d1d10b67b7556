"""Proposed decisions stored: what `news.py` reads becomes `DecisionProposal` rows, not decisions.

Each text is known by the hash of its words: a text imported again (the same file, or the same
news saved as text and as HTML) proposes nothing new. Each proposal is matched to the existing
project it most likely concerns (`services.proposals.match_project`); a caseworker accepts or
rejects it in the admin.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction

from ..models import DecisionProposal
from ..services import proposals as proposal_services
from .lock import ImportBusy, import_lock
from .news import Amount, NewsResult, ProposedDecision

MAX_WRITTEN = DecisionProposal._meta.get_field("amount_written").max_length


@dataclass
class NewsReport:
    """What an import of news did: proposals made, texts already known, files skipped."""

    proposed: list[DecisionProposal] = field(default_factory=list)
    known: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    unreadable: list[tuple[str, str]] = field(default_factory=list)
    busy: bool = False

    @property
    def failed(self) -> bool:
        return bool(self.unreadable) or self.busy

    def summary(self) -> str:
        return (
            f"{len(self.proposed)} proposed, {len(self.known)} already imported, "
            f"{len(self.skipped) + len(self.unreadable)} skipped"
        )

    def text_lines(self) -> list[str]:
        lines = []
        for proposal in self.proposed:
            match = (
                f"→ {proposal.project.identifier} ({proposal.match_confidence} %)"
                if proposal.project_id
                else "→ new project"
            )
            lines.append(
                f"{proposal.source_name}: {proposal.get_kind_display()} "
                f"{proposal.project_name or proposal.acronym} {proposal.amount_written} {match}"
            )
        lines.extend(f"{name}: already imported" for name in self.known)
        lines.extend(f"{name}: skipped: {reason}" for name, reason in self.skipped)
        lines.extend(f"{name}: could not be read: {reason}" for name, reason in self.unreadable)
        return lines


def _written(amount: Amount | None) -> tuple[str, int | None, str]:
    if amount is None:
        return "", None, ""
    return amount.written[:MAX_WRITTEN], amount.value, amount.precision


def proposal_from(decision: ProposedDecision, *, content_hash: str, position: int):
    """An unsaved proposal with its values and its best match."""
    amount_written, amount, amount_precision = _written(decision.amount)
    budget_written, budget, budget_precision = _written(decision.total_budget)
    match = proposal_services.match_project(
        name=decision.project_name, acronym=decision.acronym, owner=decision.organisation
    )
    return DecisionProposal(
        source_name=decision.source[:300],
        content_hash=content_hash,
        position=position,
        kind=decision.kind,
        project_name=decision.project_name[:500],
        acronym=decision.acronym[:30],
        organisation_name=decision.organisation[:300],
        amount_written=amount_written,
        amount=amount,
        amount_precision=amount_precision,
        total_budget_written=budget_written,
        total_budget=budget,
        total_budget_precision=budget_precision,
        new_end_date=decision.new_end_date,
        end_date_precision=decision.end_date_precision,
        decided_by=decision.decided_by[:200],
        call_name=decision.call[:500],
        call_amount=decision.call_amount.value if decision.call_amount else None,
        text_date=decision.text_date,
        partners=list(decision.partners),
        evidence=dict(decision.evidence),
        project=match.project,
        match_confidence=match.confidence,
        match_reason=match.reason[:300],
    )


def import_news(results: Iterable[NewsResult]) -> NewsReport:
    """Store the proposals of the texts not imported before, in one transaction."""
    report = NewsReport()
    try:
        with transaction.atomic(), import_lock():
            _store(results, report)
    except ImportBusy:
        return NewsReport(busy=True)
    return report


def _store(results: Iterable[NewsResult], report: NewsReport) -> None:
    for result in results:
        if result.unreadable:
            report.unreadable.append((result.source, result.skipped))
            continue
        if not result.decisions:
            report.skipped.append((result.source, result.skipped))
            continue
        if DecisionProposal.objects.filter(content_hash=result.content_hash).exists():
            report.known.append(result.source)
            continue
        for position, decision in enumerate(result.decisions):
            proposal = proposal_from(decision, content_hash=result.content_hash, position=position)
            proposal._change_reason = f"Importerad från {result.source}"[:100]
            proposal.save()
            report.proposed.append(proposal)
