"""Decisions as CSV and XLSX: `/beslut/export.csv` and `/beslut/export.xlsx`.

The parameters are the decision feed's (`DecisionFilter`: every project filter, the decision
date range, kinds, one project), plus those of the project export: `lang=sv|en` (headers and
words; default the page language) and, for CSV, `sep=semicolon` (`;` and a decimal comma, for
Swedish Excel). The CSV follows the project CSV's conventions through its own cell function
(`exports.csv_text`: formula-like text defused, RFC 4180 quoting): UTF-8 with a byte order
mark, LF line ends, raw numbers (a negative change stays a number), ISO dates, empty for unknown.
XLSX has typed cells and a frozen header, and is refused above `ESF_XLSX_MAX_ROWS` rows (400,
with a link to the CSV) as the project workbook is.

Rows come from one query (decisions with their project, its owner and programme) read
through a server-side cursor, latest decision first.
"""

from __future__ import annotations

import datetime
import tempfile
from collections.abc import Iterator
from typing import Any, NamedTuple

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.translation import gettext as _

from . import queries
from .decision_filters import LATEST_FIRST, Decisions
from .exports import limits as export_limits
from .exports.cells import csv_text
from .exports.export import SEPARATORS
from .exports.views import XLSX_TYPE
from .language import lang as page_language
from .models import Decision

CHUNK_SIZE = 2000
# Parameters besides the filters': the export's own, and the list's that its links carry
PAGE_PARAMS = ("lang", "sep", "size", "page")
PIECE = 64 * 1024


class Column(NamedTuple):
    sv: str
    en: str
    key: str
    kind: str = "text"  # text, int, date, datetime, kind, url


COLUMNS: list[Column] = [
    Column("Diarienummer", "Diary number", "project.diary_number"),
    Column("Insatsnummer (CCI_diarienummer)", "Operation id (CCI_diary number)", "operation_id"),
    Column("Projektnamn", "Project name", "project.name"),
    Column("Projektägare", "Project owner", "project.owner.name"),
    Column("Organisationsnummer", "Organisation number", "project.owner.org_number"),
    Column("Typ av beslut", "Kind of decision", "kind_text", "kind"),
    Column("Typ av beslut, kod", "Kind code", "kind"),
    Column("Beslutsdatum", "Decision date", "decided_on", "date"),
    Column("Beslutat av", "Decided by", "decided_by"),
    Column("Förändring av ESF-stöd (kr)", "ESF grant change (SEK)", "esf_grant_change", "int"),
    Column(
        "Förändring av total budget (kr)", "Total budget change (SEK)", "total_budget_change", "int"
    ),
    Column("Nytt slutdatum", "New end date", "new_end_date", "date"),
    Column("Anteckning", "Note", "note"),
    Column("Registrerat", "Recorded", "created_at", "datetime"),
    Column("Projektsida", "Project page", "url", "url"),
]
# The words for each kind in the export's language, whatever the page's
KIND_TEXT = {
    Decision.Kind.GRANT: ("Beviljande", "Grant"),
    Decision.Kind.EXTENSION: ("Förlängning", "Extension"),
    Decision.Kind.CHANGE: ("Ändring", "Change"),
    Decision.Kind.WITHDRAWAL: ("Återkallelse", "Withdrawal"),
    Decision.Kind.SNAPSHOT: ("Importerad ögonblicksbild", "Imported snapshot"),
}


def header(*, english: bool) -> list[str]:
    return [column.en if english else column.sv for column in COLUMNS]


def _at(decision: Decision, path: str) -> Any:
    value: Any = decision
    for part in path.split("."):
        value = getattr(value, part, None)
        if value is None:
            return None
    return value


def values(decision: Decision, *, english: bool, base_url: str) -> list[Any]:
    """One decision's cells, typed (numbers, dates), in column order."""
    row = []
    for column in COLUMNS:
        if column.key == "operation_id":
            row.append(decision.project.operation_id)
        elif column.kind == "kind":
            row.append(KIND_TEXT[decision.kind][english])
        elif column.kind == "url":
            with translation.override("en" if english else "sv"):
                row.append(base_url + decision.project.get_absolute_url())
        elif column.kind == "datetime":
            row.append(timezone.localtime(decision.created_at).replace(microsecond=0))
        else:
            row.append(_at(decision, column.key))
    return row


def rows(decisions, *, english: bool, base_url: str) -> Iterator[list[Any]]:
    decisions = decisions.select_related("project__owner", "project__programme").order_by(
        *LATEST_FIRST
    )
    for decision in decisions.iterator(chunk_size=CHUNK_SIZE):
        yield values(decision, english=english, base_url=base_url)


