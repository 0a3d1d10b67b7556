"""Exports of the filtered project set: streamed CSV and JSON, and XLSX, from one column spec.

`/projects/export.csv`, `/projects/export.json` and `/projects/export.xlsx` take the parameters
of `/projects/` (the same `ProjectFilter`: `q`, every filter and `sort`), so an export holds
exactly the rows of the list, in the same order. `python manage.py export_projects` writes the
same files.

Extra parameters:

- `lang=sv|en`: header language, names of codes (region, programme area, …) and the words for status
  and yes/no in CSV and XLSX. Default: the UI language (`/en/projects/export.csv` is English).
- `headers=both`: bilingual headers, "Diarienummer / Diary number", like ESF-rådet's own list.
- `sep=semicolon` (CSV only): `;` between fields and a decimal comma (`50,00`). **Swedish Excel
  users should pick this variant** (the list links to it as "CSV för svenska Excel"): Excel with
  Swedish regional settings expects `;` and a decimal comma and would otherwise put every row in
  one cell. The default is `,` with a decimal point, for R, Python and English Excel.

Invalid values never give an error: `ProjectFilter` drops them and the rest of the filter applies;
the response header `X-ESF-Ignored-Parameters` names what was ignored, and JSON lists it in words
under `warnings`.

CSV: UTF-8 with a byte order mark (Excel then reads å, ä, ö right), LF line ends, one header
row. Numbers are raw (`19895809`, no thousands separators), dates ISO (`2020-02-01`), empty means
unknown. Text that a spreadsheet would run as a formula (it begins with `=`, `+`, `-`, `@`, tab or
CR) gets a leading `'` (OWASP "CSV injection"); numbers, negative ones too, are never changed.

JSON, streamed:

    {"count": 2,                       # rows that follow (counted just before they are read)
     "exported_at": "2026-11-23T10:15:00+01:00",
     "filters": {"region": ["SE21"], "status": "ongoing", "sort": "-start",
                 "esf_grant": {"min": 1000000, "max": null}},   # the valid filter values
     "warnings": [],                   # ignored parameters, in words
     "projects": [
       {"diary_number": "2020/00152", "name": "Fortsatt SLA",
        "programme": {"code": "ESF-2014-2020", "name_sv": "…", "name_en": "…",
                      "cci": "2014SE05M9OP001", "fund": "ESF"},
        "owner": {"name": "Kalmar kommun", "org_number": "2120000415"},
        "owner_unit": "", "region": {"code": "SE21", "name_sv": "Småland och Öarna",
                                     "name_en": "Småland with the islands", "nuts2": "SE21"},
        "city": "Kalmar", "postcode": "39232",
        "start_date": "2020-08-17", "end_date": "2022-12-31", "status": "finished",
        "total_budget": 36619373, "esf_grant": 17207538,
        "cofinancing_rate": "50.00", "esf_share_of_budget": "47.0",
        "programme_area": {"code": "2", "name_sv": "…", "name_en": "…"},
        "specific_objective": null, "intervention_field": null,
        "planned_participants": 446, "participant_goal": null,
        "child_poverty_theme": null, "strategic_importance": true,
        "decision_count": 2, "last_decision_date": "2021-03-01",
        "description": "…", "url": "https://…/projects/2020-00152/"}, …]}

Types: money and counts are integers (whole kronor); **decimals are strings** ("50.00", two
decimals for the co-financing rate, one for the ESF share), exact where a float would not be;
dates are ISO strings; yes/no/unknown is `true`/`false`/`null`; `status` is a code (`upcoming`,
`ongoing`, `finished`, at the export date); a code list value is an object with `code`, `name_sv`
and `name_en` (`null` when the project has none); text fields are strings, `""` when empty.
The keys are the `key` of each column below; a dotted key nests (`region.code`), and a `.name`
column becomes `name_sv` and `name_en`.

XLSX: one sheet "Projekt" with typed cells (numbers, dates, yes/no as booleans), a frozen header
row and column widths, and a sheet "Om data" with the filter, the export time and the source.
A workbook is a zip that must be complete before its first byte, so the web export builds it
into a temporary file and then sends it in pieces, and refuses it above `ESF_XLSX_MAX_ROWS` rows
(setting, default 20 000: 5–15 s of building) with HTTP 400 and links to the CSV of the same
filter; use CSV for larger sets. `export_projects` allows up to `XLSX_ROW_LIMIT` (200 000).

Every export is built in one of a few slots per process and kept, compressed, until the
registry changes (`export_limits`: 503 with `Retry-After` when the slots are taken).

Rows come from one query (projects with the owner joined; the decision count and date are
kept on each project) read through a server-side cursor, `iterator(chunk_size=…)`, so memory
stays flat for any size; the five small code lists are the ones `ProjectFilter` already loaded,
looked up in memory. On PostgreSQL the CSV rows come from COPY instead (`copy_chunks`).
"""

