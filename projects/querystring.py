"""Query strings of filtered pages: the current filters with some values changed or removed.

Every link that narrows, widens or re-sorts a page (chips, chart bars, sort headers, the
paginator) is built here, so they all treat repeated parameters, ranges and the page number the
same way: a changed filter always goes back to page 1.
"""

from __future__ import annotations

from django.http import QueryDict

RANGE_SUFFIXES = ("_min", "_max")


def encode(params: QueryDict, base: str = "") -> str:
    """`base?…`, or `base` alone (`?` alone when there is no base) for an empty query."""
    encoded = params.urlencode()
    if encoded:
        return f"{base}?{encoded}"
    return base or "?"


def _copy(params: QueryDict) -> QueryDict:
    """A mutable copy sharing the value lists, which this module only ever replaces (a
    dashboard builds a hundred links: `QueryDict.copy` deep-copies)."""
    copy = QueryDict(mutable=True, encoding=params.encoding)
    for key, values in params.lists():
        copy.setlist(key, values)
    return copy


def replaced(params: QueryDict, *, keep_page: bool = False, **changes) -> QueryDict:
    """The parameters with some set (a list sets repeated values) or removed (None or "")."""
    params = _copy(params)
    for key, value in changes.items():  # a changed parameter keeps its place in the query
        if isinstance(value, list | tuple):
            params.setlist(key, [str(item) for item in value])
        elif value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = str(value)
    if not keep_page and "page" not in changes:
        params.pop("page", None)
    return params


def without(params: QueryDict, key: str, value: str | None = None) -> QueryDict:
    """The parameters without one value of a repeated parameter, or without the parameter
    (`value` None); a range (`esf_grant`, or either bound) goes with both its bounds."""
    params = _copy(params)
    name = next((key.removesuffix(s) for s in RANGE_SUFFIXES if key.endswith(s)), key)
    if value is None or name != key:
        for each in (name, *(f"{name}{suffix}" for suffix in RANGE_SUFFIXES)):
            params.pop(each, None)
    else:
        params.setlist(key, [v for v in params.getlist(key) if v != value])
    params.pop("page", None)
    return params
