"""Validators for the identifiers the ESF sources use: diary numbers and organisation numbers."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

PERIOD_2014 = "2014-2020"
PERIOD_2021 = "2021-2027"

# 2014–2020: "2020/00152" (year and a five-digit serial); ESF+: "22-005-S01" (year, call, project).
DIARY_PATTERNS = {
    PERIOD_2014: re.compile(r"^(20\d\d)/(\d{5})$"),
    PERIOD_2021: re.compile(r"^(\d\d)-(\d{3})-S(\d\d)$"),
}
_DIARY_LOOSE_2014 = re.compile(r"^(20\d\d)[/-](\d{5})$")


def normalise_diary_number(value: str) -> str:
    """Tidy how people and URLs write them: `2020-00152` and ` 22-005-s01 ` are accepted."""
    value = (value or "").strip().upper()
    match = _DIARY_LOOSE_2014.match(value)
    if match:
        return f"{match[1]}/{match[2]}"
    return value


def diary_number_period(value: str) -> str | None:
    """The programme period whose format the diary number has, or None."""
    for period, pattern in DIARY_PATTERNS.items():
        if pattern.match(value or ""):
            return period
    return None


def validate_diary_number(value: str) -> None:
    if diary_number_period(value) is None:
        raise ValidationError(
            _(
                "Ogiltigt diarienummer %(value)s: ange ÅÅÅÅ/NNNNN (2014–2020, t.ex. 2020/00152) "
                "eller ÅÅ-NNN-SNN (ESF+, t.ex. 22-005-S01)."
            ),
            code="diary_number_format",
            params={"value": value},
        )


def diary_number_to_slug(value: str) -> str:
    """URL slug of a diary number: `2020/00152` → `2020-00152`; ESF+ numbers are unchanged."""
    return value.replace("/", "-")


def slug_to_diary_number(slug: str) -> str:
    return normalise_diary_number(slug)


def normalise_org_number(value: str) -> str:
    """Digits only: `802518-5011` → `8025185011`; also drops a leading century ("16")."""
    digits = re.sub(r"[\s-]", "", value or "")
    if len(digits) == 12 and digits.startswith("16"):
        digits = digits[2:]
    return digits


def luhn_valid(digits: str) -> bool:
    """Luhn (mod 10) check as used for Swedish organisation and personal identity numbers."""
    if not digits.isdigit():
        return False
    total = 0
    for index, char in enumerate(reversed(digits)):
        number = int(char)
        if index % 2 == 1:
            number *= 2
            if number > 9:
                number -= 9
        total += number
    return total % 10 == 0


def validate_org_number(value: str) -> None:
    if not re.fullmatch(r"\d{10}", value or ""):
        raise ValidationError(
            _("Organisationsnumret %(value)s ska ha tio siffror, t.ex. 802518-5011."),
            code="org_number_length",
            params={"value": value},
        )
    if not luhn_valid(value):
        raise ValidationError(
            _("Organisationsnumret %(value)s har fel kontrollsiffra (Luhn-kontroll)."),
            code="org_number_checksum",
            params={"value": value},
        )
