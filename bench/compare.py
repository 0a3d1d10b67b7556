"""The portal beside Datasette: the same projects, comparable pages, wrk against each in turn.

    createdb -h 127.0.0.1 -U postgres esfportal_cmp
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/esfportal_cmp
    .venv/bin/python bench/compare.py                  # or: make bench (BENCH_N=1000000 …)

One run: migrate and fill DATABASE_URL's database with N demo projects (`--projects`, default
BENCH_N or 100 000; then VACUUM FULL and ANALYZE), optionally also a SQLite file for the
embedded default (`--sqlite`, measured as a third server); export the same projects into one
flat SQLite table with full-text search and an index per facet column; start gunicorn
(production settings, 3 workers) twice and Datasette, on free 127.0.0.1 ports; check that each page
answers 200 and that both tools count the same projects; warm every worker up with as many
requests at once as wrk has connections; then wrk, `--duration` seconds per URL and tool,
`--connections` connections, 2 threads, and a pause as long as the slowest request before the
next URL. Prints one table and writes it as JSON (`--output`, default
bench/results/latest.json). Servers stop at the end, on an error and on Ctrl-C. `--quick` (2 s
per URL, 2 connections) is the smoke test's run.

The two portal servers: `portal` has the production cache (CACHE_URL=file://…, shared by the
workers), so a repeated address is one cache read; `portal-nocache` runs with Django's dummy
cache (bench/settings_nocache.py), so every request computes its whole page, as after a
registry change or for an address no one asked for before. Datasette caches nothing.

On the lists both tools do the same work: the portal's list computes six facets (programme, region,
programme area, specific objective, intervention type, legal form) and sorts by start date, so the
Datasette URLs ask for the same six facets, the same sort and the same 50 rows per page. The
portal's search stems Swedish words and matches them as prefixes (`arbetsmarknad` finds
`arbetsmarknaden`); SQLite's full-text search has no Swedish stemmer, so Datasette gets the
prefix query `arbetsmarknad*`, which finds the same projects. Datasette's CSV streams in its
own order (rowid): with `_sort_desc=start_date` its streamed CSV (0.65.5) lost and repeated rows
where start dates tie, so the check of the row count below failed. The dashboard is not equal
work: the portal runs five GROUP BY queries and builds a dozen charts, Datasette runs the one
GROUP BY whose numbers the dashboard's region table shows (checked to be the same).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import csv
import datetime
import io
import json
import os
import platform
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import flat_export  # noqa: E402
from bench.harness import (  # noqa: E402
    HOST,
    WRK_RESULT_LUA,
    ForeignCpu,
    Server,
    fetch_ok,
    free_port,
    manage,
    production_env,
    require_wrk,
    run_wrk,
    start,
    start_gunicorn,
    wait_ready,
)

DB_NAME = "esf"
# A measurement during which other processes used more than this share of all cores' time is
# marked as disturbed (the machine is shared: another test run or benchmark skews it).
DISTURBED = 0.05
DEFAULT_OUTPUT = ROOT / "bench" / "results" / "latest.json"
# The portal's facets (queries.FACET_KEYS and the legal form) → the flat table's columns.
FACETS = {
    "programme": "programme",
    "region": "region_code",
    "programme_area": "programme_area_code",
    "specific_objective": "specific_objective_code",
    "intervention_field": "intervention_code",
    "legal_form": "owner_legal_form",
}
REGION = "SE21"
PROGRAMME_AREA = "2"
SEARCH = "arbetsmarknad"
PAGE_SIZE = 50  # the portal's DEFAULT_PAGE_SIZE
DATASETTE_SETTINGS = {
    # generous limits, so that no count or facet is dropped for taking long
    "sql_time_limit_ms": "60000",
    "facet_time_limit_ms": "60000",
    # the portal suggests no facets; asking SQLite for suggestions would be extra work
    "suggest_facets": "off",
    "default_page_size": str(PAGE_SIZE),
    "max_csv_mb": "0",
    # every choice of a facet, as the portal lists them (53 intervention types in two periods)
    "default_facet_size": "100",
}
DASHBOARD_SQL = f"""select region_code, region_name, count(*) as projects,
  coalesce(sum(esf_grant), 0) as esf_grant, coalesce(sum(total_budget), 0) as total_budget,
  coalesce(sum(planned_participants), 0) as participants,
  coalesce(sum(participant_goal), 0) as participant_goal