from __future__ import annotations

import datetime
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from decimal import ROUND_HALF_UP, Decimal
from itertools import islice
from typing import Any, NamedTuple

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import (
    Case,
    DecimalField,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Concat, NullIf, Replace, Round
from django.db.models.lookups import In
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    QueryDict,
    StreamingHttpResponse,
)
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import gettext as _

from . import export_limits
from .export_limits import ExportStream
from .filters import DEFAULT_SORT, RELEVANCE, ProjectFilter
from .language import lang
from .models import (
    InterventionField,
    Programme,
    ProgrammeArea,
    Project,
    Region,
    SpecificObjective,
)
from .queries import ReferenceLists, reference_lists


class Column(NamedTuple):
    sv: str  # Swedish header
    en: str  # English header
    key: str  # value path on the project; also the JSON key (dotted = nested)
    kind: str = "text"  # text, int, decimal, date, bool, status, name


# The one column spec for CSV, JSON and XLSX. `owner.x` is read through the join, `<code list>.x`
# from the code lists in memory (reference_value); status, ESF share and url are derived per row
# (RowCompiler); decision_count and last_decision_date are kept on the project by services.
COLUMNS: list[Column] = [
    Column("Diarienummer", "Diary number", "diary_number"),
    Column("Projektnamn", "Project name", "name"),
    Column("Programkod", "Programme code", "programme.code"),
    Column("Program", "Programme", "programme.name", "name"),
    Column("CCI-nummer", "CCI", "programme.cci"),
    Column("Fond", "Fund", "programme.fund"),
    Column("Projektägare", "Project owner", "owner.name"),
    Column("Organisationsnummer", "Organisation number", "owner.org_number"),
    Column("Projektägarens enhet", "Owner unit", "owner_unit"),
    Column("Regionkod", "Region code", "region.code"),
    Column("Region", "Region", "region.name", "name"),
    Column("NUTS-2-kod", "NUTS-2 code", "region.nuts2"),
    Column("Ort", "City", "city"),
    Column("Postnummer", "Postcode", "postcode"),
    Column("Startdatum", "Start date", "start_date", "date"),
    Column("Slutdatum", "End date", "end_date", "date"),
    Column("Status", "Status", "status", "status"),
    Column("Total projektbudget (kr)", "Total budget (SEK)", "total_budget", "int"),
    Column("Beviljat ESF-stöd (kr)", "Granted ESF support (SEK)", "esf_grant", "int"),
    Column(
        "Unionens medfinansieringsgrad (%)",
        "EU co-financing rate (%)",
        "cofinancing_rate",
        "decimal",
    ),
    Column(
        "ESF-stödets andel av budgeten (%)",
        "ESF share of budget (%)",
        "esf_share_of_budget",
        "decimal",
    ),
    Column("Programområde, kod", "Programme area code", "programme_area.code"),
    Column("Programområde", "Programme area", "programme_area.name", "name"),
    Column("Specifikt mål, kod", "Specific objective code", "specific_objective.code"),
    Column("Specifikt mål", "Specific objective", "specific_objective.name", "name"),
    Column("Interventionstyp, kod", "Intervention type code", "intervention_field.code"),
    Column("Interventionstyp", "Intervention type", "intervention_field.name", "name"),
    Column("Planerat antal deltagare", "Planned participants", "planned_participants", "int"),
    Column("Deltagarmål", "Participant goal", "participant_goal", "int"),
    Column(
        "Sekundärtema – motverka barnfattigdom",
        "Secondary theme: child poverty",
        "child_poverty_theme",
        "bool",
    ),
    Column(
        "Insats av strategisk betydelse", "Strategic importance", "strategic_importance", "bool"
    ),
    Column("Antal beslut", "Number of decisions", "decision_count", "int"),
    Column("Senaste beslutsdatum", "Last decision date", "last_decision_date", "date"),
    Column("Beskrivning", "Description", "description"),
    Column("Projektsida", "Project page", "url"),
    # Last, so that the columns before keep their places for existing spreadsheets.
    Column("Demodata", "Demo data", "is_demo", "bool"),
]

