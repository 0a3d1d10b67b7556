"""Numbers in the templates: Swedish and English grouping, units, rounding (not truncation)."""

from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.formats import number_format
from django.utils.html import json_script

from projects.number_fields import grouped
from projects.presenters import Column, Row, Table
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


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_grouped_integers_are_written_as_number_format_writes_them(lang):
    # `grouped` writes integers itself; every length and sign must match Django's own
    # grouping with the language's separator (and a real minus sign).
    values = [0, 7, -7, 999, 1000, -1000, 12_345, 999_999, 1_000_000, -17_207_538, 10**15]
    with translation.override(lang):
        for value in values:
            expected = number_format(value, force_grouping=True).replace("-", "\u2212")
            assert grouped(value) == expected, value
            assert grouped(Decimal(value)) == expected, value  # the general path
    assert grouped(1_000_000) != grouped(1_000_000, decimal_pos=1)


def test_a_table_rows_cells_are_formatted_by_their_column_and_escaped():
    table = Table(
        caption="c",
        header="h",
        columns=[Column("Namn", "text"), Column("Stöd", "kr"), Column("Andel", "percent")],
        rows=[
            Row("<b>Län</b>", ["", 1500, Decimal("40.5")], url="/projects/?a=1&b=2"),
            Row("Mål", ["x", None, None], level=1),
        ],
    )
    with translation.override("sv"):
        html = esf.table_rows(table)
    assert '<a href="/projects/?a=1&amp;b=2">&lt;b&gt;Län&lt;/b&gt;</a>' in html
    assert '<td role="cell" class="num" data-label="Namn">–</td>' in html
    assert '<td role="cell" class="num" data-label="Stöd">1\xa0500\xa0kr</td>' in html
    assert '<td role="cell" class="num" data-label="Andel">40,5\xa0%</td>' in html
    assert html.count("<tr ") == 2
    assert '<tr role="row" class="dash-table__sub">' in html  # only the sub-row
    assert '<tr role="row">' in html


def test_chart_data_is_written_as_json_script_writes_it():
    figure = {"title": "</script><b>&'\"", "x": [1, 2.5, None], "å": Decimal("1.5")}
    assert esf.json_data(figure, "map-data") == json_script(figure, "map-data")