from {flat_export.TABLE} group by region_code, region_name order by esf_grant desc"""


@dataclass
class Page:
    """One comparable pair of URLs; `query` is the portal's filter, checked on both sides."""

    key: str
    title: str
    portal: str
    datasette: str
    query: str = ""
    checks: dict = field(default_factory=dict)


def table_url(params: list[tuple[str, str]]) -> str:
    """Datasette's table page with `params`, the portal's facets and its sort."""
    facets = [("_facet", column) for column in FACETS.values()]
    query = urllib.parse.urlencode([*params, *facets, ("_sort_desc", "start_date")])
    return f"/{DB_NAME}/{flat_export.TABLE}?{query}"


def pages() -> list[Page]:
    """The five pairs of URLs, in the order they are measured."""
    sql = urllib.parse.urlencode({"sql": " ".join(DASHBOARD_SQL.split())})
    filtered = [("region_code", REGION), ("programme_area_code", PROGRAMME_AREA)]
    return [
        Page("list", "list, unfiltered, facets", "/projects/", table_url([])),
        Page(
            "filtered",
            f"list, region {REGION} + area {PROGRAMME_AREA}",
            f"/projects/?region={REGION}&programme_area={PROGRAMME_AREA}",
            table_url(filtered),
            query=f"region={REGION}&programme_area={PROGRAMME_AREA}",
        ),
        Page(
            "search",
            f"full-text search '{SEARCH}'",
            f"/projects/?q={SEARCH}",
            table_url([("_search", f"{SEARCH}*"), ("_searchmode", "raw")]),
            query=f"q={SEARCH}",
        ),
        Page("dashboard", "dashboard / GROUP BY region", "/dashboard/", f"/{DB_NAME}?{sql}"),
        Page(
            "csv",
            f"CSV, region {REGION}",
            f"/projects/export.csv?region={REGION}",
            f"/{DB_NAME}/{flat_export.TABLE}.csv?"
            + urllib.parse.urlencode(
                [("region_code", REGION), ("_stream", "on"), ("_size", "max")]
            ),
            query=f"region={REGION}",
        ),
    ]


# --- the portal's own numbers -------------------------------------------------------------------
def portal_numbers(query: str) -> dict:
    """Count and facet counts of the list for `query`, by the portal's own filter and queries."""
    from django.http import QueryDict

    from projects import queries
    from projects.filters import ProjectFilter
    from projects.models import Project

    filterset = ProjectFilter(QueryDict(query), queryset=Project.objects.all())
    projects = filterset.qs
    summary = queries.summary(projects)
    # counted inside the filtered set, as Datasette's facets are
    counts = queries.code_counts(projects, reference=filterset.reference, names=list(FACETS))
    facets = {
        column: {str(code): n for code, n in counts[name].items() if code not in ("", None)}
        for name, column in FACETS.items()
    }
    return {"count": summary["projects"], "facets": facets}


def portal_regions() -> dict[str | None, dict]:
    """The dashboard's region table (unfiltered), keyed by region code."""
    from django.http import QueryDict

    from projects import aggregates
    from projects.filters import ProjectFilter
    from projects.models import Project

    filterset = ProjectFilter(QueryDict(""), queryset=Project.objects.all())
    rows = aggregates.by_region(
        aggregates.portfolio_rows(filterset.qs), reference=filterset.reference, lang="sv"
    )
    return {
        row["region_code"]: {
            "projects": row["projects"],
            "esf_grant": row["esf_grant_sum"],
            "total_budget": row["total_budget_sum"],
            "participants": row["participants_sum"],
            "participant_goal": row["participant_goal_sum"],
        }
        for row in rows
    }