# Words in CSV and XLSX cells, in the export's language (data, like the headers; not the UI).
STATUS_TEXT = {
    Project.Status.UPCOMING: ("Kommande", "Upcoming"),
    Project.Status.ONGOING: ("Pågående", "Ongoing"),
    Project.Status.FINISHED: ("Avslutat", "Finished"),
}
BOOL_TEXT = {True: ("Ja", "Yes"), False: ("Nej", "No")}

REFERENCE_MODELS = {
    "programme": Programme,
    "region": Region,
    "programme_area": ProgrammeArea,
    "specific_objective": SpecificObjective,
    "intervention_field": InterventionField,
}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_CODES = sorted(ord(start) for start in FORMULA_STARTS)  # for SQL's ascii()
CHUNK_SIZE = 2000  # rows per FETCH from the server-side cursor, and per piece of the response
COPY_PIECE = 64 * 1024  # bytes per piece of a CSV response that PostgreSQL writes
# openpyxl writes about 40 000 cells/s here (pure-Python XML without lxml): 100 000 rows took
# 90 s of CPU on the shared development VM. The workbook is built before the first byte, so a
# limit bounds the wait; CSV streams any size. This one bounds `export_projects --format xlsx`
# (a scheduled job has time); the web export's far lower one is `ESF_XLSX_MAX_ROWS`.
XLSX_ROW_LIMIT = 200_000
XLSX_SPOOL_BYTES = 8 * 1024 * 1024  # a workbook of ESF_XLSX_MAX_ROWS rows is about 5 MB
SEPARATORS = {"comma": ",", ",": ",", "semicolon": ";", ";": ";"}


def csv_cell(value: Any, *, decimal_comma: bool) -> Any:
    """The value as the CSV writer should get it: formula-like text defused, decimals localised."""
    if isinstance(value, str):
        if value.startswith(FORMULA_STARTS):
            return "'" + value  # Excel and LibreOffice would evaluate it as a formula
        return value
    if decimal_comma and isinstance(value, Decimal):
        return str(value).replace(".", ",")
    return value  # numbers (negative ones too), dates (str() is ISO) and None ("") as they are


class Lookup(dict):
    """id → value of a code-list row; a row added since the lists were loaded is read once."""

    def __init__(self, model, rows: Iterable, value: Callable, *, empty: Any = None) -> None:
        super().__init__({None: empty})  # the project has none
        self.update({row.pk: value(row) for row in rows})
        self.model, self.value = model, value

    def __missing__(self, pk):
        row = self.model.objects.filter(pk=pk).first()
        self[pk] = result = self.value(row) if row else self[None]
        return result


def _reference_rows(reference: ReferenceLists, name: str) -> list:
    return {
        "programme": reference.programmes,
        "region": reference.regions,
        "programme_area": reference.areas,
        "specific_objective": reference.objectives,
        "intervention_field": reference.interventions,
    }[name]


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
        """The parameters without this module's own (for links to the same filter)."""
        params = params.copy()
        for name in ("sep", "headers", "page", "size"):
            params.pop(name, None)
        return params

    # --- rows ------------------------------------------------------------------------------
    def queryset(self):
        """The filtered projects in the list's order."""
        return self.filterset.qs

    def count(self) -> int:
        return self.filterset.qs.count()

    def fetch_paths(self) -> list[str]:
        """The values_list paths that COLUMNS read: project and owner fields, code-list ids."""
        paths: list[str] = []
        for column in COLUMNS:
            for path in _paths(column.key):
                if path not in paths:
                    paths.append(path)
        return paths

    def raw_rows(self) -> Iterator[tuple]:
        """Tuples of `fetch_paths()` values through a server-side cursor, in the list's order."""
        paths = self.fetch_paths()
        # One transaction for the whole read: on PostgreSQL the cursor then streams instead of
        # being materialised WITH HOLD before the first row. No savepoint inside a test's
        # transaction, so the query count stays the export's own.
        with transaction.atomic(savepoint=False):
            yield from self.queryset().values_list(*paths).iterator(chunk_size=CHUNK_SIZE)

    def rows(
        self, style: str, *, text: Callable[[str], Any] | None = None, decimal_comma: bool = False
    ) -> Iterator[Any]:
        """Per project, in the list's order: a CSV line, a list of XLSX values or a JSON dict."""
        row = RowCompiler(self, style, text=text, decimal_comma=decimal_comma).compile()
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


