"""The benchmark harness's pure parts: wrk's command line and result line, the numbers a page
shows, CSV rows, the results table and the smoke test's verdict on a report.

Running the harness itself (servers, wrk, Datasette) is `bench/smoke.py`, which `make bench`
and `.ci/run` run; it is not part of `make test`.
"""

from __future__ import annotations

import copy
import datetime
import json
import re
import urllib.parse
from pathlib import Path

import pytest

from bench import compare, harness, misses, smoke

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


# --- cache misses (bench/misses.py) -------------------------------------------------------------
CODES = misses.Codes(
    programmes=["2014-2020", "2021-2027"],
    regions=["SE11", "SE21", "SE33"],
    counties=[("SE110", "SE11"), ("SE213", "SE21"), ("SE214", "SE21"), ("SE332", "SE33")],
    areas=[("1", "2014-2020"), ("2", "2014-2020"), ("A", "2021-2027")],
    objectives=[("1.1", "1"), ("2.1", "2"), ("A1", "A")],
    interventions=[("102", "2014-2020"), ("134", "2021-2027")],
)
TODAY = datetime.date(2026, 12, 2)


def test_miss_addresses_are_distinct_and_the_same_for_a_seed():
    first = misses.addresses(CODES, lists=120, dashboards=40, seed=3, today=TODAY)
    assert first == misses.addresses(CODES, lists=120, dashboards=40, seed=3, today=TODAY)
    assert first != misses.addresses(CODES, lists=120, dashboards=40, seed=4, today=TODAY)
    lists = [a for a in first if a.kind == "list"]
    dashboards = [a for a in first if a.kind == "dashboard"]
    assert len({a.portal for a in lists}) == 120 and len({a.portal for a in dashboards}) == 40
    assert all(a.portal.startswith("/projects/") for a in lists)
    assert all("sort=" not in a.portal for a in dashboards)
    used = {
        key
        for a in first
        for key, _ in urllib.parse.parse_qsl(urllib.parse.urlsplit(a.portal).query)
    }
    assert {"programme", "region", "county", "programme_area", "status", "q", "sort"} <= used


def test_a_county_is_drawn_within_its_region_and_an_objective_within_its_area():
    for address in misses.addresses(CODES, lists=300, dashboards=0, seed=1, today=TODAY):
        params = urllib.parse.parse_qs(urllib.parse.urlsplit(address.portal).query)
        for county in params.get("county", []):
            region = dict(CODES.counties)[county]
            assert not params.get("region") or region in params["region"]
        for objective in params.get("specific_objective", []):
            assert params["programme_area"] == [dict(CODES.objectives)[objective]]


def test_datasette_is_asked_for_the_same_filter():
    params = [
        ("region", "SE21"), ("region", "SE33"), ("county", "SE213"), ("status", "ongoing"),
        ("start_year_min", "2016"), ("start_year_max", "2018"), ("esf_grant_min", "1000000"),
        ("q", "unga"), ("sort", "-grant"),
    ]  # fmt: skip
    query = dict(
        urllib.parse.parse_qsl(urllib.parse.urlsplit(misses.datasette_list(params, TODAY)).query)
    )
    assert query["region_code__in"] == "SE21,SE33" and query["county_code__in"] == "SE213"
    assert query["start_date__lte"] == "2018-12-31" and query["start_date__gte"] == "2016-01-01"
    assert query["end_date__gte"] == "2026-12-02" and query["esf_grant__gte"] == "1000000"
    assert query["_search"] == "unga*" and query["_sort_desc"] == "esf_grant"
    assert "_sort" not in query and "start_date" not in query.get("_sort_desc", "")
    sql = dict(
        urllib.parse.parse_qsl(urllib.parse.urlsplit(misses.datasette_grouped(params, TODAY)).query)
    )
    assert "region_code in (:p0_0, :p0_1)" in sql["sql"] and "group by region_code" in sql["sql"]
    assert "projects_fts match" in sql["sql"]
    assert {sql["p0_0"], sql["p0_1"], sql["p1_0"]} == {"SE21", "SE33", "SE213"}


def miss_report() -> dict:
    result = {"requests": 20, "ok": 20, "errors": {}, "requests_per_s": 5.0}
    return {
        "n": 500,
        "settings": {"lists": 20, "dashboards": 20},
        "results": {
            kind: {"portal": dict(result), "datasette": dict(result)}
            for kind in ("list", "dashboard")
        },
        "ratios": {"list": 1.0, "dashboard": 1.0},
    }


def test_the_smoke_test_checks_the_misses_report():
    assert smoke.miss_problems(miss_report(), 500) == []
    broken = miss_report()
    broken["results"]["list"]["portal"]["errors"] = {"500": 2}
    del broken["results"]["dashboard"]["datasette"]
    broken["ratios"]["list"] = None
    assert smoke.miss_problems(broken, 500) == [
        "misses list: portal had 2 errors {'500': 2}",
        "misses list: no portal/Datasette ratio",
        "misses dashboard: datasette not measured",
    ]