def integers_in(html: bytes) -> set[int]:
    """Every whole number a page shows, grouped or not ("17 207 538", "17,207,538", "812")."""
    text = re.sub(r"<[^>]+>", " ", html.decode("utf-8", "replace"))
    found = set()
    for match in re.finditer(r"\d{1,3}(?:[ \u00a0\u202f,]\d{3})+(?!\d)|\d+", text):
        found.add(int(re.sub(r"\D", "", match.group())))
    return found


def csv_rows(body: bytes) -> int:
    """Data rows of a CSV answer (header excluded; quoted line breaks kept in their field)."""
    text = body.decode("utf-8-sig")
    dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;")
    return sum(1 for _ in csv.reader(io.StringIO(text), dialect)) - 1


class Mismatch(RuntimeError):
    """The portal and Datasette disagree on a number: they would not be doing the same work."""


def expect_equal(what: str, portal: object, datasette: object) -> None:
    """Raise Mismatch unless both sides show the same value."""
    if portal != datasette:
        raise Mismatch(f"{what}: portal {portal!r}, Datasette {datasette!r}")


def check_page(page: Page, portals: list[Server], datasette: Server) -> dict:
    """Fetch each URL once (200 or fail) and compare the numbers both sides show."""
    bodies = {server.name: fetch_ok(server.base + page.portal) for server in portals}
    body = fetch_ok(datasette.base + page.datasette)
    if page.key == "dashboard":
        expected = portal_regions()
        query = urllib.parse.urlsplit(page.datasette).query
        data = json.loads(fetch_ok(f"{datasette.base}/{DB_NAME}.json?{query}&_shape=objects"))
        rows = {row["region_code"]: row for row in data["rows"]}
        expect_equal("regions", sorted(expected, key=str), sorted(rows, key=str))
        for code, numbers in expected.items():
            for key, value in numbers.items():
                expect_equal(f"dashboard {code} {key}", value, rows[code][key])
        for name, html in bodies.items():
            shown = integers_in(html)
            for code, numbers in expected.items():
                for key in ("projects", "esf_grant", "participants"):
                    if numbers[key] not in shown:
                        raise Mismatch(f"{name} /dashboard/ does not show {code} {key}")
        return {"regions": len(expected), "esf_grant": sum(r["esf_grant"] for r in rows.values())}
    expected = portal_numbers(page.query)
    if page.key == "csv":
        expect_equal("CSV rows", expected["count"], csv_rows(body))
        for name, text in bodies.items():
            expect_equal(f"{name} CSV rows", expected["count"], csv_rows(text))
        return {"projects": expected["count"]}
    split = urllib.parse.urlsplit(page.datasette)
    data = json.loads(fetch_ok(f"{datasette.base}{split.path}.json?{split.query}"))
    expect_equal("projects", expected["count"], data["filtered_table_rows_count"])
    expect_equal("facets timed out", [], data.get("facets_timed_out", []))
    results = data["facet_results"]
    if isinstance(results, dict) and "results" in results:  # newer JSON shape
        results = results["results"]
    for column, counts in expected["facets"].items():
        facet = results[column]
        expect_equal(f"{column} facet complete", False, facet.get("truncated", False))
        shown = {str(row["value"]): row["count"] for row in facet["results"] if row["value"] != ""}
        expect_equal(f"{column} facet", counts, shown)
    for name, html in bodies.items():
        if expected["count"] not in integers_in(html):
            raise Mismatch(f"{name} {page.portal} does not show {expected['count']} projects")
    return {"projects": expected["count"]}


def warm_up(url: str, connections: int) -> None:
    """`connections` requests at once, so that every worker has served the page once."""
    with concurrent.futures.ThreadPoolExecutor(connections) as pool:
        for body in pool.map(fetch_ok, [url] * connections):
            del body


def settle(result: dict) -> None:
    """Wait about as long as the slowest request took: requests still running when wrk
    stopped would otherwise slow down the next measurement."""
    time.sleep(min(result["max_ms"] / 1000 + 0.5, 30))