def _paths(key: str) -> list[str]:
    """The values_list paths one column key reads."""
    head, _dot, attr = key.partition(".")
    if head in REFERENCE_MODELS:
        return [f"{head}_id"]
    if head == "owner":
        return [f"owner__{attr}"]
    return {
        "status": ["start_date", "end_date"],
        "esf_share_of_budget": ["esf_grant", "total_budget"],
        "url": ["slug"],
    }.get(key, [key])


def reference_value(row, attr: str, lang: str) -> Any:
    """One attribute of a code-list row as the export shows it."""
    if attr == "name":
        return row.name(lang)  # falls back to the other language when one is missing
    if attr == "nuts2":
        # The national level ("ESF-Nationellt") has a region code but no NUTS-2 code
        return None if row.is_national else row.code
    return getattr(row, attr)


TENTH = Decimal("0.1")


def esf_share(grant: int | None, budget: int | None) -> Decimal | None:
    """ESF grant in percent of the total budget, as Project.esf_share_of_budget computes it
    (and PostgreSQL's round(): halves away from zero)."""
    if grant is None or not budget:
        return None
    return (Decimal(grant * 100) / budget).quantize(TENTH, rounding=ROUND_HALF_UP)


def _plain(value: Any) -> str:
    return "" if value is None else str(value)


def _iso(value: datetime.date | None) -> str | None:
    return None if value is None else value.isoformat()


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


class RowCompiler:
    """Builds the function that turns one fetched tuple into one output row.

    Styles: "csv" gives the CSV line (a str), "xlsx" a list of typed values, "json" a dict.
    The function is generated from COLUMNS once per export, one expression per column (`r[3]`,
    `_1[r[2]]`, …), so a row costs one Python call instead of one per cell, which halved the CPU
    time per CSV row. The generated code holds only tuple indices and the names of objects in
    `self.names` (code-list tables, functions, constants), never data.

    Code-list values are looked up in tables built once from the filter's reference lists.
    `text` (csv_text for CSV, which passes every value through csv_cell; the XLSX guard) is
    applied to those values when the table is built, and to free text per row.
    """

    def __init__(
        self,
        export: Export,
        style: str,
        *,
        text: Callable[[Any], Any] | None = None,
        decimal_comma: bool = False,
    ) -> None:
        self.export, self.style, self.decimal_comma = export, style, decimal_comma
        self.text = text or (lambda value: value)
        self.english = export.lang == "en"
        self.index = {path: i for i, path in enumerate(export.fetch_paths())}
        self.names: dict[str, Any] = {}

    def compile(self) -> Callable[[tuple], Any]:
        if self.style == "json":
            body = "{" + ", ".join(f"{key!r}: {expr}" for key, expr in self.json_items()) + "}"
        elif self.style == "csv":  # the line itself, see csv_chunks
            cells = ", ".join(self.cell(column) for column in COLUMNS)
            body = f"{self.name(self.export.delimiter)}.join([{cells}])"
        else:
            body = "[" + ", ".join(self.cell(column) for column in COLUMNS) + "]"
        return eval(f"lambda r: {body}", self.names)  # built from COLUMNS only, see above

    def name(self, value: Any) -> str:
        key = f"_{len(self.names)}"
        self.names[key] = value
        return key

    def field(self, path: str) -> str:
        return f"r[{self.index[path]}]"

    def table(self, head: str, value: Callable[[Any], Any]) -> str:
        """Expression looking up `value(code-list row)` by the project's id of that list."""
        rows = _reference_rows(self.export.reference, head)
        empty = "" if self.style == "csv" else None
        lookup = Lookup(REFERENCE_MODELS[head], rows, value, empty=empty)
        return f"{self.name(lookup)}[{self.field(head + '_id')}]"

    def status(self, words: dict[str, Any]) -> str:
        start, end = self.field("start_date"), self.field("end_date")
        today = self.name(self.export.today)
        upcoming, ongoing, finished = (self.name(words[code]) for code in Project.Status.values)
        return (
            f"({upcoming} if {start} > {today} else {finished} if {end} < {today} else {ongoing})"
        )

    def url(self) -> str:
        prefix, suffix = self.name(self.export.url_prefix), self.name(self.export.url_suffix)
        return f"{prefix} + {self.field('slug')} + {suffix}"

    def share(self) -> str:
        return f"{self.name(esf_share)}({self.field('esf_grant')}, {self.field('total_budget')})"

    def cell(self, column: Column) -> str:
        """Expression for one CSV or XLSX cell."""
        key, kind = column.key, column.kind
        text, lang = self.text, self.export.lang
        head, _dot, attr = key.partition(".")
        if head in REFERENCE_MODELS:
            return self.table(head, lambda row: text(reference_value(row, attr, lang)))
        if kind == "status":
            return self.status(
                {code: text(pair[self.english]) for code, pair in STATUS_TEXT.items()}
            )
        if key == "url":
            return f"{self.name(text)}({self.url()})"
        expression = self.share() if key == "esf_share_of_budget" else self.field(_paths(key)[0])
        if kind in ("text", "name"):
            return f"{self.name(text)}({expression})"
        if kind == "bool" and self.style == "csv":
            words = {flag: text(pair[self.english]) for flag, pair in BOOL_TEXT.items()}
            return f"{self.name({None: '', **words})}[{expression}]"
        if self.style != "csv":
            return expression  # XLSX: numbers, dates and booleans stay typed
        if kind == "decimal" and self.decimal_comma:
            return f"{self.name(text)}({expression})"
        # Numbers and dates: csv_cell leaves them as they are, and str() is raw digits or ISO
        if key == "esf_share_of_budget":
            return f"{self.name(_plain)}({expression})"
        return f"('' if {expression} is None else str({expression}))"

    def json_items(self) -> list[tuple[str, str]]:
        """(JSON key, expression); dotted keys become one nested object per head."""
        groups: dict[str, list[str]] = {}
        items: list[tuple[str, str | None]] = []
        for column in COLUMNS:
            head, dot, attr = column.key.partition(".")
            if not dot:
                items.append((head, self.json_value(column)))
                continue
            if head not in groups:
                groups[head] = []
                items.append((head, None))
            groups[head].append(attr)
        result = []
        for key, expression in items:
            if expression is None:
                attrs = groups[key]
                if key in REFERENCE_MODELS:
                    # One shared dict per code-list row; a project without one gets null
                    expression = self.table(key, lambda row, attrs=attrs: _json_object(row, attrs))
                else:
                    parts = [f"{a!r}: {self.field(f'{key}__{a}')}" for a in attrs]
                    expression = "{" + ", ".join(parts) + "}"
            result.append((key, expression))
        return result

    def json_value(self, column: Column) -> str:
        key, kind = column.key, column.kind
        if kind == "status":
            return self.status({code: code for code in Project.Status.values})
        if key == "url":
            return self.url()
        expression = self.share() if key == "esf_share_of_budget" else self.field(key)
        if kind == "decimal":
            return f"{self.name(_text)}({expression})"  # strings: exact, see the docstring
        if kind == "date":
            return f"{self.name(_iso)}({expression})"
        return expression


