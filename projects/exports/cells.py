"""What a CSV cell may hold: the one formula guard and the decimal-comma rule, in Python and SQL.

A spreadsheet runs text that begins with `=`, `+`, `-`, `@`, tab or CR as a formula (OWASP
"CSV injection"), so such text gets a leading `'`; numbers, negative ones too, are never
changed. With `;` between fields a decimal has a comma (`50,00`), for Swedish Excel. The Python
rule (`csv_cell`) serves the rows built in Python, its SQL mirror (`guarded`, `decimal_text`)
the rows PostgreSQL writes with COPY; a test compares their bytes.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db.models import Case, Func, IntegerField, TextField, Value, When
from django.db.models.functions import Cast, NullIf, Replace
from django.db.models.lookups import In

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_CODES = sorted(ord(start) for start in FORMULA_STARTS)  # for SQL's ascii()


def csv_cell(value: Any, *, decimal_comma: bool) -> Any:
    """The value as the CSV writer should get it: formula-like text defused, decimals localised."""
    if isinstance(value, str):
        if value.startswith(FORMULA_STARTS):
            return "'" + value  # Excel and LibreOffice would evaluate it as a formula
        return value
    if decimal_comma and isinstance(value, Decimal):
        return str(value).replace(".", ",")
    return value  # numbers (negative ones too), dates (str() is ISO) and None ("") as they are


def csv_text(*, delimiter: str, decimal_comma: bool) -> Callable[[Any], str]:
    """A function from a value to its CSV field: `csv_cell`, then quoted if it must be.

    The two steps are one function because it runs for every text cell of every row (a call
    less per cell is a tenth of the time a row takes); `test_export_csv` holds it to csv_cell.
    """

    def text(value: Any, starts: tuple[str, ...] = FORMULA_STARTS) -> str:
        if value is None:
            return ""
        if isinstance(value, str):
            if value.startswith(starts):
                value = "'" + value  # as csv_cell
        elif decimal_comma and isinstance(value, Decimal):
            value = str(value).replace(".", ",")  # as csv_cell
        else:
            value = str(value)
        if delimiter in value or '"' in value or "\n" in value or "\r" in value:  # RFC 4180
            return '"' + value.replace('"', '""') + '"'
        return value

    return text


def guarded(expression) -> Case:
    """Text as csv_cell gives it, in SQL: NULL when empty (COPY writes NULL as nothing and ""
    as `""`), formula-like text after a `'`."""
    return Case(
        When(
            In(Func(expression, function="ascii", output_field=IntegerField()), FORMULA_CODES),
            then=Func(expression, template="'''' || %(expressions)s"),
        ),
        default=NullIf(expression, Value("")),
        output_field=TextField(),
    )


def decimal_text(expression, *, decimal_comma: bool) -> Cast | Replace:
    """A decimal as csv_cell writes it, in SQL: its digits, with a comma when asked."""
    text = Cast(expression, TextField())
    return (
        Replace(text, Value("."), Value(","), output_field=TextField()) if decimal_comma else text
    )