# --- preparing the data -------------------------------------------------------------------------
def fill(env: dict[str, str], projects: int) -> None:
    """Migrate, then N demo projects (replacing earlier demo rows)."""
    manage("migrate", "--no-input", "-v0", env=env)
    result = manage("generate_demo", "--projects", str(projects), "--seed", "1", env=env)
    print(result.stdout.strip())


def compact() -> None:
    """VACUUM FULL, ANALYZE and VACUUM the database in DATABASE_URL.

    generate_demo deletes the earlier demo rows; with autovacuum off (or not yet run) they would
    stay in the table as dead rows that every sequential scan reads, and the planner would have
    no statistics for the new ones.
    """
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM (FULL, ANALYZE)")
            # VACUUM FULL leaves the visibility map empty, so no scan could be index-only
            # (the dashboard's and the list's sums are); a plain VACUUM fills it, as autovacuum
            # does in production.
            cursor.execute("VACUUM")
        else:
            cursor.execute("VACUUM")
            cursor.execute("ANALYZE")


def compact_sqlite(path: Path) -> None:
    """VACUUM and ANALYZE a SQLite file (the `--sqlite` portal's)."""
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as db:
        db.execute("VACUUM")
        db.execute("ANALYZE")


# --- servers ------------------------------------------------------------------------------------
def start_datasette(path: Path, workdir: Path) -> Server:
    """Datasette on a free loopback port, the file immutable, with DATASETTE_SETTINGS."""
    port = free_port()
    command = [sys.executable, "-m", "datasette", "serve", "-i", str(path), "-h", HOST]
    command += ["-p", str(port)]
    for name, value in DATASETTE_SETTINGS.items():
        command += ["--setting", name, value]
    return start("datasette", command, port=port, env=dict(os.environ), log=workdir / "ds.log")


def datasette_available() -> bool:
    """Whether this Python has the `bench` extra (datasette and sqlite-utils)."""
    check = subprocess.run(
        [sys.executable, "-c", "import datasette, sqlite_utils"], capture_output=True
    )
    return check.returncode == 0


def start_run(prefix: str) -> tuple[Path, dict[str, str]]:
    """What a benchmark run needs before it starts: the bench extra, a DATABASE_URL, signals
    that unwind (so the servers stop), a work folder and the production environment with a file
    cache in it, Django set up on that environment. Returns the folder and the environment."""
    if not datasette_available():
        sys.exit('datasette or sqlite-utils missing: pip install -e ".[bench]"')
    if not os.environ.get("DATABASE_URL"):
        sys.exit("set DATABASE_URL to a database of its own, e.g. postgres://…/esfportal_cmp")
    # Ctrl-C (even where a shell started this with SIGINT ignored) and SIGTERM unwind the
    # caller's stack, which stops the servers.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    workdir = Path(tempfile.mkdtemp(prefix=prefix))
    env = production_env(workdir, CACHE_URL=f"file://{workdir / 'cache'}")
    os.environ.update(env)
    import django

    django.setup()
    return workdir, env


# --- facts and results --------------------------------------------------------------------------
def machine(datasette: Server) -> dict:
    """Facts of the machine and the versions measured, for the results file."""
    from django import get_version
    from django.db import connection

    memory = 0
    with contextlib.suppress(OSError):
        match = re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())
        memory = int(match.group(1)) * 1024 if match else 0
    cpu = platform.processor()
    with contextlib.suppress(OSError):
        match = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
        cpu = match.group(1).strip() if match else cpu
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0]}"
        else:
            database = f"SQLite {sqlite3.sqlite_version}"
    versions = json.loads(fetch_ok(datasette.base + "/-/versions.json"))
    wrk = subprocess.run(["wrk", "-v"], capture_output=True, text=True)
    return {
        "cores": os.cpu_count(),
        "memory_gib": round(memory / 2**30, 1),
        "cpu": cpu,
        "os": platform.platform(),
        "database": database,
        "python": platform.python_version(),
        "django": get_version(),
        "datasette": versions["datasette"]["version"],
        "datasette_sqlite": versions["sqlite"]["version"],
        "wrk": (wrk.stdout + wrk.stderr).split("Copyright")[0].strip(),
    }


