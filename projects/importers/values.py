"""Reading one value as the sources write it: amounts, counts, rates, dates, identifiers.

Each `parse_*` function takes the text of one field and returns the value, or raises
`InvalidValue` whose message is the Swedish rejection reason. Diary and organisation numbers are
read through `projects.validators`, so that a number the importers accept is one the model
accepts. Both parsers use these; what only one source writes (a spreadsheet's "0,4" for 40 %) is
read in that source's parser. Needs no database or settings.
"""

import re
from datetime import date
from decimal import Decimal

from projects import validators

PERIOD_2007 = validators.PERIOD_2007
PERIOD_2014 = validators.PERIOD_2014
PERIOD_2021 = validators.PERIOD_2021


class InvalidValue(ValueError):
    """A value that cannot be read; the message is the Swedish rejection reason."""


SPACE_LIKE = re.compile(r"[\s\u00a0\u2007\u2009\u202f]+")
"""Spaces of any kind: normal, no-break, figure, thin and narrow no-break."""
_MINUS = ("-", "−", "–")
_DATE_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_PERIOD_RE = re.compile(r"(\d{4}-\d{2}-\d{2})\s*(?:--|[-–—])\s*(\d{4}-\d{2}-\d{2})")
_PERIOD_2007_RE = re.compile(r"(\d{4}-\d{2}-\d{2})\s+till\s+(\d{4}-\d{2}-\d{2})")
_RATE_RE = re.compile(r"([-−]?\d+(?:[.,]\d+)?)\s*(?:%|procent)?", re.IGNORECASE)
CURRENCY_RE = re.compile(r"\s*(?:kr\.?|kronor|sek)$", re.IGNORECASE)

DIARY_REASON = (
    "Ogiltigt diarienummer: förväntade ÅÅÅÅ/NNNNN (2014–2020, även ÅÅÅÅ-NNNNN) "
    "eller ÅÅ-NNN-SNN (ESF+)."
)
AMOUNT_REASON = "Ogiltigt belopp: förväntade heltal i kronor."
NEGATIVE_AMOUNT_REASON = "Ogiltigt belopp: negativa belopp är inte tillåtna."
COUNT_REASON = "Ogiltigt antal: förväntade ett heltal."
NEGATIVE_COUNT_REASON = "Ogiltigt antal: negativa tal är inte tillåtna."
ORG_NUMBER_LENGTH_REASON = "Ogiltigt organisationsnummer: förväntade 10 siffror, t.ex. 802518-5011."
ORG_NUMBER_CHECK_REASON = (
    "Ogiltigt organisationsnummer: kontrollsiffran stämmer inte (Luhn-kontroll)."
)


def parse_diary_number(value: str) -> tuple[str, str]:
    """(normalised diary number, period); "2020-00152" becomes "2020/00152"."""
    number = validators.normalise_diary_number(SPACE_LIKE.sub("", value))
    period = validators.diary_number_period(number)
    if period is None:
        raise InvalidValue(DIARY_REASON)
    return number, period


def _grouped_int(value: str, reason: str, negative_reason: str) -> int:
    """Digits, optionally grouped by three with one kind of separator.

    Spaces of any kind (normal, no-break U+00A0, figure U+2007, thin U+2009, narrow no-break
    U+202F) and dots ("36.619.373", the German/Danish style) are thousands separators. Commas are
    decimal marks in Swedish, so "36,5" is not a whole number and is refused, as are
    inconsistent groups such as "1 23 456".
    """
    text = SPACE_LIKE.sub(" ", value).strip()
    if text.startswith(_MINUS):
        raise InvalidValue(negative_reason)
    if re.fullmatch(r"\d+|\d{1,3}(?: \d{3})+|\d{1,3}(?:\.\d{3})+", text):
        return int(re.sub(r"\D", "", text))
    raise InvalidValue(reason)


def parse_amount(value: str) -> int:
    """Whole kronor; a trailing "kr", "kr.", "kronor" or "SEK" is allowed."""
    text = CURRENCY_RE.sub("", value.strip())
    return _grouped_int(text, AMOUNT_REASON, NEGATIVE_AMOUNT_REASON)


