"""Validators for the identifiers the ESF sources use: diary numbers and organisation numbers.

The organisation number's check digit is python-stdnum's (`stdnum.se.orgnr`); what is ours is
the spellings accepted (dashes, spaces, a leading century "16") and the Swedish messages.
"""

import hashlib
import re
from urllib.parse import unquote, urlsplit, urlunsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.se import orgnr

PERIOD_2007 = "2007-2013"
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


# 2007–2013 pages have no diary number: the page's address identifies the project.
SLUG_WORDS_CHARS = 40
SLUG_DIGEST_CHARS = 8
SLUG_MAX_CHARS = SLUG_WORDS_CHARS + 1 + SLUG_DIGEST_CHARS


def normalise_source_url(value: str) -> str:
    """The address as the registry keeps it: scheme and host in lower case, no fragment."""
    parts = urlsplit((value or "").strip())
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path, parts.query, ""))


def source_url_to_slug(url: str) -> str:
    """URL slug of a project known by its address: the words of the address's last part and a
    digest of the whole address (`kompetenslyft-i-vard-och-omsorg-3f1c9a02`), so it stays the
    same for the same address and two addresses ending alike still differ."""
    url = normalise_source_url(url)
    parts = urlsplit(url)
    segments = [segment for segment in parts.path.split("/") if segment]
    words = re.sub(r"[^a-z0-9]+", "-", _ascii(unquote(segments[-1] if segments else "")))
    words = words.strip("-")[:SLUG_WORDS_CHARS].strip("-")
    digest = hashlib.sha256(url.encode()).hexdigest()[:SLUG_DIGEST_CHARS]
    return f"{words}-{digest}" if words else digest


_ASCII = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "ü": "u"})


def _ascii(text: str) -> str:
    return text.casefold().translate(_ASCII)


def project_slug(diary_number: str | None, source_url: str) -> str:
    """A project's slug: from its diary number, or from its address when it has none."""
    if diary_number:
        return diary_number_to_slug(diary_number)
    return source_url_to_slug(source_url)


# Spaces of any kind, the hyphen-minus and the typographic hyphen and en dash.
_ORG_NUMBER_SEPARATORS = re.compile(r"[\s\-‐–]")
_TEN_DIGITS = re.compile(r"[0-9]{10}")


def normalise_org_number(value: str) -> str:
    """Digits only: `802518-5011` → `8025185011`; also drops a leading century ("16")."""
    digits = _ORG_NUMBER_SEPARATORS.sub("", value or "")
    if len(digits) == 12 and digits.startswith("16"):
        digits = digits[2:]
    return digits


def has_ten_digits(value: str) -> bool:
    return _TEN_DIGITS.fullmatch(value or "") is not None


def has_valid_check_digit(value: str) -> bool:
    """Whether a ten-digit organisation number ends in its Luhn check digit."""
    return has_ten_digits(value) and orgnr.is_valid(value)


def validate_org_number(value: str) -> None:
    if not has_ten_digits(value):
        raise ValidationError(
            _("Organisationsnumret %(value)s ska ha tio siffror, t.ex. 802518-5011."),
            code="org_number_length",
            params={"value": value},
        )
    if not has_valid_check_digit(value):
        raise ValidationError(
            _("Organisationsnumret %(value)s har fel kontrollsiffra (Luhn-kontroll)."),
            code="org_number_checksum",
            params={"value": value},
        )
