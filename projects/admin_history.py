"""The admin's history pages, for a caseworker: in Swedish (English at /en/), values as the
pages write them, no empty "changed" rows, and each change of a project's totals linked to its
decision, its reason said in the page's language.

The history is for reading: who changed what and when, and old versions shown read-only.
django-simple-history's version page saves the old version on POST for anyone who may view it,
bypassing `services` (the money fields come back without being recomputed). Nothing is written
from a history page here: an old version is shown with every field read-only and a POST is
refused for everyone. A change is made on the object's own page, through the rules.
"""

from __future__ import annotations

import datetime
import re

from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from .number_fields import grouped
from .templatetags.esf import kr

# How a project's history row names the decisions that changed its totals: the parts
# `services.decisions.totals_reason` writes, in Swedish, joined by "; " (after any reason the
# project already had). The stored text stays as written; the page says it in its language.
REASON_SEPARATOR = "; "
SAVED_DECISIONS = re.compile(r"Beslut nr (\d+(?:, \d+)*)")
DELETED_DECISIONS = re.compile(r"borttaget beslut (\d+(?:, \d+)*)")


def _decision_links(numbers: str) -> str:
    """ "12, 13" with each id linked to its decision's admin page."""
    return ", ".join(
        format_html(
            '<a href="{}">{}</a>', reverse("admin:projects_decision_change", args=[number]), number
        )
        for number in numbers.split(", ")
    )


def _reason_part(part: str) -> str:
    """One part of a reason, escaped: a part `totals_reason` writes in the page's language (a
    saved decision linked, a deleted one not: it has no page), anything else as stored."""
    if saved := SAVED_DECISIONS.fullmatch(part):
        # "Beslut nr 12, 13": one form for one or more numbers, in both languages
        return escape(_("Beslut nr %(numbers)s")) % {"numbers": _decision_links(saved[1])}
    if deleted := DELETED_DECISIONS.fullmatch(part):
        numbers = deleted[1]
        return escape(
            ngettext(
                "borttaget beslut %(numbers)s",
                "borttagna beslut %(numbers)s",
                numbers.count(",") + 1,
            )
            % {"numbers": numbers}
        )
    return escape(part)


def linked_reason(reason: str | None) -> str:
    """The change reason in the page's language, each saved decision it names linked to that
    decision's admin page; a reason `totals_reason` did not write is shown as stored."""
    if not reason:
        return "–"
    return mark_safe(  # noqa: S308 (each part escaped, the links built by format_html)
        REASON_SEPARATOR.join(_reason_part(part) for part in reason.split(REASON_SEPARATOR))
    )


class HistoryValues(HistoricalRecordContextHelper):
    """Old and new values written as the pages write them: "–" for unknown, amounts grouped
    with "kr", yes/no in words, dates ISO."""

    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        field = self.model._meta.get_field(change.field)
        if value is None or value == "":
            return "–"
        if isinstance(value, bool):
            return _("ja") if value else _("nej")
        if isinstance(field, models.BigIntegerField) and isinstance(value, int):
            return kr(value)
        if isinstance(value, int):
            return grouped(value)
        if isinstance(value, datetime.date):
            return value.isoformat()
        return value


def checked_id(value: str) -> str:
    """An id from an admin URL: digits, else 404 (a bad id must not reach the database)."""
    if not value.isascii() or not value.isdigit():
        raise Http404
    return value


class RegistryHistoryAdmin(SimpleHistoryAdmin):
    """History for reading (see the module docstring)."""

    object_history_list_template = "admin/registry_history_list.html"

    def history_view(self, request, object_id, extra_context=None):
        return super().history_view(request, checked_id(object_id), extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied
        request.esf_history_version = True
        return super().history_form_view(
            request, checked_id(object_id), checked_id(version_id), extra_context
        )

    def revert_disabled(self, request, obj=None) -> bool:
        return True

    def get_historical_record_context_helper(self, request, historical_record):
        return HistoryValues(self.model, historical_record)

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        super().set_history_delta_changes(request, historical_records, foreign_keys_are_objs)
        for record in historical_records:
            # a save that changed nothing shown (e.g. only the time of the last change)
            record.esf_unchanged = (
                record.history_type == "~"
                and hasattr(record, "history_delta_changes")
                and not record.history_delta_changes
            )
            record.esf_reason = linked_reason(record.history_change_reason)
        # the page's count is of every saved version: say how many of them are not listed
        request.esf_history_hidden = sum(record.esf_unchanged for record in historical_records)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if getattr(request, "esf_history_version", False):
            return readonly + [
                field
                for field in flatten_fieldsets(self.get_fieldsets(request, obj))
                if field not in readonly
            ]
        return readonly
