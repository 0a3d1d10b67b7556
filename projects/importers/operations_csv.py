"""Parser for the ESF council's list of operations (förteckning över insatser) as CSV.

The list is bilingual: each column header is "Svenska / English", e.g. "Diarienummer / Operation
ID", "Stödmottagare / Beneficiary", "Total projektbudget / Total budget SEK". Headers are matched
by a normalised name (case, spacing and punctuation ignored) of either language part, so
"diarienummer", "OPERATION ID" and "Diarienummer/Operation ID" are the same column. Unknown
columns are reported once and ignored; a file without the diary-number or name column is refused.

Reading:
- Encoding: UTF-16 or UTF-32 when the file starts with that byte order mark (Excel's "Unicode
  text" is tab-separated UTF-16LE), else UTF-8 (with or without BOM), else Windows-1252 with a
  warning (Excel's "CSV" on a Swedish Windows). Empty and binary files are skipped with a
  reason, as for project pages.
- Delimiter: ";" (Swedish Excel), "," or tab, whichever splits the header line into the most
  known columns. A leading Excel "sep=;" line is allowed.
- Line numbers are the file's physical lines (1 = header), also for cells with line breaks.
- The file is streamed: one pass checks the encoding chunk by chunk, a second reads it row by
  row, so memory holds the parsed records but never the whole file or its text.

Values (read by `values.py`, as the project-bank pages' are, so both sources agree):
- Amounts are whole kronor: "1 234 567", "1234567", "1 234 567 kr"; zero decimals as Excel
  writes them ("1234567,00", "1234567.0") are accepted, other decimals are refused.
- Rates are percent: "50 %", "50,00 %", "40%", "50". A value without "%" strictly between 0 and
  1 ("0,4") is a fraction as a spreadsheet stores a percent cell: read as 40 %, with a warning.
  (A real ESF rate is never below 1 %, so the two readings cannot be confused.)
- Dates are ISO, optionally with a time that is dropped: "2023-02-01", "2023-02-01 00:00:00".
- Codes ("2", "2.3", "A2A", "140") may be followed by their name ("140 - Aktiv inkludering");
  the code is kept.
- A summary in HTML ("<p>…</p>") is rendered to text.

The columns are those `fields.py` declares. Like projectbank.py it needs no database or
settings; `save.py` stores the records.
"""

from __future__ import annotations

import csv
import html
import io
import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO, TypeVar

from . import fields, values
from .records import MAX_VALUE_CHARS, ProjectPage, Rejection
from .report import ImportRecord
from .text import (
    HtmlTooDeep,
    Unreadable,
    html_to_text,
    looks_like_html,
    source_files,
    stream_encoding,
)

SUFFIXES = (".csv", ".txt")
DELIMITERS = (";", ",", "\t")

# Field -> the header names (either language part) the lists use. The first name is the
# Swedish label used in messages when the file's own header is not at hand.
COLUMNS: dict[str, tuple[str, ...]] = {
    field.attribute: field.csv_headers for field in fields.FIELDS if field.csv_headers
}
IGNORED: frozenset[str] = frozenset()
REQUIRED = ("diary_number", "name")
NEEDED_FOR_NEW = ("owner_name", "start_date", "end_date")
# Fields this module reads itself; the others are read by their `fields.py` reading.
_OWN_FIELDS = frozenset(
    {
        "diary_number",
        "start_date",
        "end_date",
        "total_budget",
        "esf_grant",
        "cofinancing_rate",
        "description",
        "description_en",
    }
)
_FIELD_READINGS = tuple(
    field for field in fields.FIELDS if field.csv_headers and field.attribute not in _OWN_FIELDS
)
HEADER_ROW = "Rubrikrad"
SKIP_NO_ROWS = "Filen har en rubrikrad men inga rader med insatser."
WARN_FRACTION_RATE = (
    "Medfinansieringsgraden '{value}' saknar %-tecken och är mindre än 1; "
    "den lästes som andel, {percent} %."
)


def header_key(text: str) -> str:
    """Comparable form of a header (part): case, punctuation and spacing do not matter."""
    text = re.sub(r"[^\w\s]|_", " ", text.replace("\ufeff", "").casefold())
    return " ".join(text.split())


_FIELD_BY_HEADER = {
    header_key(name): field_id for field_id, names in COLUMNS.items() for name in names
}