def _iso(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def csv_lines(
    decisions, *, english: bool, delimiter: str = ",", base_url: str = ""
) -> Iterator[bytes]:
    """The CSV file in pieces: BOM and header first, then the decisions."""
    text = csv_text(delimiter=delimiter, decimal_comma=delimiter == ";")

    def line(cells: list) -> str:
        return delimiter.join(text(_iso(value)) for value in cells)

    # Without the BOM Excel reads the file as Windows-1252 and garbles å, ä, ö.
    yield ("\ufeff" + line(header(english=english)) + "\n").encode()
    batch: list[str] = []
    for row in rows(decisions, english=english, base_url=base_url):
        batch.append(line(row))
        if len(batch) >= CHUNK_SIZE:
            yield ("\n".join(batch) + "\n").encode()
            batch = []
    if batch:
        yield ("\n".join(batch) + "\n").encode()


def write_xlsx(decisions, file, *, english: bool, base_url: str = "") -> None:
    """The workbook: one sheet of decisions with typed cells and a frozen, bold header."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Decisions" if english else "Beslut")
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    cells = []
    for name in header(english=english):
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)

    def cell(value: Any) -> Any:
        if isinstance(value, datetime.datetime):
            return value.replace(tzinfo=None)  # Excel has no time zones: local time
        if not isinstance(value, str) or not value:
            return value
        # openpyxl would store "=…" as a formula; control characters are illegal in XML
        if value[0] != "=" and not ILLEGAL_CHARACTERS_RE.search(value):
            return value
        text = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
        text.data_type = "s"
        return text

    for row in rows(decisions, english=english, base_url=base_url):
        sheet.append([cell(value) for value in row])
    workbook.save(file)


# --- views -------------------------------------------------------------------------------------
def _selection(request: HttpRequest) -> tuple[Decisions, bool]:
    language = request.GET.get("lang", "")
    english = (language if language in ("sv", "en") else page_language()) == "en"
    selection = Decisions(request.GET, reference=queries.reference_lists(), page_params=PAGE_PARAMS)
    return selection, english


def _filename(extension: str) -> str:
    return f"esf-beslut-{timezone.localdate().isoformat()}.{extension}"


def _described(response: HttpResponse, request: HttpRequest, selection: Decisions) -> HttpResponse:
    """Name the parameters the filters ignored, as the project exports do."""
    if selection.problems():
        valid = selection.valid_params()
        ignored = [key for key in request.GET if key not in valid and key not in PAGE_PARAMS]
        # a header is one Latin-1 line: the names only, shortened
        names = ", ".join(key[:40] for key in ignored).encode("latin-1", "replace").decode()
        response["X-ESF-Ignored-Parameters"] = names.replace("\r", "").replace("\n", "")
    return response


@export_limits.bounded("decisions-csv")
def export_csv(request: HttpRequest, stream: export_limits.ExportStream) -> HttpResponse:
    selection, english = _selection(request)
    delimiter = SEPARATORS.get(request.GET.get("sep", ""), ",")
    chunks = csv_lines(
        selection.qs,
        english=english,
        delimiter=delimiter,
        base_url=request.build_absolute_uri("/").rstrip("/"),
    )
    response = StreamingHttpResponse(stream.wrap(chunks), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
    return _described(response, request, selection)


@export_limits.bounded("decisions-xlsx")
def export_xlsx(request: HttpRequest, stream: export_limits.ExportStream) -> HttpResponse:
    selection, english = _selection(request)
    decisions = selection.qs
    count = decisions.count()
    if count > settings.ESF_XLSX_MAX_ROWS:
        csv_url = reverse("projects:decision_export_csv") + "?" + request.GET.urlencode()
        body = format_html(
            '<!doctype html><meta charset="utf-8"><title>{}</title><h1>{}</h1>'
            '<p>{}</p><p><a href="{}">{}</a></p>',
            _("För många rader för Excel"),
            _("För många rader för Excel"),
            _("Urvalet har %(count)s beslut, men Excel-exporten tar högst %(limit)s.")
            % {"count": count, "limit": settings.ESF_XLSX_MAX_ROWS},
            csv_url,
            _("Ladda ner CSV"),
        )
        return HttpResponseBadRequest(body)
    file = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    try:
        write_xlsx(
            decisions,
            file,
            english=english,
            base_url=request.build_absolute_uri("/").rstrip("/"),
        )
        size = file.tell()
        file.seek(0)
    except BaseException:
        file.close()
        raise
    pieces = iter(lambda: file.read(PIECE), b"")
    response = StreamingHttpResponse(
        stream.wrap(pieces, on_close=[file.close]), content_type=XLSX_TYPE
    )
    response["Content-Length"] = str(size)
    response["Content-Disposition"] = f'attachment; filename="{_filename("xlsx")}"'
    return _described(response, request, selection)
