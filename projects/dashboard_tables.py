"""The dashboard's tables as data, for the API's aggregates and each table's CSV download.

The same cached grouped rows (`aggregates.dashboard_rows`) and the same presenters
(`presenters.build_sections`) as the dashboard page, so a table's numbers are the page's.
`/dashboard/<table id>.csv?<filters>` writes one table as the project CSV writes cells
(`exports.csv_text`; `sep=semicolon` for `;` and a decimal comma), with a BOM.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from django.http import Http404, HttpRequest, StreamingHttpResponse
from django.utils import timezone, translation

from . import aggregates, presenters, queries
from .exports.cells import csv_text
from .exports.export import SEPARATORS
from .filters import ProjectFilter
from .models import Project


def dashboard_filter(params, reference=None) -> ProjectFilter:
    reference = reference or queries.reference_lists()
    return ProjectFilter(params, queryset=Project.objects.all(), reference=reference)


def tables(
    filterset: ProjectFilter, *, absolute: Callable[[str], str] = str
) -> tuple[dict, list[dict]]:
    """The key figures and every table of the dashboard for `filterset`, in page order; each
    row's links (its projects, and its own page if it has one) made absolute by `absolute`."""
    rows = aggregates.filtered_dashboard_rows(filterset)
    links = presenters.ListLinks(filterset.valid_params(), filterset.selected())
    sections = []
    if rows["portfolio"]:
        sections = presenters.build_sections(
            **rows,
            reference=filterset.reference,
            language=translation.get_language(),
            links=links,
        )
    figures = aggregates.key_figures(rows["portfolio"], rows["distribution"])
    result = [
        {
            "id": chart.id,
            "section": section.id,
            "title": chart.title,
            "caption": chart.table.caption,
            "header": chart.table.header,
            "columns": [{"label": c.label, "unit": c.format} for c in chart.table.columns],
            "rows": [
                {
                    "label": row.header,
                    "level": row.level,
                    "values": row.cells,
                    "links": {
                        "projects": absolute(row.url) if row.url else None,
                        # a row with a page of its own (a county) links to it too
                        **({"html": absolute(row.page)} if row.page else {}),
                    },
                }
                for row in chart.table.rows
            ],
        }
        for section in sections
        for chart in section.charts
    ]
    return figures, result


def csv_lines(table: dict, *, delimiter: str) -> Iterator[bytes]:
    text = csv_text(delimiter=delimiter, decimal_comma=delimiter == ";")

    def line(cells) -> str:
        return delimiter.join(text(value) for value in cells)

    yield (
        "\ufeff" + line([table["header"], *(c["label"] for c in table["columns"])]) + "\n"
    ).encode()
    for row in table["rows"]:
        yield (line([row["label"], *row["values"]]) + "\n").encode()


def table_csv(request: HttpRequest, table: str) -> StreamingHttpResponse:
    """One dashboard table as CSV, for the dashboard's filters; 404 for a table the filtered
    dashboard does not show."""
    _figures, found = tables(dashboard_filter(request.GET))
    chosen = next((t for t in found if t["id"] == table), None)
    if chosen is None:
        raise Http404
    delimiter = SEPARATORS.get(request.GET.get("sep", ""), ",")
    response = StreamingHttpResponse(
        csv_lines(chosen, delimiter=delimiter), content_type="text/csv; charset=utf-8"
    )
    filename = f"esf-oversikt-{table}-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
