"""Smoke test of bench/compare.py (500 projects, 2 s of wrk per URL, portal beside Datasette)
and of bench/misses.py (30 distinct addresses, each asked once of each).

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
MISS_KINDS = ("list", "dashboard")
MISS_TOOLS = ("portal", "datasette")


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


def miss_problems(report: dict, projects: int) -> list[str]:
    """What is wrong with a misses.py report: every address asked of both tools, each answered
    200, and a ratio per page kind."""
    found = []
    if report.get("n") != projects:
        found.append(f"{report.get('n')} projects in the misses report, not {projects}")
    wanted = report.get("settings", {})
    for kind in MISS_KINDS:
        tools = report.get("results", {}).get(kind, {})
        expected = wanted.get("lists" if kind == "list" else "dashboards", 0)
        for tool in MISS_TOOLS:
            result = tools.get(tool)
            if result is None:
                found.append(f"misses {kind}: {tool} not measured")
                continue
            if not result.get("requests") or result.get("requests") != expected:
                found.append(
                    f"misses {kind}: {tool} asked {result.get('requests')}, not {expected}"
                )
            if errors := sum(result.get("errors", {}).values()):
                found.append(f"misses {kind}: {tool} had {errors} errors {result['errors']}")
        if not (report.get("ratios", {}).get(kind) or 0) > 0:
            found.append(f"misses {kind}: no portal/Datasette ratio")
    return found


def run(command: list[str], env: dict, timeout: float) -> tuple[int, str]:
    """A harness script's exit code and output; SIGTERM (which stops its servers) on timeout."""
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        log, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGTERM)
        log, _ = process.communicate(timeout=90)
        return 124, f"{log}\n{command[1]} took over {timeout:g} s"
    return process.returncode, log


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=500, help="demo projects (500)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds for each script")
    args = parser.parse_args()
    if missing := missing_tools():
        print(f"bench/compare.py needs {' and '.join(missing)}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="esf-bench-smoke-") as workdir:
        output = Path(workdir) / "latest.json"
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{Path(workdir) / 'bench.sqlite3'}"}
        env.pop("BENCH_N", None)
        compare = [sys.executable, "bench/compare.py", "--projects", str(args.projects)]
        code, log = run([*compare, "--quick", "--output", str(output)], env, args.timeout)
        print(log, end="")
        if code != 0:
            print(f"bench/compare.py exited {code}", file=sys.stderr)
            return 1
        found = problems(json.loads(output.read_text()), args.projects)
        # the same database again: misses.py measures the projects compare.py left there
        misses_output = Path(workdir) / "misses.json"
        misses = [sys.executable, "bench/misses.py", "--skip-generate", "--quick"]
        code, log = run([*misses, "--output", str(misses_output)], env, args.timeout)
        print(log, end="")
        if code != 0:
            print(f"bench/misses.py exited {code}", file=sys.stderr)
            return 1
        found += miss_problems(json.loads(misses_output.read_text()), args.projects)
    for problem in found:
        print(f"smoke: {problem}", file=sys.stderr)
    if not found:
        print(
            f"smoke: {len(PAGES)} pages measured on {', '.join(TOOLS)}, and distinct list and"
            " dashboard addresses on the portal and Datasette, no errors"
        )
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
