"""Atom feeds of decisions, so that people and programs can follow new decisions.

- `/beslut/feed.atom?<filters>`: the decisions on the projects the list's filters select
  (`region=SE21`, `programme=2021-2027`, …), narrowed by the decision filters (`kind`,
  `decided_on_min`, `decided_on_max`); English titles under `/en/`.
- `/organisations/<id>/feed.atom`: an organisation's decisions.
- `/projects/<slug>/feed.atom`: one project's decisions.

The latest `FEED_SIZE` decisions, newest first (by decision date; undated import snapshots by
when they were recorded). A feed reader cannot show a message, so values the filters cannot use
are ignored as on the list, and the feed's subtitle says what was ignored.
"""

from __future__ import annotations

import datetime

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from . import queries
from .decision_filters import LATEST_FIRST, Decisions
from .models import Decision, Organisation, Project
from .number_fields import grouped

FEED_SIZE = 50


class DecisionFeed(Feed):
    """The decisions a query string selects (see the module docstring)."""

    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, *args, **kwargs) -> dict:
        selection = Decisions(request.GET, reference=queries.reference_lists())
        query = selection.valid_params().urlencode()
        return {
            "decisions": selection.qs,
            "problems": selection.problems(),
            "query": query,
            "page": reverse("projects:list") + (f"?{query}" if query else ""),
            "self": reverse("projects:decision_feed") + (f"?{query}" if query else ""),
        }

    def title(self, obj) -> str:
        return _("ESF-portalen: nya beslut") + (_(" (urval)") if obj["query"] else "")

    def subtitle(self, obj) -> str:
        text = _("Beslut om stöd från Europeiska socialfonden, det senaste först.")
        if obj["problems"]:
            text += " " + _("Ignorerat:") + " " + " ".join(str(p) for p in obj["problems"])
        return text

    def link(self, obj) -> str:
        return obj["page"]

    def feed_url(self, obj) -> str:
        return obj["self"]

    def feed_guid(self, obj) -> str:
        return obj["self"]

    def items(self, obj) -> list[Decision]:
        return list(obj["decisions"].order_by(*LATEST_FIRST)[:FEED_SIZE])

    def item_title(self, decision: Decision) -> str:
        project = decision.project
        return f"{decision.get_kind_display()}: {project.name} ({project.identifier})"

    def item_description(self, decision: Decision) -> str:
        return decision_summary(decision)

    def item_link(self, decision: Decision) -> str:
        return decision.project.get_absolute_url()

    def item_guid(self, decision: Decision) -> str:
        return f"{decision.project.get_absolute_url()}#beslut-{decision.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, decision: Decision) -> datetime.datetime:
        if decision.decided_on is None:
            return decision.created_at
        return timezone.make_aware(datetime.datetime.combine(decision.decided_on, datetime.time()))

    def item_updateddate(self, decision: Decision) -> datetime.datetime:
        return decision.created_at

    def item_author_name(self, decision: Decision) -> str:
        return decision.decided_by or "ESF-portalen"

    def item_categories(self, decision: Decision) -> list[str]:
        return [decision.kind]


def decision_summary(decision: Decision) -> str:
    """The decision in one line: what it changed, who decided, its note."""
    parts = []
    if decision.esf_grant_change is not None:
        parts.append(_("ESF-stöd %(change)s kr") % {"change": signed(decision.esf_grant_change)})
    if decision.total_budget_change is not None:
        parts.append(
            _("total budget %(change)s kr") % {"change": signed(decision.total_budget_change)}
        )
    if decision.new_end_date is not None:
        parts.append(_("nytt slutdatum %(date)s") % {"date": decision.new_end_date.isoformat()})
    if decision.decided_by:
        parts.append(_("beslutat av %(who)s") % {"who": decision.decided_by})
    text = "; ".join(parts) + "." if parts else ""
    return f"{text} {decision.note}".strip()


def signed(amount: int) -> str:
    return ("+" if amount > 0 else "") + grouped(amount)


class OrganisationDecisionFeed(DecisionFeed):
    """One organisation's decisions."""

    def get_object(self, request: HttpRequest, pk: int) -> dict:
        organisation = get_object_or_404(Organisation, pk=pk)
        return {
            "organisation": organisation,
            "decisions": Decision.objects.filter(project__owner=organisation).select_related(
                "project__programme"
            ),
            "problems": [],
            "query": "",
            "page": organisation.get_absolute_url(),
            "self": reverse("projects:organisation_feed", args=[organisation.pk]),
        }

    def title(self, obj) -> str:
        return _("ESF-portalen: beslut för %(name)s") % {"name": obj["organisation"].name}


class ProjectDecisionFeed(DecisionFeed):
    """One project's decisions."""

    def get_object(self, request: HttpRequest, slug: str) -> dict:
        if "\x00" in slug:
            raise Http404
        project = get_object_or_404(Project.objects.select_related("programme"), slug=slug)
        return {
            "project": project,
            "decisions": project.decisions.select_related("project__programme"),
            "problems": [],
            "query": "",
            "page": project.get_absolute_url(),
            "self": reverse("projects:project_feed", args=[project.slug]),
        }

    def title(self, obj) -> str:
        project = obj["project"]
        return _("ESF-portalen: beslut för %(name)s") % {
            "name": f"{project.identifier} {project.name}"
        }
