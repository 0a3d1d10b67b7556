"""The CSV rows from PostgreSQL's `COPY (SELECT …) TO STDOUT (FORMAT csv)`.

The SELECT computes every cell as the Python row function would and the server writes the CSV,
so Python only passes bytes on: several times the rows per second of building lines in Python,
which is bound by reading 35 values per row into objects. Each cell is the column's SQL value
(`Column.expression`) written by its kind as `rows.renderer` writes it for CSV: text through the
formula guard (`cells.guarded`), status and yes/no as words, decimals as text with a decimal
comma when asked, dates as ISO whatever the server's DateStyle, integers as digits.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import nullcontext

from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import Case, Func, TextField, Value, When
from django.db.models.lookups import Exact

from .cells import csv_cell, decimal_text, guarded
from .columns import COLUMNS, Column, words
from .export import Export

COPY_PIECE = 64 * 1024  # bytes per piece of a response written in pieces


def copy_chunks(export: Export) -> Iterator[bytes]:
    """The rows as PostgreSQL writes them, in pieces of about COPY_PIECE bytes, from one
    transaction as for `Export.raw_rows`."""
    queryset = copy_queryset(export)
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


def copy_queryset(export: Export):
    """The export's projects with one SQL expression per column, in the list's order."""
    cells = {f"c{index}": csv_sql(column, export) for index, column in enumerate(COLUMNS)}
    return export.queryset().annotate(**cells).values_list(*cells)


def csv_sql(column: Column, export: Export):
    """One CSV cell in SQL: the column's value written by its kind."""
    value, kind = column.expression(export), column.kind
    if kind in ("text", "name"):
        return guarded(value)
    if kind in ("status", "bool"):
        labels = {
            code: Value(csv_cell(word, decimal_comma=False))
            for code, word in words(kind, export.lang).items()
        }
        if isinstance(value, Case) and all(isinstance(w.result, Value) for w in value.cases):
            # a CASE of codes (models.status_case): the same conditions with words as results,
            # so that the server tests each condition once
            cases = [When(w.condition, then=labels[w.result.value]) for w in value.cases]
        else:
            cases = [When(Exact(value, code), then=label) for code, label in labels.items()]
        # COPY writes NULL (unknown yes/no) as nothing
        return Case(*cases, default=Value(None), output_field=TextField())
    if kind == "date":
        return Func(value, Value("YYYY-MM-DD"), function="to_char", output_field=TextField())
    if kind == "decimal":
        return decimal_text(value, decimal_comma=export.decimal_comma)
    return value  # integers: COPY writes digits, NULL as nothing
