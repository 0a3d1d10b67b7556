"""XLSX: a sheet "Projekt" of typed cells (numbers, dates, yes/no as booleans) with a frozen
header row and column widths, and a sheet "Om data" with the filter, the export time and the
source. A workbook is a zip that must be complete before its first byte (see `views`)."""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from .columns import COLUMNS
from .export import Export

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
