"""Formatting and URL helpers for the public templates."""

import json
from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.formats import number_format
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

from .. import querystring
from ..language import is_english
from ..number_fields import grouped, with_minus

register = template.Library()
NBSP = "\xa0"


@register.simple_tag
def project_count(count: int) -> str:
    """A facet choice's number of projects, with its words for a screen reader: a tag rather
    than an included template, since a list page has a hundred of them."""
    spoken = ngettext("%(counter)s projekt", "%(counter)s projekt", count) % {
        "counter": number(count)
    }
    return format_html('<span class="count" aria-label="{}">{}</span>', spoken, number(count))


@register.simple_tag
def demo_tag(item) -> str:
    """The "Demo" mark after a demo project's or organisation's name, nothing for real ones."""
    if not getattr(item, "is_demo", False):
        return ""
    return format_html(
        ' <span class="tag tag--demo" title="{}">{}</span>',
        gettext("Påhittat demoprojekt, inte verkliga uppgifter"),
        gettext("Demo"),
    )


@register.filter
def number(value) -> str:
    """An integer with the language's grouping: 17 207 538 (sv, no-break spaces), 17,207,538."""
    if value is None or value == "":
        return "–"
    return grouped(value)


@register.filter
def kr(value) -> str:
    """Whole kronor: "17 207 538 kr" in Swedish, "SEK 17,207,538" in English."""
    if value is None or value == "":
        return "–"
    amount = grouped(round(value))
    if is_english():
        return f"SEK{NBSP}{amount}"
    return f"{amount}{NBSP}kr"


@register.filter
def mkr(value) -> str:
    """Millions of kronor with one decimal: "17,2 mnkr" / "SEK 17.2 m"."""
    if value is None or value == "":
        return "–"
    millions = (Decimal(value) / 1_000_000).quantize(Decimal("0.1"), ROUND_HALF_UP)
    amount = grouped(millions, decimal_pos=1)
    if is_english():
        return f"SEK{NBSP}{amount}{NBSP}m"
    return f"{amount}{NBSP}mnkr"


@register.filter
def percent(value) -> str:
    """A rate without trailing zeros: "50 %", "49,5 %" (Swedish) and "50%", "49.5%" (English)."""
    if value is None or value == "":
        return "–"
    value = Decimal(value).quantize(Decimal("0.1"), ROUND_HALF_UP)  # number_format truncates
    places = 0 if value == value.to_integral() else 1
    text = with_minus(number_format(value, decimal_pos=places))
    if is_english():
        return f"{text}%"
    return f"{text}{NBSP}%"


@register.filter
def json_data(value, element_id: str) -> str:
    """What Django's `json_script` writes (the same escapes of <, > and &), by str.replace
    rather than str.translate, which is slow on a chart's long JSON."""
    data = json.dumps(value, cls=DjangoJSONEncoder)
    for character, escape in JSON_ESCAPES:
        data = data.replace(character, escape)
    template = '<script id="{}" type="application/json">{}</script>'
    return format_html(template, element_id, mark_safe(data))


JSON_ESCAPES = (("&", "\\u0026"), ("<", "\\u003C"), (">", "\\u003E"))


def text(value) -> str:
    """A text cell: "–" when empty (as `default:"–"`)."""
    return value or "–"


# A dashboard table column's format (`presenters.Column.format`) and its filter.
CELL_FORMATS = {"number": number, "kr": kr, "mkr": mkr, "percent": percent, "text": text}


@register.simple_tag
def table_rows(table) -> str:
    """A dashboard table's body rows (`presenters.Table`): a tag rather than template loops,
    since a dashboard has some 600 cells. Each row is

        <tr role="row"[ class="dash-table__sub" for a sub-row]>
          <th scope="row" …>[<a href="its page, or else its list">]header[</a>]</th>
          <td role="cell" class="num" data-label="column label">formatted value</td>…
        </tr>

    where data-label names the cell on a phone, where the table's rows stack."""
    # Each column's label escaped once, not once per cell; the same HTML as format_html.
    columns = [
        (conditional_escape(column.label), CELL_FORMATS.get(column.format, number))
        for column in table.columns
    ]
    return mark_safe("".join(_row(row, columns) for row in table.rows))  # noqa: S308 (escaped)


ROW = (
    '\n          <tr role="row"{}>\n'
    '            <th scope="row" role="rowheader" class="stack__wide stack__title">{}</th>\n'
    "            {}\n          </tr>\n        "
)
CELL = '<td role="cell" class="num" data-label="{}">{}</td>'
SUB_ROW = ' class="dash-table__sub"'


def _row(row, columns) -> str:
    link = row.page or row.url
    header = format_html('<a href="{}">{}</a>', link, row.header) if link else row.header
    cells = "".join(
        CELL.format(label, conditional_escape(formatted(value)))
        for value, (label, formatted) in zip(row.cells, columns, strict=True)
    )
    return ROW.format(SUB_ROW if row.level else "", conditional_escape(header), cells)


@register.filter
def org_number(value) -> str:
    """An organisation number as it is written: 802518-5011; "–" when unknown."""
    if not value:
        return "–"
    return f"{value[:6]}-{value[6:]}" if len(value) == 10 and value.isdigit() else value


@register.filter
def postcode(value) -> str:
    """A Swedish postcode as it is written: 391 27."""
    if not value:
        return ""
    return f"{value[:3]}{NBSP}{value[3:]}" if len(value) == 5 and value.isdigit() else value


@register.simple_tag(takes_context=True)
def url_with(context, **changes) -> str:
    """The current query string with some parameters replaced (None or "" removes them)."""
    return querystring.encode(querystring.replaced(context["request"].GET, **changes))


@register.simple_tag(takes_context=True)
def url_without(context, key: str, value: str) -> str:
    """The current query string without one value of a (possibly repeated) parameter."""
    params = querystring.without(context["request"].GET, key, value or None)
    return querystring.encode(params)


@register.simple_tag(takes_context=True)
def sort_link(context, key: str) -> str:
    """Query string that sorts by `key`, flipping the direction when it is already the sort."""
    current = context["filter"].effective_sort
    descending_first = key in ("start", "end", "budget", "grant", "participants", "rate")
    if current == key:
        target = f"-{key}"
    elif current == f"-{key}":
        target = key
    else:
        target = f"-{key}" if descending_first else key
    return url_with(context, sort=target)


@register.simple_tag(takes_context=True)
def aria_sort(context, key: str) -> str:
    """` aria-sort="…"` on the column the list is sorted by, nothing on the others."""
    current = context["filter"].effective_sort
    direction = {key: "ascending", f"-{key}": "descending"}.get(current)
    return format_html(' aria-sort="{}"', direction) if direction else ""
