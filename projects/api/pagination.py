"""Keyset ("cursor") pagination for the API: stable pages whatever is added meanwhile.

A page is the rows after a position in a fixed order. The position is the last row's values of
the ordering's fields, sent back as an opaque `cursor` (URL-safe base64 of JSON); the next page
is one query, `WHERE (ordering) after (position) ORDER BY … LIMIT size + 1`, as fast on page 500
as on page 1, which an OFFSET is not. NULLs sort last in either direction, as on the list.

An order that is not a plain column (the search's relevance rank) pages by offset inside the
same opaque cursor.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import F, Q, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext as _

DEFAULT_SIZE = 100
MAX_SIZE = 1000
MAX_OFFSET = 10**9


@dataclass(frozen=True)
class Key:
    """One field of an ordering: its name, its direction, whether it can be NULL."""

    field: str
    descending: bool = False
    nullable: bool = False

    def expression(self):
        if not self.nullable:
            return F(self.field).desc() if self.descending else F(self.field).asc()
        return (
            F(self.field).desc(nulls_last=True)
            if self.descending
            else F(self.field).asc(nulls_last=True)
        )

    def after(self, value: Any) -> Q | None:
        """Rows whose value of this field comes after `value`; None when nothing can."""
        if value is None:
            return None  # NULLs are last: nothing comes after them
        beyond = Q(**{f"{self.field}__{'lt' if self.descending else 'gt'}": value})
        return beyond | Q(**{f"{self.field}__isnull": True}) if self.nullable else beyond

    def equal(self, value: Any) -> Q:
        if value is None:
            return Q(**{f"{self.field}__isnull": True})
        return Q(**{self.field: value})


class CursorError(ValueError):
    pass


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.date | Decimal):
        return str(value)
    return value


def encode(data: dict) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str) -> dict:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise CursorError(cursor) from None
    if not isinstance(data, dict):
        raise CursorError(cursor)
    return data


def page_size(params: QueryDict, errors: list[str]) -> int:
    """`size` from the query: 1 to MAX_SIZE, DEFAULT_SIZE when absent; a message when not."""
    raw = params.get("size", "")
    if not raw:
        return DEFAULT_SIZE
    if raw.isdigit() and 1 <= int(raw) <= MAX_SIZE:
        return int(raw)
    errors.append(
        _("size: %(value)s ignorerades (ett heltal från 1 till %(max)s).")
        % {"value": raw[:40], "max": MAX_SIZE}
    )
    return DEFAULT_SIZE


@dataclass
class Page:
    rows: list
    next_cursor: str | None


def keyset_page(
    queryset: QuerySet,
    keys: list[Key] | None,
    *,
    order: str,
    cursor: str,
    size: int,
) -> Page:
    """One page of `queryset` ordered by `keys` (the last one unique), after `cursor`.

    `order` names the ordering; a cursor made for another ordering is refused. With `keys`
    None the queryset keeps its own order and pages by offset.
    """
    data = decode(cursor) if cursor else {}
    if data and data.get("o") != order:
        raise CursorError(cursor)
    if keys is None:
        offset = data.get("n", 0) if data else 0
        if not isinstance(offset, int) or not 0 <= offset <= MAX_OFFSET:
            raise CursorError(cursor)
        rows = list(queryset[offset : offset + size + 1])
        more = len(rows) > size
        return Page(rows[:size], encode({"o": order, "n": offset + size}) if more else None)
    queryset = queryset.order_by(*(key.expression() for key in keys))
    if data:
        position = data.get("p")
        if not isinstance(position, list) or len(position) != len(keys):
            raise CursorError(cursor)
        if not all(_plausible(value) for value in position):
            raise CursorError(cursor)
        try:  # the fields convert the values here, before any query runs
            queryset = queryset.filter(after(keys, position))
            str(queryset.query)
        except (ValidationError, ValueError, TypeError, OverflowError):
            raise CursorError(cursor) from None
    rows = list(queryset[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    next_cursor = None
    if more:
        last = rows[-1]
        position = [_plain(_value(last, key.field)) for key in keys]
        next_cursor = encode({"o": order, "p": position})
    return Page(rows, next_cursor)


def _plausible(value: Any) -> bool:
    """A value a cursor can hold: what `_plain` writes, of a size a column can store."""
    if value is None or isinstance(value, bool):
        return value is None
    if isinstance(value, int):
        return -(2**63) <= value < 2**63
    return isinstance(value, str) and len(value) <= 600


def _value(row: Any, field: str) -> Any:
    return row[field] if isinstance(row, dict) else getattr(row, field)


def after(keys: list[Key], position: list) -> Q:
    """Rows after `position` in the order of `keys`: the first differing field decides."""
    condition = Q(pk__in=[])
    equal = Q()
    for key, value in zip(keys, position, strict=True):
        beyond = key.after(value)
        if beyond is not None:
            condition |= equal & beyond
        equal &= key.equal(value)
    return condition