def parse_count(value: str) -> int:
    """A whole number of participants, grouped as amounts may be."""
    return _grouped_int(value, COUNT_REASON, NEGATIVE_COUNT_REASON)


def parse_rate(value: str) -> Decimal:
    """Percent 0–100: "50%", "50 %", "49,5 %", "49.5 procent"; a bare "50" is read as percent."""
    match = _RATE_RE.fullmatch(SPACE_LIKE.sub(" ", value).strip())
    if not match:
        raise InvalidValue(
            "Ogiltig medfinansieringsgrad: förväntade procent, t.ex. 50 % eller 49,5 %."
        )
    rate = Decimal(match[1].replace(",", ".").replace("−", "-"))
    if not 0 <= rate <= 100:
        raise InvalidValue("Ogiltig medfinansieringsgrad: måste vara mellan 0 och 100 %.")
    return rate


def parse_date(value: str) -> date:
    """ISO YYYY-MM-DD only: the sources write dates that way, anything else is a misread."""
    match = _DATE_RE.fullmatch(value.strip())
    if not match:
        raise InvalidValue("Ogiltigt datum: förväntade ÅÅÅÅ-MM-DD.")
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError as exc:
        raise InvalidValue(f"Ogiltigt datum: {value.strip()} finns inte i kalendern.") from exc


def parse_period(value: str) -> tuple[date, date]:
    """ "2020-08-17 - 2022-12-31" (also with en dash, em dash or "--")."""
    match = _PERIOD_RE.fullmatch(SPACE_LIKE.sub(" ", value).strip())
    if not match:
        raise InvalidValue("Ogiltig projektperiod: förväntade ÅÅÅÅ-MM-DD - ÅÅÅÅ-MM-DD.")
    return parse_date(match[1]), parse_date(match[2])


def parse_period_2007(value: str) -> tuple[date, date]:
    """ "2009-03-01 till 2011-12-31", as 2007–2013 pages write it, or as `parse_period` reads."""
    match = _PERIOD_2007_RE.fullmatch(SPACE_LIKE.sub(" ", value).strip())
    if not match:
        try:
            return parse_period(value)
        except InvalidValue:
            raise InvalidValue(
                "Ogiltig projektperiod: förväntade ÅÅÅÅ-MM-DD till ÅÅÅÅ-MM-DD."
            ) from None
    return parse_date(match[1]), parse_date(match[2])


def parse_org_number(value: str) -> str:
    """Ten digits, dashes and spaces removed; a leading century "16" (12 digits) is dropped."""
    digits = validators.normalise_org_number(value)
    if not validators.has_ten_digits(digits):
        raise InvalidValue(ORG_NUMBER_LENGTH_REASON)
    if not validators.has_valid_check_digit(digits):
        raise InvalidValue(ORG_NUMBER_CHECK_REASON)
    return digits


def postcode(value: str) -> str:
    """ "391 27" and "39127" are the same postcode; other text is kept as written."""
    compact = SPACE_LIKE.sub("", value)
    return compact if re.fullmatch(r"\d{5}", compact) else value


SWEDISH_MONTHS = {
    name: number
    for number, name in enumerate(
        "januari februari mars april maj juni juli augusti september oktober november "
        "december".split(),
        start=1,
    )
}
UPDATED_LABEL = "senast uppdaterad"
_UPDATED_RE = re.compile(
    r"senast uppdaterad:?\s*(?:(\d{4}-\d{2}-\d{2})|(\d{1,2})\s+([a-zåäö]+)\s+(\d{4}))",
    re.IGNORECASE,
)


def parse_updated(text: str) -> date | None:
    """The date in "Senast uppdaterad: 8 juni 2020" (or "… 2020-06-08"), else None."""
    match = _UPDATED_RE.search(text)
    if not match:
        return None
    iso, day, month, year = match.groups()
    try:
        if iso:
            return date.fromisoformat(iso)
        number = SWEDISH_MONTHS.get(month.lower())
        return date(int(year), number, int(day)) if number else None
    except ValueError:
        return None
