"""Rows built in Python: from one fetched tuple (`fetch_paths` values) to one output row.

Styles: "csv" gives the CSV line (a str), "xlsx" a list of typed values, "json" a dict.

Per export, each column becomes a slot of the fetched tuple (its field's index, or the slice
of the fields it reads together, see `columns.fetch_paths`) and a renderer: its `python` reader
followed by the writer of its kind. A row is then `renderers[i](row[slots[i]])` for every
column, in one function whose source `RowBuilder.source()` spells out (indices and renderer
names only). Code-list values are read from `Lookup` tables with the writer applied once per
code-list row, not per project.

`text` (the CSV field writer `cells.csv_text`; the XLSX cell guard) renders text values.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any

from ..models import Project
from .columns import COLUMNS, Column, Context, Lookup, code_json, fetch_paths, nested, words

Render = Callable[[Any], Any]

# Fields that are never NULL: their CSV cell is plain str() (date.__str__ is ISO).
NOT_NULL = {field.attname for field in Project._meta.concrete_fields if not field.null}


def _same(value: Any) -> Any:
    return value


def _plain(value: Any) -> str:
    return "" if value is None else str(value)


def _iso(value: datetime.date | None) -> str | None:
    return None if value is None else value.isoformat()


def _decimal_text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def renderer(column: Column, style: str, *, lang: str, text: Render) -> Render:
    """How the value of `column` is written in `style`, by its kind."""
    kind = column.kind
    if style == "json":
        # decimals as strings (exact), dates ISO, the status as its code
        return {"decimal": _decimal_text, "date": _iso}.get(kind, _same)
    if kind in ("text", "name"):
        return text
    if kind == "status":  # a word in the export's language
        return {code: text(word) for code, word in words(kind, lang).items()}.__getitem__
    if style == "xlsx":
        return _same  # numbers, dates and booleans stay typed
    if kind == "bool":
        return {
            None: "",
            **{flag: text(word) for flag, word in words(kind, lang).items()},
        }.__getitem__
    if kind == "decimal":
        return text  # csv_text writes a decimal comma when asked
    # int and date: csv_cell leaves them as they are, and str() is raw digits or ISO
    return str if column.fields == (column.key,) and column.key in NOT_NULL else _plain


def _composed(render: Render, reader: Callable[..., Any]) -> Render:
    return lambda value: render(reader(value))


def _spread(render: Render, reader: Callable[..., Any]) -> Render:
    return lambda values: render(reader(*values))


def _object(attrs: Sequence[str]) -> Render:
    return lambda values: dict(zip(attrs, values, strict=True))


class RowBuilder:
    """The slots and renderers of one export in one style; `function()` gives the row function."""

    def __init__(
        self,
        context: Context,
        style: str,
        *,
        text: Render | None = None,
        delimiter: str = ",",
        columns: Sequence[Column] = COLUMNS,
    ) -> None:
        self.context, self.style, self.delimiter = context, style, delimiter
        self.text = text or _same
        self.index = {path: i for i, path in enumerate(fetch_paths(columns))}
        self.slots: list[int | slice] = []  # per column, where its value is in the row
        self.renderers: list[Render] = []
        if style == "json":
            self.keys = self._json_items(columns)
        else:
            for column in columns:
                self._add(column, renderer(column, style, lang=context.lang, text=self.text))

    def slot(self, fields: Sequence[str]) -> int | slice:
        """One field's index, or the slice of fields read together (`columns.fetch_paths`)."""
        first = self.index[fields[0]]
        if len(fields) == 1:
            return first
        if [self.index[path] for path in fields] != list(range(first, first + len(fields))):
            raise ValueError(f"{fields} are not side by side in the fetched row")
        return slice(first, first + len(fields))

    def _add(self, column: Column, render: Render) -> None:
        reader = column.reader(self.context)
        slot = self.slot(column.fields)
        if isinstance(reader, Lookup):
            render = reader.then(render).__getitem__  # rendered once per code-list row
        elif reader is not None:
            render = (
                _spread(render, reader) if isinstance(slot, slice) else _composed(render, reader)
            )
        self.slots.append(slot)
        self.renderers.append(render)

    def _json_items(self, columns: Iterable[Column]) -> list[str]:
        """JSON keys in order; the columns of a dotted key become one object under its head."""
        groups = nested(columns)
        for group in groups.values():
            first = group[0]
            if "." not in first.key:
                self._add(first, renderer(first, "json", lang="sv", text=self.text))
            elif first.dimension is not None:
                # One shared dict per code-list row; a project without one gets null
                attrs = [column.attr for column in group]
                lookup = Lookup.of(
                    first.dimension.model,
                    self.context.reference.rows(first.dimension.name),
                    lambda row, attrs=attrs: code_json(row, attrs),
                )
                self.slots.append(self.slot(first.fields))
                self.renderers.append(lookup.__getitem__)
            else:
                attrs = [column.key.partition(".")[2] for column in group]
                self.slots.append(self.slot([path for c in group for path in c.fields]))
                self.renderers.append(_object(attrs))
        return list(groups)

    def source(self) -> str:
        """The row function's source: one renderer call per column on its slot, `_16(r[0:2])`,
        or the slot alone where the value is written as fetched (JSON, XLSX numbers).

        It holds indices and the names of the renderers (`names()`), never data. Unrolled
        rather than `map(call, renderers, itemgetter(*slots)(r))`: that builds a tuple of 36
        values per row and dispatches each call through `operator.call`, which made CSV rows
        12 % slower to build (docs/performance.md).
        """
        cells = []
        for number, (slot, render) in enumerate(zip(self.slots, self.renderers, strict=True)):
            index = f"{slot.start}:{slot.stop}" if isinstance(slot, slice) else str(slot)
            # a value written as it is fetched needs no call
            cells.append(f"r[{index}]" if render is _same else f"_{number}(r[{index}])")
        if self.style == "csv":
            return f"lambda r: _join([{', '.join(cells)}])"
        if self.style == "xlsx":
            return f"lambda r: [{', '.join(cells)}]"
        items = ", ".join(f"{key!r}: {cell}" for key, cell in zip(self.keys, cells, strict=True))
        return f"lambda r: {{{items}}}"

    def names(self) -> dict[str, Any]:
        """The names the source refers to: `_join` and the renderers `_0`, `_1`, …."""
        names: dict[str, Any] = {"__builtins__": {}, "_join": self.delimiter.join}
        names.update(
            {f"_{n}": render for n, render in enumerate(self.renderers) if render is not _same}
        )
        return names

    def function(self) -> Callable[[tuple], Any]:
        """The row function: fetched tuple → CSV line, XLSX list or JSON dict."""
        return eval(self.source(), self.names())  # indices and names only, see source()