def cpu_busy(seconds: float = 3) -> float:
    """Share of all cores' time spent not idle over `seconds` (Linux /proc/stat; 0 elsewhere)."""

    def sample() -> tuple[int, int]:
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
        return sum(values), values[3] + values[4]  # total, idle + iowait

    try:
        total, idle = sample()
        time.sleep(seconds)
        total2, idle2 = sample()
    except (OSError, IndexError, ValueError):
        return 0.0
    return 1 - (idle2 - idle) / max(total2 - total, 1)


def errors(result: dict) -> int:
    """Socket errors and answers with status >= 400 that wrk counted."""
    return sum(result["errors"].values())


def table(report: dict) -> str:
    """The results as a fixed-width text table."""
    tools = report["tools"]
    head = f"{'page':<34}"
    for tool in tools:
        head += f" | {tool + ' req/s':>16} {'p50 ms':>8} {'p99 ms':>8} {'err':>4}"
    portals = [tool for tool in tools if tool != "datasette"]
    for tool in portals:
        head += f" | {tool.replace('portal', 'p') + '/ds':>10}"
    lines = [head, "-" * len(head)]
    for page in report["pages"]:
        line = f"{page['title']:<34}"
        for tool in tools:
            result = page["results"][tool]
            line += (
                f" | {result['requests_per_s']:>16.1f} {result['p50_ms']:>8.1f}"
                f" {result['p99_ms']:>8.1f} {errors(result):>4d}"
            )
        for tool in portals:
            ratio = page["ratios"][tool]
            line += f" | {ratio:>10.2f}" if ratio is not None else f" | {'n/a':>10}"
        if any(result.get("disturbed") for result in page["results"].values()):
            line += " *"
        lines.append(line)
    if any(r.get("disturbed") for page in report["pages"] for r in page["results"].values()):
        lines.append("* other processes used the CPU during this measurement: run it again")
    return "\n".join(lines)


