"""One export: its parameters, language, headers and separator, and the filtered projects."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterator
from typing import Any

from django.db import transaction
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ..filters import DEFAULT_SORT, RELEVANCE, ProjectFilter
from ..language import lang
from ..models import Project
from ..queries import reference_lists
from .columns import COLUMNS, fetch_paths
from .rows import RowBuilder

CHUNK_SIZE = 2000  # rows per FETCH from the server-side cursor, and per piece of the response
SEPARATORS = {"comma": ",", ",": ",", "semicolon": ";", ";": ";"}
OWN_PARAMETERS = ("sep", "headers", "page", "size")  # not filters; `lang` is both


class Export:
    """One export: the filtered, sorted projects and the choices for writing them."""

    def __init__(
        self,
        params: QueryDict,
        *,
        base_url: str = "",
        default_lang: str | None = None,
        today: datetime.date | None = None,
    ) -> None:
        self.ignored: list[str] = []
        default = lang(default_lang)
        self.lang = self._choice(params, "lang", {"sv": "sv", "en": "en"}, default)
        self.headers = self._choice(params, "headers", {"both": "both"}, self.lang)
        self.delimiter = self._choice(params, "sep", SEPARATORS, ",")
        self.decimal_comma = self.delimiter == ";"
        self.today = today or timezone.localdate()
        self.exported_at = timezone.localtime()
        self.reference = reference_lists()
        self.filterset = ProjectFilter(
            params, queryset=Project.objects.all(), reference=self.reference, today=self.today
        )
        self.ignored += [
            name
            for name, field in self.filterset.form.fields.items()
            if name in self.filterset.form.errors or getattr(field, "ignored", [])
        ]
        with translation.override(self.lang):
            marker = reverse("projects:detail", args=["SLUG"])
        self.url_prefix, self.url_suffix = (base_url.rstrip("/") + marker).split("SLUG")
        self.base_url = base_url.rstrip("/")
        self.query_string = self.filter_params(params).urlencode()

    def source_url(self) -> str:
        """The list page of the same filter (absolute when a base URL is known)."""
        with translation.override(self.lang):
            path = reverse("projects:list")
        return self.base_url + path + ("?" + self.query_string if self.query_string else "")

    def _choice(self, params: QueryDict, name: str, choices: dict[str, str], default: str) -> str:
        value = params.get(name, "")
        if value and value not in choices:
            self.ignored.append(name)
        return choices.get(value, default)

    @staticmethod
    def filter_params(params: QueryDict) -> QueryDict:
        """The parameters without the export's own (for links to the same filter)."""
        params = params.copy()
        for name in OWN_PARAMETERS:
            params.pop(name, None)
        return params

    # --- rows ------------------------------------------------------------------------------
    def queryset(self):
        """The filtered projects in the list's order."""
        return self.filterset.qs

    def count(self) -> int:
        return self.filterset.qs.count()

    def raw_rows(self) -> Iterator[tuple]:
        """Tuples of `fetch_paths()` values through a server-side cursor, in the list's order."""
        paths = fetch_paths(COLUMNS)
        # One transaction for the whole read: on PostgreSQL the cursor then streams instead of
        # being materialised WITH HOLD before the first row. No savepoint inside a test's
        # transaction, so the query count stays the export's own.
        with transaction.atomic(savepoint=False):
            yield from self.queryset().values_list(*paths).iterator(chunk_size=CHUNK_SIZE)

    def rows(self, style: str, *, text: Callable[[Any], Any] | None = None) -> Iterator[Any]:
        """Per project, in the list's order: a CSV line, a list of XLSX values or a JSON dict."""
        row = RowBuilder(self, style, text=text, delimiter=self.delimiter).function()
        return map(row, self.raw_rows())

    def header(self) -> list[str]:
        if self.headers == "both":
            return [f"{c.sv} / {c.en}" for c in COLUMNS]
        return [c.en if self.headers == "en" else c.sv for c in COLUMNS]

    # --- description of the export ---------------------------------------------------------
    def applied_filters(self) -> dict[str, Any]:
        """The valid filter values in force, JSON-ready (lists, text, {"min", "max"})."""
        result: dict[str, Any] = {}
        for name, value in self.filterset.selected().items():
            if isinstance(value, slice):
                if value.start is not None or value.stop is not None:
                    result[name] = {"min": value.start, "max": value.stop}
            elif value not in (None, "", [], ()):
                result[name] = value
        # The sort in force (ProjectFilter.order): chosen, else relevance when searching, else
        # the default; effective_sort would say the default whenever any other value is invalid.
        searching = bool((self.filterset.data.get("q") or "").strip())
        result["sort"] = result.pop("sort", None) or (RELEVANCE if searching else DEFAULT_SORT)
        return result

    def problems(self) -> list[str]:
        with translation.override(self.lang):
            messages = [str(message) for message in self.filterset.problems()]
            messages += [
                _("%(name)s: okänt värde ignorerades.") % {"name": name}
                for name in ("lang", "headers", "sep")
                if name in self.ignored
            ]
        return messages

    def filename(self, extension: str) -> str:
        """esf-projekt-<date>[-<hint>].<ext>, the hint from regions, programme and status."""
        selected = self.filterset.selected()
        parts: list[str] = []
        for name in ("region", "programme", "status"):
            value = selected.get(name) or []
            parts += [value] if isinstance(value, str) else list(value)
        hint = re.sub(r"[^A-Za-z0-9]+", "-", "-".join(parts)).strip("-")[:40].strip("-")
        date = self.today.isoformat()
        return (
            f"esf-projekt-{date}-{hint}.{extension}" if hint else f"esf-projekt-{date}.{extension}"
        )
