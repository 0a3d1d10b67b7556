"""Numbers as people write them: read by the filters' and the admin's fields, written by the
pages, messages and feeds (`grouped`: digits grouped, a real minus sign).

Swedish pages take "40,5", "1 000 000", "17 207 538 kr" and "−2 000 000" (a real minus sign, as
the pages print it); English pages "40.5" and "1,000,000". The inputs are text with an
`inputmode`, not `type=number`, which in a Swedish browser turns "40,5" into 405 or refuses it,
and they show the value grouped as the pages do.
"""

from __future__ import annotations

import functools
import re

from django import forms
from django.utils import translation
from django.utils.formats import get_format, number_format
from django.utils.translation import get_language

from .language import lang

MINUS = "\u2212"


def with_minus(text: str) -> str:
    """A formatted number with a real minus sign (U+2212) instead of the hyphen."""
    return MINUS + text[1:] if text.startswith("-") else text


def grouped(value, **kwargs) -> str:
    """A number with the language's grouping (17 207 538 in Swedish, with no-break spaces;
    17,207,538 in English) and a real minus sign."""
    if type(value) is int and not kwargs:  # a dashboard writes hundreds: one format lookup
        separator, grouping = _int_format(get_language())
        if grouping == 3:
            return with_minus(f"{value:,}".replace(",", separator))
    return with_minus(number_format(value, force_grouping=True, **kwargs))


@functools.cache
def _int_format(language: str | None) -> tuple[str, object]:
    """The language's thousand separator and grouping, as `number_format` reads them."""
    with translation.override(language):
        return get_format("THOUSAND_SEPARATOR"), get_format("NUMBER_GROUPING")


SPACES = re.compile(r"[\s\u00a0\u2007\u2009\u202f]+")
UNITS = re.compile(r"^(?:sek)|(?:kr\.?|kronor|sek|%|procent)$", re.IGNORECASE)
MINUSES = ("−", "–", "-")
DOT_GROUPS = re.compile(r"\d{1,3}(?:\.\d{3})+")


def plain_number(text: str, language: str | None = None) -> str:
    """`text` as Python's int() and Decimal() read it: "17 207 538 kr" → "17207538",
    "40,5 %" → "40.5" (Swedish) and "1,000,000" → "1000000" (English). Text that is not a
    number comes back in a form that fails to parse, so the field's own message says so."""
    text = SPACES.sub("", UNITS.sub("", SPACES.sub(" ", text).strip()).strip())
    negative = text.startswith(MINUSES)
    text = text.lstrip("".join(MINUSES)) if negative else text
    if lang(language) == "en":
        text = text.replace(",", "")
    elif "," in text:
        text = text.replace(".", "").replace(",", ".")
    elif DOT_GROUPS.fullmatch(text):  # "1.000.000", the Danish/German grouping
        text = text.replace(".", "")
    return f"-{text}" if negative else text


class NumberInput(forms.TextInput):
    """A text input for a number, shown grouped in the page language ("17 207 538")."""

    def __init__(self, attrs=None, *, decimal: bool = False) -> None:
        self.decimal = decimal
        super().__init__({"inputmode": "decimal" if decimal else "numeric", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, int | float) or hasattr(value, "quantize"):
            places = None
            if self.decimal:
                places = 0 if value == int(value) else None
            return number_format(value, decimal_pos=places, force_grouping=True)
        return super().format_value(value)


class IntegerField(forms.IntegerField):
    widget = NumberInput

    def to_python(self, value):
        if isinstance(value, str):
            value = plain_number(value)
        return super().to_python(value)


class DecimalField(forms.DecimalField):
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", NumberInput(decimal=True))
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = plain_number(value)
        return super().to_python(value)

    def widget_attrs(self, widget):
        # no `step`, `min` or `max`: those belong to type=number inputs
        return {}