def main() -> int:
    """Fill, export, serve, check, measure, report; 1 if any measurement had errors."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--projects",
        type=int,
        default=int(os.environ.get("BENCH_N") or 100_000),
        help="demo projects (default: BENCH_N or 100000)",
    )
    parser.add_argument("--duration", type=float, help="seconds of wrk per URL (default 20)")
    parser.add_argument(
        "--quick", action="store_true", help="a smoke test: 2 s per URL, 2 connections"
    )
    parser.add_argument("--connections", type=int, help="wrk connections (default 8)")
    parser.add_argument("--wrk-threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn processes")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per process")
    parser.add_argument(
        "--sqlite", action="store_true", help="also fill and measure the portal on SQLite"
    )
    parser.add_argument(
        "--skip-generate", action="store_true", help="use the projects already in the database"
    )
    parser.add_argument("--cached-only", action="store_true", help="skip the portal without cache")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="JSON results")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (logs, data)")
    args = parser.parse_args()
    duration = args.duration or (2 if args.quick else 20)
    connections = args.connections or (2 if args.quick else 8)

    require_wrk()
    workdir, env = start_run("esf-compare-")
    from django.db import connection

    with contextlib.ExitStack() as stack:
        if not args.keep:
            stack.callback(shutil.rmtree, workdir, ignore_errors=True)
        else:
            stack.callback(print, f"work folder kept: {workdir}")
        if not args.skip_generate:
            print(f"{connection.vendor}: {args.projects} demo projects")
            fill(env, args.projects)
        started = time.perf_counter()
        compact()
        print(f"VACUUM FULL, ANALYZE: {time.perf_counter() - started:.0f} s")
        from projects.models import Project

        count = Project.objects.count()
        print(f"database {connection.settings_dict['NAME']}: {count} projects")
        portal_envs = {"portal": env}
        if not args.cached_only:
            nocache = {**env, "DJANGO_SETTINGS_MODULE": "bench.settings_nocache"}
            portal_envs["portal-nocache"] = nocache
        if args.sqlite:
            sqlite_path = workdir / "portal.sqlite3"
            portal_envs["portal-sqlite"] = {**env, "DATABASE_URL": f"sqlite:///{sqlite_path}"}
            print(f"SQLite: {args.projects} demo projects")
            fill(portal_envs["portal-sqlite"], args.projects)
            compact_sqlite(sqlite_path)
        manage("collectstatic", "--no-input", "-v0", env=env)

        started = time.perf_counter()
        export_path = workdir / f"{DB_NAME}.db"
        exported = flat_export.export(export_path)
        print(f"exported {exported} rows to SQLite in {time.perf_counter() - started:.0f} s")
        expect_equal("exported rows", count, exported)
        connection.close()

        servers: list[Server] = []
        for name, server_env in portal_envs.items():
            server = start_gunicorn(
                server_env, workdir=workdir, workers=args.workers, threads=args.threads, name=name
            )
            stack.callback(server.stop)
            servers.append(server)
        datasette = start_datasette(export_path, workdir)
        stack.callback(datasette.stop)
        for server in servers:
            wait_ready(server)
        wait_ready(datasette, "/-/versions.json")
        print(", ".join(f"{s.name} {s.base}" for s in [*servers, datasette]))

        script = workdir / "result.lua"
        script.write_text(WRK_RESULT_LUA)
        tools = [server.name for server in servers] + ["datasette"]
        report: dict = {
            "n": count,
            "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
            "machine": machine(datasette),
            "settings": {
                "duration_s": duration,
                "connections": connections,
                "wrk_threads": args.wrk_threads,
                "gunicorn": f"{args.workers} workers × {args.threads} threads (gthread)",
                "datasette": DATASETTE_SETTINGS,
            },
            "tools": tools,
            "pages": [],
        }
        database = connection.settings_dict["NAME"] if connection.vendor == "postgresql" else ""
        cores = os.cpu_count() or 1
        busy = cpu_busy()
        report["machine"]["cpu_busy_before"] = round(busy, 2)
        if busy > 0.2:
            print(f"warning: CPU {busy:.0%} busy with the servers idle: other work skews results")
        for page in pages():
            page.checks = check_page(page, servers, datasette)
            entry = {
                "page": page.key,
                "title": page.title,
                "urls": {**{s.name: page.portal for s in servers}, "datasette": page.datasette},
                "checks": page.checks,
                "results": {},
            }
            for server, path in [*((s, page.portal) for s in servers), (datasette, page.datasette)]:
                warm_up(server.base + path, connections)
                foreign = ForeignCpu(database)
                result = run_wrk(
                    server.base + path,
                    script=script,
                    duration=duration,
                    connections=connections,
                    threads=args.wrk_threads,
                )
                result["foreign_cpu_s"] = round(foreign.seconds(), 1)
                result["disturbed"] = result["foreign_cpu_s"] > DISTURBED * duration * cores
                entry["results"][server.name] = result
                settle(result)
                print(
                    f"  {page.key:<10} {server.name:<14} {result['requests_per_s']:8.1f} req/s "
                    f"p50 {result['p50_ms']:7.1f} ms  p99 {result['p99_ms']:7.1f} ms  "
                    f"errors {errors(result)}"
                    + (f"  (other processes used {result['foreign_cpu_s']} CPU s)"
                       if result["disturbed"] else "")
                )  # fmt: skip
            # None when Datasette finished no request within the duration: no finite ratio
            other = entry["results"]["datasette"]["requests_per_s"]
            entry["ratios"] = {
                s.name: round(entry["results"][s.name]["requests_per_s"] / other, 2)
                if other
                else None
                for s in servers
            }
            entry["ratio"] = entry["ratios"]["portal"]
            report["pages"].append(entry)

    print()
    print(f"{count} projects; {report['machine']['database']}, Datasette "
          f"{report['machine']['datasette']}; {duration:g} s per URL, {connections} "
          f"connections")  # fmt: skip
    print(table(report))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"written: {args.output}")
    failed = [
        f"{page['page']} {tool}"
        for page in report["pages"]
        for tool, result in page["results"].items()
        if errors(result) or result["requests"] == 0
    ]
    if failed:
        print(f"errors or no requests: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit("interrupted: servers stopped, nothing written")
