"""Smoke test of bench/compare.py: 500 projects, 2 s of wrk per URL, portal beside Datasette.

The harness runs in a subprocess against a throw-away SQLite file in tmp_path (its own
DATABASE_URL), so it never touches the test database. Needs wrk and the `bench` extra
(datasette, sqlite-utils): skipped without them, unless ESF_REQUIRE_BENCH=1 makes it fail.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = {"list", "filtered", "search", "dashboard", "csv"}


def missing_tools() -> list[str]:
    missing = []
    if not shutil.which("wrk"):
        missing.append("wrk (apt-get install wrk)")
    probe = subprocess.run(
        [sys.executable, "-c", "import datasette, sqlite_utils"], capture_output=True
    )
    if probe.returncode != 0:
        missing.append('datasette and sqlite-utils (pip install -e ".[bench]")')
    return missing


def test_compare_measures_every_page_on_both_tools(tmp_path: Path) -> None:
    if missing := missing_tools():
        message = f"bench/compare.py needs {' and '.join(missing)}"
        if os.environ.get("ESF_REQUIRE_BENCH") == "1":
            pytest.fail(message)
        pytest.skip(message)
    output = tmp_path / "results" / "latest.json"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'bench.sqlite3'}"}
    env.pop("BENCH_N", None)
    command = [sys.executable, "bench/compare.py", "--projects", "500", "--quick"]
    process = subprocess.Popen(
        [*command, "--output", str(output)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        log, _ = process.communicate(timeout=300)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGTERM)  # the harness stops its servers on SIGTERM
        log, _ = process.communicate(timeout=90)
        pytest.fail(f"bench/compare.py took over 300 s:\n{log}")
    assert process.returncode == 0, log

    report = json.loads(output.read_text())
    assert report["n"] == 500
    assert report["machine"]["cores"] >= 1
    assert report["machine"]["datasette"]
    assert {page["page"] for page in report["pages"]} == PAGES
    for page in report["pages"]:
        assert page["checks"], page["page"]
        for tool in ("portal", "portal-nocache", "datasette"):
            result = page["results"][tool]
            assert result["requests_per_s"] > 0, (page["page"], tool, log)
            assert result["requests"] > 0, (page["page"], tool)
            assert sum(result["errors"].values()) == 0, (page["page"], tool, result["errors"])
        assert page["ratio"] > 0
