"""Check the registry's data invariants in a few set-based queries; exit 1 when any is broken.

The database's constraints already refuse ESF above budget and an end before the start, but the
rule that a project's money and end date follow from its decisions lives in `services.py` only:
a raw UPDATE, a restored dump or a bug elsewhere can break it. Run this after an import, a
restore, or nightly.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

from django.core.management.base import BaseCommand, CommandError
from django.db.models import (
    Count,
    DateField,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from projects import rollups, validators
from projects.models import Decision, Organisation, Project

LISTED_PER_CHECK = 20


@dataclass(frozen=True)
class Violation:
    check: str
    subject: str  # a project's diary number (else its slug), or an organisation's name
    detail: str


def differs(field: str, total: str) -> Q:
    """The project's `field` is not the `total` computed from its decisions.

    An aggregate over no (or only NULL) values is NULL, which must match a NULL on the project,
    so NULL against a value is a mismatch in both directions; two values are compared with <
    and >.
    """
    return (
        Q(**{f"{field}__isnull": True, f"{total}__isnull": False})
        | Q(**{f"{field}__isnull": False, f"{total}__isnull": True})
        | Q(**{f"{total}__lt": F(field)})
        | Q(**{f"{total}__gt": F(field)})
    )


def decision_sums() -> QuerySet:
    """Projects whose ESF grant or total budget differs from the SUM of their decisions."""
    sums = Project.objects.values(
        "pk", "diary_number", "slug", "esf_grant", "total_budget"
    ).annotate(
        grant_sum=Sum("decisions__esf_grant_change"),
        budget_sum=Sum("decisions__total_budget_change"),
    )
    return sums.filter(
        differs("esf_grant", "grant_sum") | differs("total_budget", "budget_sum")
    ).order_by("diary_number")


def decision_facts() -> QuerySet:
    """Projects whose decision count or last decision date is not their decisions'."""
    facts = Project.objects.values(
        "pk", "diary_number", "slug", "decision_count", "last_decision_date"
    ).annotate(counted=Count("decisions"), latest=Max("decisions__decided_on"))
    return facts.filter(
        differs("decision_count", "counted") | differs("last_decision_date", "latest")
    ).order_by("diary_number")


def latest_end_dates() -> QuerySet:
    """Projects whose end date is not the new end date of their latest decision that sets one.

    "Latest" as `services.effective_dates` orders: by decision date, an undated snapshot as of
    the latest decision recorded before it, then by recording order (id).
    """
    # MAX() grouped by project, not ORDER BY decided_on LIMIT 1: the planner would walk the
    # whole decided_on index backwards for every decision (minutes at 100 000 projects).
    earlier = (
        Decision.objects.filter(project_id=OuterRef("project_id"), pk__lt=OuterRef("pk"))
        .order_by()
        .values("project_id")
        .annotate(latest=Max("decided_on"))
        .values("latest")
    )
    effective = Coalesce(
        "decided_on", Subquery(earlier), Value(datetime.date.min), output_field=DateField()
    )
    latest = (
        Decision.objects.filter(project=OuterRef("pk"), new_end_date__isnull=False)
        .annotate(effective=effective)
        .order_by("-effective", "-id")
        .values("new_end_date")[:1]
    )
    return (
        Project.objects.annotate(latest_end=Subquery(latest))
        .filter(Q(end_date__lt=F("latest_end")) | Q(end_date__gt=F("latest_end")))
        .values("diary_number", "slug", "end_date", "latest_end")
        .order_by("diary_number")
    )


