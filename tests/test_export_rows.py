"""The export's row function: built from the column spec, its generated source on view."""

import re

import pytest
from django.http import QueryDict

from projects.exports import columns
from projects.exports.cells import csv_text
from projects.exports.export import Export
from projects.exports.rows import RowBuilder
from tests.test_export_csv import make_portfolio

pytestmark = pytest.mark.django_db
CALL = r"_\d+\(r\[\d+(?::\d+)?\]\)"  # one renderer on one slot: _16(r[0:2])


@pytest.fixture
def export():
    make_portfolio()
    return Export(QueryDict("sort=diary_number"), base_url="http://testserver")


def test_the_csv_source_is_one_renderer_call_per_column_and_nothing_else(export):
    builder = RowBuilder(export, "csv", text=csv_text(delimiter=",", decimal_comma=False))
    source = builder.source()
    assert re.fullmatch(rf"lambda r: _join\(\[{CALL}(, {CALL})*\]\)", source), source
    assert source.count("(r[") == len(columns.COLUMNS)
    names = builder.names()
    assert set(names) == {"__builtins__", "_join"} | {f"_{n}" for n in range(len(columns.COLUMNS))}
    assert names["__builtins__"] == {}


def test_the_json_source_names_the_keys_of_the_spec(export):
    source = RowBuilder(export, "json").source()
    keys = re.findall(rf"'(\w+)': (?:{CALL}|r\[\d+\])", source)
    assert keys == list(columns.nested())  # the column heads, in order
    assert "'diary_number': r[" in source  # text as stored: no call


@pytest.mark.parametrize("style", ["csv", "xlsx", "json"])
def test_the_row_function_is_each_renderer_on_its_slot(export, style):
    text = csv_text(delimiter=",", decimal_comma=False) if style == "csv" else None
    builder = RowBuilder(export, style, text=text)
    function = builder.function()
    rows = list(export.raw_rows())
    assert len(rows) == 7
    pairs = list(zip(builder.slots, builder.renderers, strict=True))
    for row in rows:
        cells = [render(row[slot]) for slot, render in pairs]
        if style == "csv":
            assert function(row) == ",".join(cells)
        elif style == "xlsx":
            assert function(row) == cells
        else:
            assert function(row) == dict(zip(builder.keys, cells, strict=True))


def test_every_derived_value_is_declared_in_python_and_in_sql():
    derived = [c for c in columns.COLUMNS if c.python is not None]
    assert {c.key for c in derived if c.dimension is None} == {
        "status",
        "esf_share_of_budget",
        "url",
    }
    assert all(column.sql is not None for column in derived)


def test_fields_read_together_sit_side_by_side():
    paths = columns.fetch_paths()
    assert len(paths) == len(set(paths))
    for run in columns.runs():
        first = paths.index(run[0])
        assert tuple(paths[first : first + len(run)]) == run
