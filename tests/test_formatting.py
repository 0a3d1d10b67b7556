"""Numbers in the templates: Swedish and English grouping, units, rounding (not truncation)."""

from decimal import Decimal

import pytest
from django.utils import translation

from projects.templatetags import esf


@pytest.mark.parametrize(
    ("lang", "value", "expected"),
    [
        ("sv", 17_207_538, "17\xa0207\xa0538\xa0kr"),
        ("en", 17_207_538, "SEK\xa017,207,538"),
        ("sv", None, "–"),
    ],
)
def test_kr(lang, value, expected):
    with translation.override(lang):
        assert esf.kr(value) == expected


@pytest.mark.parametrize(
    ("lang", "value", "expected"),
    [
        ("sv", 19_895_809, "19,9\xa0mnkr"),
        ("en", 19_850_000, "SEK\xa019.9\xa0m"),
        ("sv", 0, "0,0\xa0mnkr"),
    ],
)
def test_mkr_rounds_half_up(lang, value, expected):
    with translation.override(lang):
        assert esf.mkr(value) == expected


@pytest.mark.parametrize(
    ("lang", "value", "expected"),
    [("sv", Decimal("50.00"), "50\xa0%"), ("sv", Decimal("49.55"), "49,6\xa0%"),
     ("en", Decimal("49.5"), "49.5%"), ("sv", None, "–")],
)  # fmt: skip
def test_percent(lang, value, expected):
    with translation.override(lang):
        assert esf.percent(value) == expected
