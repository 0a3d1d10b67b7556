"""The benchmark harness's pure parts: wrk's command line and result line, the numbers a page
shows, CSV rows, the results table and the smoke test's verdict on a report.

Running the harness itself (servers, wrk, Datasette) is `bench/smoke.py`, which `make bench`
and `.ci/run` run; it is not part of `make test`.
"""

from __future__ import annotations

import copy
import json
import re
import urllib.parse
from pathlib import Path

import pytest

from bench import compare, harness, smoke

RESULT = {
    "requests": 812,
    "seconds": 2.004,
    "requests_per_s": 405.19,
    "p50_ms": 4.21,
    "p90_ms": 7.5,
    "p99_ms": 19.02,
    "max_ms": 31.4,
    "bytes": 10_485_760,
    "errors": {"connect": 0, "read": 0, "write": 0, "timeout": 0, "status": 0},
}
WRK_OUTPUT = """Running 2s test @ http://127.0.0.1:41234/projects/
  2 threads and 2 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     4.93ms    2.10ms  31.40ms   90.12%
  812 requests in 2.00s, 10.00MB read
Requests/sec:    405.19
RESULT {"requests": 812, "seconds": 2.004, "requests_per_s": 405.19, "p50_ms": 4.21, \
"p90_ms": 7.50, "p99_ms": 19.02, "max_ms": 31.40, "bytes": 10485760, "errors": {"connect": 0, \
"read": 0, "write": 0, "timeout": 0, "status": 0}}
"""


# --- wrk ----------------------------------------------------------------------------------------
def test_the_result_line_is_read_from_wrks_output():
    assert harness.parse_result(WRK_OUTPUT) == RESULT


def test_output_without_a_result_line_is_an_error_that_shows_it():
    with pytest.raises(RuntimeError, match="(?s)no RESULT line.*Requests/sec"):
        harness.parse_result(WRK_OUTPUT.split("RESULT")[0])


def test_the_lua_script_prints_json_with_the_fields_the_harness_reads():
    """The done() format string, filled in as Lua's string.format would, is the JSON that
    parse_result reads, with every field compare.py and the smoke test use."""
    lua = harness.WRK_RESULT_LUA
    format_string = "".join(re.findall(r"'([^']*)'", lua.split("string.format(", 1)[1]))
    assert format_string.endswith("\\n")
    values = (812, 2.004, 405.19, 4.21, 7.5, 19.02, 31.4, 10_485_760, 0, 0, 0, 0, 3)
    line = format_string.removesuffix("\\n") % values
    assert line.startswith("RESULT {")
    result = harness.parse_result(line)
    assert result["requests"] == 812 and result["requests_per_s"] == 405.19
    assert result["errors"] == {"connect": 0, "read": 0, "write": 0, "timeout": 0, "status": 3}
    assert {"p50_ms", "p99_ms", "max_ms"} <= set(result)
    assert compare.errors(result) == 3


def test_wrk_runs_whole_seconds_with_latency_and_the_script():
    script = Path("/tmp/result.lua")
    command = harness.wrk_command("http://127.0.0.1:1/x", script=script, duration=2.4)
    assert command[0] == "wrk" and command[-1] == "http://127.0.0.1:1/x"
    assert command[command.index("-d") + 1] == "2s"
    assert command[command.index("-s") + 1] == str(script)
    assert "--latency" in command
    short = harness.wrk_command("http://127.0.0.1:1/x", script=script, duration=0.2)
    assert short[short.index("-d") + 1] == "1s"


# --- what the pages show ------------------------------------------------------------------------
def test_integers_are_read_grouped_or_not_and_without_markup():
    html = (
        "<td>17 207 538</td><td>17,207,538</td><td>1\u00a0234</td><td>5\u202f000</td>"
        '<span data-x="99">812</span> projekt'
    ).encode()
    assert compare.integers_in(html) == {17_207_538, 1_234, 5_000, 812}


