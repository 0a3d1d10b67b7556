"""The three export views: `/projects/export.csv`, `.json` and `.xlsx`, each bounded by
`limits.bounded` (a slot per export, finished files kept until the registry changes)."""

from __future__ import annotations

import tempfile

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.formats import number_format

from .copy import COPY_PIECE
from .csv import csv_chunks
from .export import Export
from .json import json_chunks
from .limits import ExportStream, bounded, xlsx_max_rows
from .xlsx import write_xlsx

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_SPOOL_BYTES = 8 * 1024 * 1024  # a workbook of ESF_XLSX_MAX_ROWS rows is about 5 MB


def export_from_request(request: HttpRequest) -> Export:
    return Export(request.GET, base_url=request.build_absolute_uri("/").rstrip("/"))


def _describe(response: HttpResponse, export: Export) -> HttpResponse:
    if export.ignored:
        response["X-ESF-Ignored-Parameters"] = ", ".join(export.ignored)
    return response


@bounded("csv")
def export_csv(request: HttpRequest, stream: ExportStream) -> StreamingHttpResponse:
    export = export_from_request(request)
    response = StreamingHttpResponse(
        stream.wrap(csv_chunks(export)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{export.filename("csv")}"'
    return _describe(response, export)


@bounded("json")
def export_json(request: HttpRequest, stream: ExportStream) -> StreamingHttpResponse:
    export = export_from_request(request)
    response = StreamingHttpResponse(
        stream.wrap(json_chunks(export)), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{export.filename("json")}"'
    return _describe(response, export)


@bounded("xlsx")
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
        context = {
            "count": number_format(count, force_grouping=True),
            "limit": number_format(xlsx_max_rows(), force_grouping=True),
            "csv_url": csv_url,
            "semicolon_url": semicolon_url,
        }
        return render(request, "projects/export_too_many_rows.html", context, status=400)
