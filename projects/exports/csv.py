"""CSV: UTF-8 with a byte order mark, LF line ends, one header row, then one line per project."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice

from django.db import connection

from .cells import csv_text
from .copy import copy_chunks
from .export import CHUNK_SIZE, Export


def csv_chunks(export: Export, *, use_copy: bool | None = None) -> Iterator[bytes]:
    """The CSV file in pieces: BOM and header at once, then the rows.

    PostgreSQL writes the rows itself (`copy.copy_chunks`, unless `use_copy` is False).
    Elsewhere the row function writes each line instead of handing cells to csv.writer, which
    spends about half of an export's time in its per-character loop over 35 fields: text (the
    only values that can hold a delimiter, a quote or a line break) is quoted as RFC 4180 says,
    numbers and dates are str(). Both give the same bytes (a test compares them), with LF line
    ends as COPY writes them; the tests read the files back with the csv module.
    """
    text = csv_text(delimiter=export.delimiter, decimal_comma=export.decimal_comma)
    header = export.delimiter.join(text(name) for name in export.header())
    # Without the BOM Excel reads the file as Windows-1252 and garbles å, ä, ö.
    yield ("\ufeff" + header + "\n").encode()
    if connection.vendor == "postgresql" if use_copy is None else use_copy:
        yield from copy_chunks(export)
        return
    lines = export.rows("csv", text=text)
    while batch := list(islice(lines, CHUNK_SIZE)):
        yield ("\n".join(batch) + "\n").encode()