@dataclass(frozen=True)
class Column:
    index: int
    header: str
    field_id: str

    @property
    def label(self) -> str:
        """The Swedish part of the header, as messages name the field."""
        return self.header.split("/")[0].strip() or self.header.strip()


@dataclass
class RejectedRow:
    diary_number: str
    rejections: list[Rejection]


@dataclass
class OperationsFile:
    """Outcome for one CSV file: records to save, refused rows, or a reason to skip the file."""

    source: str
    records: list[ImportRecord] = field(default_factory=list)
    rejected: list[RejectedRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    skipped: str | None = None


def field_of(header: str) -> str | None:
    """The field a header names: the whole header, else its Swedish part, else its English part."""
    whole = _FIELD_BY_HEADER.get(header_key(header))
    if whole:
        return whole
    found = [_FIELD_BY_HEADER.get(header_key(part)) for part in header.split("/")]
    return next((field_id for field_id in found if field_id), None)


# --- File level -------------------------------------------------------------------------------


def parse_bytes(data: bytes, *, source: str) -> OperationsFile:
    """Parse one list-of-operations file held in memory."""
    return parse_file(io.BytesIO(data), source=source)


def parse_file(stream: BinaryIO, *, source: str) -> OperationsFile:
    """Parse one list-of-operations file from a seekable binary stream (a file, an upload)."""
    try:
        encoding, start, warnings = stream_encoding(stream)
    except Unreadable as skip:
        return OperationsFile(source, skipped=str(skip))
    stream.seek(start)
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    try:
        return _parse_text(text, OperationsFile(source, warnings=warnings))
    finally:
        text.detach()  # the caller closes its stream


def parse_path(path: Path) -> list[OperationsFile]:
    """Parse a file, or every *.csv/*.txt file below a directory, in sorted order."""
    results = []
    for file in source_files(path, SUFFIXES):
        try:
            with file.open("rb") as stream:
                results.append(parse_file(stream, source=str(file)))
        except OSError as exc:
            results.append(OperationsFile(str(file), skipped=f"Filen kunde inte läsas: {exc}."))
    return results


def _parse_text(text: io.TextIOWrapper, result: OperationsFile) -> OperationsFile:
    before_header = 0
    for line in iter(text.readline, ""):
        if line.strip() and not _is_sep_line(line):
            header_line = line
            break
        before_header += 1  # blank lines and "sep=;" before the header
    else:
        result.skipped = SKIP_NO_ROWS
        return result
    delimiter = _delimiter(header_line.rstrip("\r\n"))
    lines: Iterator[str] = itertools.chain([header_line], text)
    reader = csv.reader(lines, delimiter=delimiter)
    columns: list[Column] | None = None
    labels: dict[str, str] = {}
    width = 0
    previous_line = before_header
    try:
        for cells in reader:
            first_line, previous_line = previous_line + 1, before_header + reader.line_num
            if columns is None:
                columns, width = _columns(cells, result, first_line), len(cells)
                if columns is None:
                    return result
                labels = {
                    **fields.CSV_LABELS,
                    **{
                        fields.BY_ATTRIBUTE[column.field_id].target: column.label
                        for column in columns
                    },
                }
                continue
            if not any(cell.strip() for cell in cells):
                continue
            _row(cells, columns, first_line, result, width=width, labels=labels)
    except csv.Error as exc:  # e.g. a cell longer than csv.field_size_limit()
        reason = f"CSV-filen kunde inte läsas vid rad {previous_line + 1}: {exc}."
        result.records, result.rejected = (
            [],
            [RejectedRow("", [Rejection(result.source, previous_line + 1, "", "", reason)])],
        )
        return result
    if not result.records and not result.rejected:
        result.skipped = SKIP_NO_ROWS
    return result


def _is_sep_line(line: str) -> bool:
    return re.fullmatch(r'"?sep=.?"?', line.strip(), re.IGNORECASE) is not None


def _delimiter(header_line: str) -> str:
    """The delimiter that splits the header into the most known columns (then most columns)."""

    def score(delimiter: str) -> tuple[int, int]:
        try:
            cells = next(csv.reader([header_line], delimiter=delimiter), [])
        except csv.Error:  # the whole line as one cell can exceed the field size limit
            return -1, 0
        return sum(1 for cell in cells if field_of(cell)), len(cells)

    return max(DELIMITERS, key=score)  # max() keeps the first of equals: ";" wins a tie


def _columns(cells: list[str], result: OperationsFile, line: int) -> list[Column] | None:
    """Map header cells to fields; None (and the file refused) without the required columns."""
    columns: list[Column] = []
    seen: dict[str, Column] = {}
    for index, header in enumerate(cells):
        header = " ".join(header.replace("\ufeff", "").split())
        if not header:
            continue
        field_id = field_of(header)
        if field_id is None:
            result.unknown_columns.append(header)
            continue
        if field_id in IGNORED:
            continue
        if field_id in seen:
            result.warnings.append(
                f"Kolumnerna '{seen[field_id].header}' och '{header}' avser samma fält; "
                f"den första används."
            )
            continue
        seen[field_id] = Column(index, header, field_id)
        columns.append(seen[field_id])
    if result.unknown_columns:
        listed = ", ".join(f"'{header}'" for header in result.unknown_columns)
        result.warnings.append(f"Okända kolumner ignorerades: {listed}.")
    missing = [field_id for field_id in REQUIRED if field_id not in seen]
    if missing:
        names = " och ".join(
            f"'{COLUMNS[field_id][0]} / {COLUMNS[field_id][1]}'" for field_id in missing
        )
        result.rejected.append(
            RejectedRow(
                "",
                [
                    Rejection(
                        result.source,
                        line,
                        HEADER_ROW,
                        ";".join(cells)[:MAX_VALUE_CHARS],
                        f"Obligatorisk kolumn saknas: {names}. Ingen rad i filen importerades.",
                    )
                ],
            )
        )
        return None
    absent = [COLUMNS[field_id][0] for field_id in NEEDED_FOR_NEW if field_id not in seen]
    if absent:
        result.warnings.append(
            f"Kolumn saknas: {', '.join(absent)}. Filen kan bara uppdatera befintliga projekt; "
            "nya projekt avvisas."
        )
    return columns


# --- Rows -------------------------------------------------------------------------------------

T = TypeVar("T")


class _Row:
    """Typed access to one row's cells, collecting rejections and warnings."""

    def __init__(
        self, cells: list[str], columns: list[Column], line: int, source: str, *, width: int
    ) -> None:
        self.line = line
        self.source = source
        self.columns = {column.field_id: column for column in columns}
        self.raw = {
            column.field_id: cells[column.index] if column.index < len(cells) else ""
            for column in columns
        }
        self.rejections: list[Rejection] = []
        self.warnings: list[str] = []
        if any(cell.strip() for cell in cells[width:]):
            self.warnings.append("Raden har fler fält än rubrikraden; de överzähliga ignorerades.")

    def text(self, field_id: str) -> str:
        return " ".join(self.raw.get(field_id, "").split())

    def label(self, field_id: str) -> str:
        column = self.columns.get(field_id)
        return column.label if column else COLUMNS[field_id][0]

    def reject(self, field_id: str, reason: str, value: str | None = None) -> None:
        value = self.text(field_id) if value is None else value
        self.rejections.append(
            Rejection(self.source, self.line, self.label(field_id), value[:MAX_VALUE_CHARS], reason)
        )

    def convert(self, field_id: str, parse: Callable[[str], T]) -> T | None:
        value = self.text(field_id)
        if not value:
            return None
        try:
            return parse(value)
        except values.InvalidValue as exc:
            self.reject(field_id, str(exc))
            return None


def _row(
    cells: list[str],
    columns: list[Column],
    line: int,
    result: OperationsFile,
    *,
    width: int,
    labels: dict[str, str],
) -> None:
    row = _Row(cells, columns, line, result.source, width=width)
    diary, period = "", ""
    if not row.text("diary_number"):
        row.reject("diary_number", "Diarienummer saknas.")
    else:
        parsed = row.convert("diary_number", values.parse_diary_number)
        if parsed:
            diary, period = parsed
    start = row.convert("start_date", _date)
    end = row.convert("end_date", _date)
    if start and end and end < start:
        row.reject("end_date", f"Slutdatum {end} ligger före startdatum {start}.")
    total = row.convert("total_budget", _amount)
    grant = row.convert("esf_grant", _amount)
    if total is not None and grant is not None and grant > total:
        row.reject(
            "esf_grant",
            f"Beviljat stöd ({grant} kr) är större än total projektbudget ({total} kr).",
        )
    rate = row.convert("cofinancing_rate", lambda value: _rate(value, row.warnings))
    summaries = {}
    for name in ("description", "description_en"):
        try:
            summaries[name] = _summary(row.raw.get(name, ""))
        except HtmlTooDeep as exc:
            row.reject(name, str(exc), value=row.text(name)[:MAX_VALUE_CHARS])
            summaries[name] = ""
    page = ProjectPage(
        source=result.source,
        period=period,
        diary_number=diary,
        start_date=start,
        end_date=end,
        total_budget=total,
        esf_grant=grant,
        cofinancing_rate=rate,
        description=summaries["description"],
        description_en=summaries["description_en"],
        warnings=row.warnings,
    )
    for declared in _FIELD_READINGS:
        setattr(page, declared.attribute, _READERS[declared.reading](row, declared.attribute))
    if row.rejections:
        result.rejected.append(RejectedRow(diary, row.rejections))
        return
    result.records.append(ImportRecord(page, line=line, labels=labels))  # one dict per file


# --- Values -----------------------------------------------------------------------------------

_DATE_TIME_RE = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_ZERO_DECIMALS_RE = re.compile(r"(?<=\d)[.,]0{1,2}$")
_PLAIN_NUMBER_RE = re.compile(r"\d+(?:[.,]\d+)?")
_CODE_RE = re.compile(r"[A-Z]?\d{1,3}(?:\.\d{1,2})?[A-Z]?|[A-Z]")
_CENT = Decimal("0.01")


def _date(value: str):
    match = _DATE_TIME_RE.fullmatch(value.strip())
    return values.parse_date(match[1] if match else value)


def _amount(value: str) -> int:
    text = values.CURRENCY_RE.sub("", value.strip())
    return values.parse_amount(_ZERO_DECIMALS_RE.sub("", text))


def _rate(value: str, warnings: list[str]) -> Decimal:
    text = value.strip()
    if _PLAIN_NUMBER_RE.fullmatch(text):
        number = Decimal(text.replace(",", "."))
        if 0 < number < 1:
            percent = number * 100
            warnings.append(WARN_FRACTION_RATE.format(value=text, percent=percent.normalize()))
            return _two_places(percent)
    return _two_places(values.parse_rate(text))


def _two_places(rate: Decimal) -> Decimal:
    """50 → 50.00 as the database stores it; a rate with more decimals is left for validation."""
    quantized = rate.quantize(_CENT)
    return quantized if quantized == rate else rate


def _code(value: str) -> str | None:
    """ "140", or "140" from "140 - Aktiv inkludering"; other text is kept whole."""
    if not value:
        return None
    first, _, rest = value.partition(" ")
    first = first.rstrip(":.-–")
    if rest and _CODE_RE.fullmatch(first.upper()):
        return first
    return value


_SIMPLE_HTML_RE = re.compile(r"</?(?:p|br|b|strong|i|em|u|span)\b[^<>]*>", re.IGNORECASE)
_PARAGRAPH_END_RE = re.compile(r"</p\s*>", re.IGNORECASE)
_LINE_BREAK_RE = re.compile(r"<br\s*/?>", re.IGNORECASE)


def _summary(value: str) -> str:
    """Plain text; HTML rendered as the page parser does (paragraphs, line breaks)."""
    if looks_like_html(value):
        if _SIMPLE_HTML_RE.sub("", value).count("<") == 0:
            # Summaries are mostly <p> and <br> only: a regex is 50 times faster than a parse.
            text = _PARAGRAPH_END_RE.sub("\n\n", value)
            value = html.unescape(_SIMPLE_HTML_RE.sub("", _LINE_BREAK_RE.sub("\n", text)))
        else:
            return html_to_text(value)
    lines = [" ".join(line.split()) for line in value.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


_READERS: dict[str, Callable[[_Row, str], object]] = {
    fields.TEXT: lambda row, key: row.text(key),
    fields.OPTIONAL: lambda row, key: row.text(key) or None,
    fields.CODE: lambda row, key: _code(row.text(key)),
    fields.POSTCODE: lambda row, key: values.postcode(row.text(key)),
    fields.COUNT: lambda row, key: row.convert(key, values.parse_count),
    fields.ORG_NUMBER: lambda row, key: row.convert(key, values.parse_org_number),
}
"""How each of `fields.py`'s readings reads a cell."""