def _json_object(row, attrs: list[str]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for attr in attrs:
        if attr == "name":
            result["name_sv"], result["name_en"] = row.name_sv, row.name_en
        else:
            result[attr] = reference_value(row, attr, "sv")
    return result


# --- CSV ---------------------------------------------------------------------------------------
def csv_text(*, delimiter: str, decimal_comma: bool) -> Callable[[Any], str]:
    """A function from a value to its CSV field: through csv_cell, then quoted if it must be."""

    def text(value: Any) -> str:
        value = csv_cell(value, decimal_comma=decimal_comma)
        if value is None:
            return ""
        value = str(value)
        if delimiter in value or '"' in value or "\n" in value or "\r" in value:  # RFC 4180
            return '"' + value.replace('"', '""') + '"'
        return value

    return text


def csv_chunks(export: Export, *, use_copy: bool | None = None) -> Iterator[bytes]:
    """The CSV file in pieces: BOM and header at once, then the rows.

    PostgreSQL writes the rows itself (`copy_chunks`, unless `use_copy` is False). Elsewhere
    the row function writes each line instead of handing cells to csv.writer, which spends
    about half of an export's time in its per-character loop over 35 fields: text (the only
    values that can hold a delimiter, a quote or a line break) is quoted as RFC 4180 says,
    numbers and dates are str(). Both give the same bytes (a test compares them), with LF line
    ends as COPY writes them; the tests read the files back with the csv module.
    """
    decimal_comma = export.delimiter == ";"
    text = csv_text(delimiter=export.delimiter, decimal_comma=decimal_comma)
    header = export.delimiter.join(text(name) for name in export.header())
    # Without the BOM Excel reads the file as Windows-1252 and garbles å, ä, ö.
    yield ("\ufeff" + header + "\n").encode()
    if connection.vendor == "postgresql" if use_copy is None else use_copy:
        yield from copy_chunks(export)
        return
    lines = export.rows("csv", text=text, decimal_comma=decimal_comma)
    while batch := list(islice(lines, CHUNK_SIZE)):
        yield ("\n".join(batch) + "\n").encode()


def copy_chunks(export: Export) -> Iterator[bytes]:
    """The CSV rows from PostgreSQL's `COPY (SELECT …) TO STDOUT (FORMAT csv)`.

    The SELECT computes every cell as the Python row function would (`CopyCompiler`) and the
    server writes the CSV, so Python only passes bytes on: several times the rows per second
    of building lines in Python, which is bound by reading 35 values per row into objects.
    Pieces of about COPY_PIECE bytes are yielded, from one transaction as for `raw_rows`.
    """
    queryset = CopyCompiler(export).queryset()
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # e.g. a search without words: no rows
        return
    delimiter = {",": ",", ";": ";"}[export.delimiter]
    statement = f"COPY ({sql}) TO STDOUT (FORMAT csv, DELIMITER '{delimiter}')"
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        # JIT-compiling 35 cell expressions costs about a second per worker, more than it saves
        cursor.execute("SET LOCAL jit = off")
        logged = cursor.debug_sql(statement, params) if hasattr(cursor, "debug_sql") else None
        with logged or nullcontext(), cursor.cursor.copy(statement, params) as copy:
            piece = bytearray()
            for data in copy:
                piece += data
                if len(piece) >= COPY_PIECE:
                    yield bytes(piece)
                    piece.clear()
            if piece:
                yield bytes(piece)


class CopyCompiler:
    """The CSV cells of COLUMNS as SQL expressions, for `copy_chunks`.

    Each mirrors `RowCompiler.cell` for CSV: text through the formula guard (a leading `'`),
    empty text as NULL (COPY writes NULL as nothing and "" as `""`), code-list values through
    joins with the same language fallback, status and yes/no as words, decimals as text with
    a decimal comma when asked, dates as ISO whatever the server's DateStyle.
    """

    def __init__(self, export: Export) -> None:
        self.export = export
        self.english = export.lang == "en"
        self.decimal_comma = export.delimiter == ";"

    def queryset(self):
        """The list's projects with one SQL expression per column, in the list's order."""
        cells = {f"c{index}": self.cell(column) for index, column in enumerate(COLUMNS)}
        return self.export.queryset().annotate(**cells).values_list(*cells)

    def cell(self, column: Column):
        key, kind = column.key, column.kind
        head, _dot, attr = key.partition(".")
        if head in REFERENCE_MODELS:
            return self.reference(head, attr)
        if kind == "status":
            today = self.export.today
            words = {code: self.word(pair[self.english]) for code, pair in STATUS_TEXT.items()}
            return Case(
                When(start_date__gt=today, then=words[Project.Status.UPCOMING]),
                When(end_date__lt=today, then=words[Project.Status.FINISHED]),
                default=words[Project.Status.ONGOING],
                output_field=TextField(),
            )
        if key == "url":
            prefix, suffix = self.export.url_prefix, self.export.url_suffix
            return self.guarded(Concat(Value(prefix), F("slug"), Value(suffix)))
        if key == "esf_share_of_budget":
            share = ExpressionWrapper(
                Cast("esf_grant", DecimalField(max_digits=30, decimal_places=0))
                * 100
                / NullIf(F("total_budget"), Value(0)),
                output_field=DecimalField(),
            )
            return self.decimal(Round(share, 1))
        path = _paths(key)[0]
        if kind in ("text", "name"):
            return self.guarded(F(path))
        if kind == "bool":
            yes, no = (self.word(BOOL_TEXT[flag][self.english]) for flag in (True, False))
            return Case(
                When(**{path: True}, then=yes),
                When(**{path: False}, then=no),
                default=Value(None),
                output_field=TextField(),
            )
        if kind == "date":
            return Func(F(path), Value("YYYY-MM-DD"), function="to_char", output_field=TextField())
        if kind == "decimal":
            return self.decimal(F(path))
        return F(path)  # integers: COPY writes digits, NULL as nothing

    def reference(self, head: str, attr: str):
        """A code-list value through the join, as `reference_value` gives it."""
        if attr == "name":
            first, second = ("name_en", "name_sv") if self.english else ("name_sv", "name_en")
            value = Coalesce(
                NullIf(F(f"{head}__{first}"), Value("")),
                NullIf(F(f"{head}__{second}"), Value("")),
                output_field=TextField(),
            )
        elif attr == "nuts2":  # the national level has a region code but no NUTS-2 code
            value = Case(
                When(**{f"{head}__is_national": True}, then=Value(None)),
                default=F(f"{head}__code"),
                output_field=TextField(),
            )
        else:
            value = F(f"{head}__{attr}")
        return self.guarded(value)

    def word(self, value: str) -> Value:
        return Value(csv_cell(value, decimal_comma=False), output_field=TextField())

    def decimal(self, expression) -> Cast | Replace:
        text = Cast(expression, TextField())
        comma = Replace(text, Value("."), Value(","), output_field=TextField())
        return comma if self.decimal_comma else text

    @staticmethod
    def guarded(expression) -> Case:
        """Text as csv_cell gives it: NULL when empty, formula-like text after a `'`."""
        return Case(
            When(
                In(Func(expression, function="ascii", output_field=IntegerField()), FORMULA_CODES),
                then=Func(expression, template="'''' || %(expressions)s"),
            ),
            default=NullIf(expression, Value("")),
            output_field=TextField(),
        )


# --- JSON --------------------------------------------------------------------------------------
def json_chunks(export: Export) -> Iterator[bytes]:
    """The JSON document in pieces: the count and filters first, then the projects."""
    encode = DjangoJSONEncoder(ensure_ascii=False).encode  # dates and decimals are strings already
    head = encode(
        {
            "count": export.count(),
            "exported_at": export.exported_at.isoformat(timespec="seconds"),
            "filters": export.applied_filters(),
            "warnings": export.problems(),
        }
    )
    yield (head[:-1] + ', "projects": [\n').encode()
    records = export.rows("json")
    separator = ""
    while batch := list(islice(records, CHUNK_SIZE)):
        yield (separator + ",\n".join(map(encode, batch))).encode()
        separator = ",\n"
    yield b"\n]}\n"


# --- XLSX --------------------------------------------------------------------------------------
XLSX_WIDTHS = {"text": 24, "name": 32, "date": 12, "int": 14, "decimal": 12, "bool": 10}
XLSX_WIDE = {"name": 48, "description": 80, "url": 45, "owner.name": 36}


def write_xlsx(export: Export, file, *, count: int) -> None:
    """Write the workbook (sheet of projects, sheet "Om data") to a binary file."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    with translation.override(export.lang):
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(_("Projekt"))
        sheet.freeze_panes = "A2"
        for number, column in enumerate(COLUMNS, 1):
            width = XLSX_WIDE.get(column.key) or XLSX_WIDTHS.get(column.kind, 14)
            sheet.column_dimensions[get_column_letter(number)].width = width
        bold = Font(bold=True)
        header = []
        for name in export.header():
            cell = WriteOnlyCell(sheet, value=name)
            cell.font = bold
            header.append(cell)
        sheet.append(header)

        def text_cell(value: str | None) -> Any:
            # openpyxl would store "=…" as a formula; control characters are illegal in XML
            if not value or (value[0] != "=" and not ILLEGAL_CHARACTERS_RE.search(value)):
                return value
            cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
            cell.data_type = "s"
            return cell

        for row in export.rows("xlsx", text=text_cell):
            sheet.append(row)

        about = workbook.create_sheet(_("Om data"))
        about.column_dimensions["A"].width = 34
        about.column_dimensions["B"].width = 90
        for line in about_lines(export, count=count):
            # the filter and the ignored parameters echo the query, which may hold control
            # characters that XML (and so XLSX) cannot store
            about.append(
                [ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in line]
            )
        workbook.save(file)


def about_lines(export: Export, *, count: int) -> list[list[Any]]:
    """Rows of the "Om data" sheet (source, time, count, filter, notes) in the export's language."""
    labels = export.filterset.labels()
    lines: list[list[Any]] = [
        [_("ESF-portalen: projekt som fått stöd från Europeiska socialfonden i Sverige")],
        [],
        [_("Källa"), export.source_url()],
        [_("Exporterad"), export.exported_at.isoformat(timespec="seconds")],
        [_("Antal projekt"), count],
        [_("Status gäller per"), export.today],
        [],
        [_("Filter")],
    ]
    filters = export.applied_filters()
    for name, value in filters.items():
        if name == "sort":
            value = dict(export.filterset.sort_options).get(value, value)
        elif isinstance(value, dict):
            value = "–".join("" if v is None else str(v) for v in (value["min"], value["max"]))
        elif isinstance(value, list | tuple):
            value = ", ".join(map(str, value))
        lines.append([labels.get(name, name), str(value)])
    if len(filters) == 1:
        lines.append([_("(inga filter: hela registret)")])
    for problem in export.problems():
        lines.append([_("Ignorerat"), problem])
    lines += [
        [],
        [_("Belopp i hela kronor. Status (kommande, pågående, avslutat) gäller exportdagen.")],
        [_("Antal beslut och senaste beslutsdatum räknas från projektets beslutshistorik.")],
    ]
    return lines


# --- views -------------------------------------------------------------------------------------
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_from_request(request: HttpRequest) -> Export:
    return Export(request.GET, base_url=request.build_absolute_uri("/").rstrip("/"))


def _describe(response: HttpResponse, export: Export) -> HttpResponse:
    if export.ignored:
        response["X-ESF-Ignored-Parameters"] = ", ".join(export.ignored)
    return response


@export_limits.bounded("csv")
def export_csv(request: HttpRequest, stream: ExportStream) -> StreamingHttpResponse:
    export = export_from_request(request)
    response = StreamingHttpResponse(
        stream.wrap(csv_chunks(export)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{export.filename("csv")}"'
    return _describe(response, export)


@export_limits.bounded("json")
def export_json(request: HttpRequest, stream: ExportStream) -> StreamingHttpResponse:
    export = export_from_request(request)
    response = StreamingHttpResponse(
        stream.wrap(json_chunks(export)), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{export.filename("json")}"'
    return _describe(response, export)


def xlsx_max_rows() -> int:
    """Rows above which the web export refuses XLSX (`ESF_XLSX_MAX_ROWS`, default 20 000)."""
    return settings.ESF_XLSX_MAX_ROWS


@export_limits.bounded("xlsx")
def export_xlsx(request: HttpRequest, stream: ExportStream) -> HttpResponse:
    """The workbook, built in its slot into a spooled temporary file (memory up to
    XLSX_SPOOL_BYTES, then disk; openpyxl's write-only sheets are on disk already) and then
    sent from it in pieces; above `xlsx_max_rows()` rows the refusal of `too_many_rows`."""
    export = export_from_request(request)
    count = export.count()
    if count > xlsx_max_rows():
        return _describe(too_many_rows(request, export, count), export)
    file = tempfile.SpooledTemporaryFile(max_size=XLSX_SPOOL_BYTES)
    try:
        write_xlsx(export, file, count=count)
        size = file.tell()
        file.seek(0)
    except BaseException:
        file.close()
        raise
    pieces = iter(lambda: file.read(COPY_PIECE), b"")
    response = StreamingHttpResponse(
        stream.wrap(pieces, on_close=[file.close]), content_type=XLSX_TYPE
    )
    response["Content-Length"] = str(size)
    response["Content-Disposition"] = f'attachment; filename="{export.filename("xlsx")}"'
    return _describe(response, export)


def too_many_rows(request: HttpRequest, export: Export, count: int) -> HttpResponse:
    """HTTP 400 with a short page: too many rows for Excel, and links to the same CSV.

    400, not 413: 413 means the request's own content is too large, and this request is a
    short address. The exports answer 400 for nothing else (invalid parameters are ignored),
    so 400 here always means "narrow the filter or take the CSV", which the page says.
    """
    csv_url = reverse("projects:export_csv") + "?" + export.query_string
    semicolon_url = (
        reverse("projects:export_csv")
        + "?"
        + "&".join(part for part in ("sep=semicolon", export.query_string) if part)
    )
    with translation.override(export.lang):
        body = format_html(
            '<!doctype html><html lang="{}"><meta charset="utf-8"><title>{}</title>'
            '<h1>{}</h1><p>{}</p><p><a href="{}">{}</a></p><p><a href="{}">{}</a></p></html>',
            export.lang,
            _("För många rader för Excel"),
            _("För många rader för Excel"),
            _(
                "Urvalet har %(count)s projekt, men Excel-exporten tar högst %(limit)s. "
                "Ladda ner urvalet som CSV (samma filter; Excel öppnar den också), eller "
                "filtrera mer."
            )
            % {
                "count": number_format(count, force_grouping=True),
                "limit": number_format(xlsx_max_rows(), force_grouping=True),
            },
            csv_url,
            _("Ladda ner CSV"),
            semicolon_url,
            _("CSV för svenska Excel"),
        )
    return HttpResponseBadRequest(body)