def violations() -> Iterator[tuple[str, int, list[Violation]]]:
    """(check, number of violations, the first few of them) for every invariant, one query each
    (two for a check with violations: the count and the listed rows)."""
    over_budget = (
        Project.objects.filter(esf_grant__gt=F("total_budget"))
        .values("diary_number", "slug", "esf_grant", "total_budget")
        .order_by("diary_number")
    )
    yield _listed(
        "esf_within_budget",
        over_budget,
        lambda row: f"ESF {row['esf_grant']} > budget {row['total_budget']}",
    )
    backwards = (
        Project.objects.filter(end_date__lt=F("start_date"))
        .values("diary_number", "slug", "start_date", "end_date")
        .order_by("diary_number")
    )
    yield _listed(
        "end_after_start",
        backwards,
        lambda row: f"end {row['end_date']} < start {row['start_date']}",
    )
    yield _listed(
        "money_is_sum_of_decisions",
        decision_sums(),
        lambda row: (
            f"ESF {row['esf_grant']} vs decisions {row['grant_sum']}, "
            f"budget {row['total_budget']} vs decisions {row['budget_sum']}"
        ),
    )
    yield _listed(
        "decision_count_and_date",
        decision_facts(),
        lambda row: (
            f"{row['decision_count']} decision(s), last {row['last_decision_date']} vs "
            f"{row['counted']}, last {row['latest']}"
        ),
    )
    yield _listed(
        "end_date_is_latest_decisions",
        latest_end_dates(),
        lambda row: f"end {row['end_date']} vs latest decision {row['latest_end']}",
    )
    future = (
        Decision.objects.filter(decided_on__gt=timezone.localdate())
        .values("project__diary_number", "decided_on")
        .annotate(diary_number=F("project__diary_number"), slug=F("project__slug"))
        .order_by("project__diary_number", "decided_on")
    )
    yield _listed(
        "decisions_not_in_the_future",
        future,
        lambda row: f"decision dated {row['decided_on']}, after today",
    )
    stale_copies = (
        Project.objects.exclude(owner_legal_form=F("owner__legal_form"))
        .values("diary_number", "slug", "owner_legal_form", "owner__legal_form")
        .order_by("diary_number")
    )
    yield _listed(
        "owner_legal_form_is_the_owners",
        stale_copies,
        lambda row: f"legal form {row['owner_legal_form']!r}, owner's {row['owner__legal_form']!r}",
    )
    yield org_number_checksums()
    yield rollup_recount()


def rollup_recount() -> tuple[str, int, list[Violation]]:
    """The portfolio roll-up's rows against a recount of the projects (two queries): each key
    and measure that differs, named by its key. `rebuild_rollup` makes it anew."""
    found = [
        Violation(
            "rollup_matches_projects",
            "/".join(map(str, key)) or "state",
            f"{measure} {stored} vs recount {recounted}",
        )
        for key, measure, recounted, stored in rollups.differences()
    ]
    return "rollup_matches_projects", len(found), found[:LISTED_PER_CHECK]


def org_number_checksums() -> tuple[str, int, list[Violation]]:
    """Organisation numbers whose check digit is wrong (Luhn).

    The database holds them to ten digits; the check digit is arithmetic no constraint here
    expresses, so it is checked in Python, one pass over the numbers (no rows are changed).
    """
    rows = (
        Organisation.objects.exclude(org_number=None)
        .values_list("name", "org_number")
        .order_by("name", "id")
    )
    wrong = [
        Violation("org_number_checksum", name, f"{number} fails the Luhn check")
        for name, number in rows.iterator(chunk_size=10_000)
        if not validators.has_valid_check_digit(number)
    ]
    return "org_number_checksum", len(wrong), wrong[:LISTED_PER_CHECK]


def _listed(check: str, rows: QuerySet, describe) -> tuple[str, int, list[Violation]]:
    listed = list(rows[: LISTED_PER_CHECK + 1])
    count = len(listed) if len(listed) <= LISTED_PER_CHECK else rows.count()
    # A 2007–2013 project has no diary number: its slug names it.
    found = [Violation(check, row["diary_number"] or row["slug"], describe(row)) for row in listed]
    return check, count, found[:LISTED_PER_CHECK]


class Command(BaseCommand):
    help = (
        "Check data invariants: ESF <= budget, end >= start, a project's ESF grant and budget "
        "are the sums of its decisions, its end date is its latest decision's, organisation "
        "numbers pass the Luhn check, the portfolio roll-up matches a recount. Exits 1 on any "
        "violation."
    )

    def handle(self, *args, **options):
        total = 0
        for check, count, found in violations():
            total += count
            if not count:
                self.stdout.write(f"ok    {check}")
                continue
            unit = {"org": "organisation(s)", "rollup": "difference(s)"}.get(
                check.split("_")[0], "project(s)"
            )
            self.stdout.write(self.style.ERROR(f"FAIL  {check}: {count} {unit}"))
            for violation in found:
                self.stdout.write(f"      {violation.subject}: {violation.detail}")
            if count > len(found):
                self.stdout.write(f"      … and {count - len(found)} more")
        if total:
            raise CommandError(f"{total} invariant violation(s)", returncode=1)
        self.stdout.write(self.style.SUCCESS("All invariants hold."))