def test_csv_rows_count_data_rows_in_either_dialect():
    comma = b'diary,name\n2020/1,"two\nlines"\n2020/2,b\n'
    semicolon = "\ufeffdiary;name\n2020/1;a\n".encode()
    assert compare.csv_rows(comma) == 2
    assert compare.csv_rows(semicolon) == 1


def test_a_mismatch_names_both_sides():
    compare.expect_equal("projects", 3, 3)
    with pytest.raises(compare.Mismatch, match="projects: portal 3, Datasette 4"):
        compare.expect_equal("projects", 3, 4)


def test_datasette_is_asked_for_the_portals_facets_sort_and_filters():
    pages = {page.key: page for page in compare.pages()}
    assert set(pages) == smoke.PAGES
    for key in ("list", "filtered", "search"):
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(pages[key].datasette).query)
        assert sorted(query["_facet"]) == sorted(compare.FACETS.values()), key
        assert query["_sort_desc"] == ["start_date"], key
    filtered = urllib.parse.parse_qs(urllib.parse.urlsplit(pages["filtered"].datasette).query)
    assert filtered["region_code"] == [compare.REGION]
    assert filtered["programme_area_code"] == [compare.PROGRAMME_AREA]
    assert pages["filtered"].query in pages["filtered"].portal


# --- the report ---------------------------------------------------------------------------------
def report(**changes) -> dict:
    """A compare.py report of a smoke run where everything went well."""
    pages = []
    for key in sorted(smoke.PAGES):
        results = {tool: copy.deepcopy(RESULT) for tool in smoke.TOOLS}
        pages.append(
            {
                "page": key,
                "title": f"page {key}",
                "checks": {"projects": 500},
                "results": results,
                "ratios": {"portal": 1.5, "portal-nocache": 0.5},
                "ratio": 1.5,
            }
        )
    data = {
        "n": 500,
        "machine": {"cores": 2, "datasette": "0.65.1"},
        "tools": list(smoke.TOOLS),
        "pages": pages,
    }
    data.update(changes)
    return data


def test_a_good_smoke_report_has_no_problems():
    assert smoke.problems(report(), 500) == []


def test_the_smoke_test_reports_what_went_wrong():
    broken = report()
    broken["pages"][0]["results"]["datasette"]["errors"]["status"] = 7
    broken["pages"][1]["results"]["portal"]["requests"] = 0
    del broken["pages"][2]["results"]["portal-nocache"]
    broken["pages"][3]["checks"] = {}
    broken["pages"][4]["ratio"] = None
    first, second, third, fourth, fifth = (page["page"] for page in broken["pages"])
    assert smoke.problems(broken, 500) == [
        f"{first}: datasette had 7 errors {broken['pages'][0]['results']['datasette']['errors']}",
        f"{second}: portal finished no request",
        f"{third}: portal-nocache not measured",
        f"{fourth}: no checks of the numbers both tools show",
        f"{fifth}: no portal/Datasette ratio",
    ]


def test_the_smoke_test_wants_every_page_and_the_machine_facts():
    partial = report(machine={"cores": 0})
    partial["pages"] = partial["pages"][:2]
    problems = smoke.problems(partial, 600)
    assert problems[:3] == [
        "500 projects in the report, not 600",
        "no core count in the machine facts",
        "no Datasette version in the machine facts",
    ]
    assert problems[3].startswith("pages ") and len(problems) == 4


def test_the_table_has_a_row_per_page_and_marks_disturbed_runs():
    data = report()
    data["pages"][0]["ratios"]["portal"] = None
    data["pages"][1]["results"]["portal"]["disturbed"] = True
    lines = compare.table(data).splitlines()
    assert len(lines) == 2 + len(smoke.PAGES) + 1
    assert "portal req/s" in lines[0] and "datasette req/s" in lines[0]
    assert "n/a" in lines[2] and lines[2].startswith(data["pages"][0]["title"])
    assert lines[3].endswith(" *") and "405.2" in lines[3]
    assert lines[-1].startswith("* other processes used the CPU")
    json.dumps(data)  # the same report is what compare.py writes as JSON
