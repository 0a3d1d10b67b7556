"""Smoke test of bench/compare.py: 500 projects, 2 s of wrk per URL, portal beside Datasette.

    .venv/bin/python bench/smoke.py        # make bench runs it first, .ci/run after the tests

The harness runs in a subprocess against a throw-away SQLite file in a temporary folder (its
own DATABASE_URL), so it never touches another database, and writes its report there. Needs
wrk and the `bench` extra (datasette, sqlite-utils). Exits 0 when every page was checked and
measured on every server without an error; 1 with what went wrong; 2 when a tool is missing.
`tests/test_bench_harness.py` tests `problems` and the harness's other pure parts.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = {"list", "filtered", "search", "dashboard", "csv"}
TOOLS = ("portal", "portal-nocache", "datasette")


def missing_tools() -> list[str]:
    """The tools the harness needs that this machine or this Python lacks."""
    missing = []
    if not shutil.which("wrk"):
        missing.append("wrk (apt-get install wrk)")
    probe = subprocess.run(
        [sys.executable, "-c", "import datasette, sqlite_utils"], capture_output=True
    )
    if probe.returncode != 0:
        missing.append('datasette and sqlite-utils (pip install -e ".[bench]")')
    return missing


def problems(report: dict, projects: int) -> list[str]:
    """What is wrong with a compare.py report of a run over `projects` projects; empty if
    nothing: every page checked, each tool measured with requests and without errors."""
    found = []
    if report.get("n") != projects:
        found.append(f"{report.get('n')} projects in the report, not {projects}")
    if report.get("machine", {}).get("cores", 0) < 1:
        found.append("no core count in the machine facts")
    if not report.get("machine", {}).get("datasette"):
        found.append("no Datasette version in the machine facts")
    measured = {page.get("page") for page in report.get("pages", [])}
    if measured != PAGES:
        found.append(f"pages {sorted(measured, key=str)}, not {sorted(PAGES)}")
    for page in report.get("pages", []):
        name = page.get("page")
        if not page.get("checks"):
            found.append(f"{name}: no checks of the numbers both tools show")
        for tool in TOOLS:
            result = page.get("results", {}).get(tool)
            if result is None:
                found.append(f"{name}: {tool} not measured")
                continue
            if not result.get("requests", 0) > 0 or not result.get("requests_per_s", 0) > 0:
                found.append(f"{name}: {tool} finished no request")
            if errors := sum(result.get("errors", {}).values()):
                found.append(f"{name}: {tool} had {errors} errors {result['errors']}")
        if not (page.get("ratio") or 0) > 0:
            found.append(f"{name}: no portal/Datasette ratio")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=500, help="demo projects (500)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds for the whole run")
    args = parser.parse_args()
    if missing := missing_tools():
        print(f"bench/compare.py needs {' and '.join(missing)}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="esf-bench-smoke-") as workdir:
        output = Path(workdir) / "latest.json"
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{Path(workdir) / 'bench.sqlite3'}"}
        env.pop("BENCH_N", None)
        command = [sys.executable, "bench/compare.py", "--projects", str(args.projects)]
        process = subprocess.Popen(
            [*command, "--quick", "--output", str(output)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            log, _ = process.communicate(timeout=args.timeout)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGTERM)  # the harness stops its servers on SIGTERM
            log, _ = process.communicate(timeout=90)
            print(f"{log}\nbench/compare.py took over {args.timeout:g} s", file=sys.stderr)
            return 1
        print(log, end="")
        if process.returncode != 0:
            print(f"bench/compare.py exited {process.returncode}", file=sys.stderr)
            return 1
        found = problems(json.loads(output.read_text()), args.projects)
    for problem in found:
        print(f"smoke: {problem}", file=sys.stderr)
    if not found:
        print(f"smoke: {len(PAGES)} pages measured on {', '.join(TOOLS)}, no errors")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
