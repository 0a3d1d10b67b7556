"""Cache misses: distinct realistic addresses, each asked once, the portal beside Datasette.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/esfportal_cmp
    .venv/bin/python bench/misses.py                    # make bench runs it after compare.py
    .venv/bin/python bench/misses.py --skip-generate    # the projects compare.py left there

County officials mostly ask for filter combinations nobody asked for since the last registry
change, and every decision entered empties the page cache. This measures that case: `--lists`
list addresses and `--dashboards` dashboard addresses (default 300 and 100), drawn at random
(`--seed`) from realistic combinations of programme, region, county, programme area, specific
objective, intervention type, status, start-year and ESF-grant ranges, sort order and Swedish
search words, every one different. Each address is requested exactly once per server by
`--clients` concurrent clients (default 8, keep-alive connections), first from the portal
(gunicorn with the production settings and cache, started with an empty cache) and then from
Datasette asked for the same set (the list with the portal's six facets and 50 rows, the
dashboard as the one GROUP BY region behind its region table, with the same filter as SQL).

Prints median, p90, p99 and maximum latency, requests per second, errors (timeouts and answers
other than 200) and the CPU seconds other processes used meanwhile, and writes them as JSON
(`--output`, default bench/results/misses.json, or misses-n<N>.json for another size).
Fill and compact as compare.py does, unless `--skip-generate`. `--quick` (20 + 10 addresses,
2 clients) is the smoke test's run.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import datetime
import http.client
import json
import os
import random
import shutil
import statistics
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import flat_export  # noqa: E402
from bench.compare import (  # noqa: E402
    DASHBOARD_SQL,
    DB_NAME,
    DISTURBED,
    compact,
    fill,
    start_datasette,
    start_run,
    table_url,
)
from bench.harness import (  # noqa: E402
    ForeignCpu,
    Server,
    manage,
    start_gunicorn,
    wait_ready,
)

RESULTS = ROOT / "bench" / "results"
# Words of the demo projects' names and descriptions, as a county official would type them.
SEARCH_WORDS = [
    "arbetsmarknad",
    "kompetens",
    "unga",
    "etablering",
    "nyanlända",
    "försörjning",
    "digital",
    "omställning",
    "funktionsnedsättning",
    "vård",
    "industrin",
    "studerar",
]
# The portal's sort keys (filters.SORT_FIELDS) → the flat table's columns.
SORTS = {
    "start": "start_date",
    "end": "end_date",
    "budget": "total_budget",
    "grant": "esf_grant",
    "participants": "planned_participants",
    "name": "name",
}
STATUSES = ("upcoming", "ongoing", "finished")
# The list's filters → the flat table's columns (a list's several choices are OR-ed).
COLUMNS = {
    "programme": "programme",
    "region": "region_code",
    "county": "county_code",
    "programme_area": "programme_area_code",
    "specific_objective": "specific_objective_code",
    "intervention_field": "intervention_code",
}


@dataclass
class Codes:
    """The code lists the addresses draw from, as (code, parent code) pairs."""

    programmes: list[str]
    regions: list[str]
    counties: list[tuple[str, str]]  # (county, region)
    areas: list[tuple[str, str]]  # (area, programme)
    objectives: list[tuple[str, str]]  # (objective, area)
    interventions: list[tuple[str, str]]  # (intervention, programme)
    years: tuple[int, int] = (2015, 2026)


def load_codes() -> Codes:
    """The registry's code lists (Django set up)."""
    from projects.models import (
        County,
        InterventionField,
        Programme,
        ProgrammeArea,
        Region,
        SpecificObjective,
    )

    return Codes(
        programmes=list(Programme.objects.values_list("period", flat=True)),
        regions=list(Region.objects.filter(is_national=False).values_list("code", flat=True)),
        counties=list(County.objects.values_list("code", "region__code")),
        areas=list(ProgrammeArea.objects.values_list("code", "programme__period")),
        objectives=list(SpecificObjective.objects.values_list("code", "programme_area__code")),
        interventions=list(InterventionField.objects.values_list("code", "programme__period")),
    )


def random_filter(rng: random.Random, codes: Codes, *, sortable: bool) -> list[tuple[str, str]]:
    """One realistic combination of the list's parameters (possibly none)."""
    params: list[tuple[str, str]] = []
    programme = rng.choice(codes.programmes) if rng.random() < 0.35 else None
    if programme:
        params.append(("programme", programme))
    regions = rng.sample(codes.regions, rng.choice([1, 1, 1, 2])) if rng.random() < 0.4 else []
    params += [("region", code) for code in sorted(regions)]
    counties = [c for c, region in codes.counties if not regions or region in regions]
    if counties and rng.random() < (0.45 if regions else 0.2):
        params += [("county", code) for code in sorted(rng.sample(counties, 1))]
    areas = sorted({a for a, p in codes.areas if not programme or p == programme})
    area = rng.choice(areas) if areas and rng.random() < 0.3 else None
    if area:
        params.append(("programme_area", area))
        objectives = sorted({o for o, a in codes.objectives if a == area})
        if objectives and rng.random() < 0.4:
            params.append(("specific_objective", rng.choice(objectives)))
    interventions = sorted({i for i, p in codes.interventions if not programme or p == programme})
    if interventions and rng.random() < 0.1:
        params.append(("intervention_field", rng.choice(interventions)))
    if rng.random() < 0.25:
        params.append(("status", rng.choice(STATUSES)))
    if rng.random() < 0.25:
        first = rng.randint(*codes.years)
        last = rng.randint(first, codes.years[1])
        params += [("start_year_min", str(first)), ("start_year_max", str(last))]
    if rng.random() < 0.15:
        params.append(
            ("esf_grant_min", str(rng.choice([500_000, 1_000_000, 2_000_000, 5_000_000])))
        )
    if rng.random() < 0.3:
        params.append(("q", rng.choice(SEARCH_WORDS)))
    if sortable and rng.random() < 0.4:
        key = rng.choice(list(SORTS))
        params.append(("sort", rng.choice([key, f"-{key}"])))
    return params


def datasette_filter(params: list[tuple[str, str]], today: datetime.date) -> list[tuple[str, str]]:
    """The same filter as Datasette's table parameters."""
    result: list[tuple[str, str]] = []
    chosen: dict[str, list[str]] = {}
    for key, value in params:
        chosen.setdefault(key, []).append(value)
    for key, column in COLUMNS.items():
        if values := chosen.get(key):
            result.append((f"{column}__in", ",".join(values)))
    iso = today.isoformat()
    status = (chosen.get("status") or [""])[0]
    if status == "upcoming":
        result.append(("start_date__gt", iso))
    elif status == "ongoing":
        result += [("start_date__lte", iso), ("end_date__gte", iso)]
    elif status == "finished":
        result.append(("end_date__lt", iso))
    if first := chosen.get("start_year_min"):
        result.append(("start_date__gte", f"{first[0]}-01-01"))
    if last := chosen.get("start_year_max"):
        result.append(("start_date__lte", f"{last[0]}-12-31"))
    if grant := chosen.get("esf_grant_min"):
        result.append(("esf_grant__gte", grant[0]))
    if words := chosen.get("q"):
        result += [("_search", f"{words[0]}*"), ("_searchmode", "raw")]
    return result


def datasette_list(params: list[tuple[str, str]], today: datetime.date) -> str:
    """Datasette's table page for the list's parameters, with the portal's facets and sort."""
    url = table_url(datasette_filter(params, today))
    sort = dict(params).get("sort")
    if sort:  # the portal's order instead of table_url's start date
        column = SORTS[sort.lstrip("-")]
        url = url.replace(
            "_sort_desc=start_date", f"_sort{'_desc' if sort[0] == '-' else ''}={column}"
        )
    return url


def datasette_grouped(params: list[tuple[str, str]], today: datetime.date) -> str:
    """Datasette's SQL page: the dashboard's GROUP BY region over the same filtered set."""
    where, args = [], {}
    for index, (key, value) in enumerate(datasette_filter(params, today)):
        column, _, operator = key.partition("__")
        name = f"p{index}"
        if key == "_search":
            where.append(
                f"rowid in (select rowid from {flat_export.TABLE}_fts "
                f"where {flat_export.TABLE}_fts match :{name})"
            )
        elif key.startswith("_"):
            continue
        elif operator == "in":
            names = [f"{name}_{i}" for i in range(len(value.split(",")))]
            where.append(f"{column} in ({', '.join(':' + n for n in names)})")
            args.update(zip(names, value.split(","), strict=True))
            continue
        else:
            sql_operator = {"gt": ">", "gte": ">=", "lt": "<", "lte": "<="}[operator]
            where.append(f"{column} {sql_operator} :{name}")
        args[name] = value
    sql = " ".join(DASHBOARD_SQL.split())
    if where:
        sql = sql.replace(" group by ", f" where {' and '.join(where)} group by ", 1)
    return f"/{DB_NAME}?" + urllib.parse.urlencode({"sql": sql, **args})


@dataclass(frozen=True)
class Address:
    kind: str  # "list" or "dashboard"
    portal: str
    datasette: str


def addresses(
    codes: Codes, *, lists: int, dashboards: int, seed: int, today: datetime.date
) -> list[Address]:
    """`lists` + `dashboards` distinct addresses, the same for a seed and code lists."""
    rng = random.Random(seed)
    result: list[Address] = []
    for kind, count, path in (
        ("list", lists, "/projects/"),
        ("dashboard", dashboards, "/dashboard/"),
    ):
        seen: set[str] = set()
        attempts = 0
        while len(seen) < count and attempts < count * 100:
            attempts += 1
            params = random_filter(rng, codes, sortable=kind == "list")
            portal = f"{path}?{urllib.parse.urlencode(params)}" if params else path
            if portal in seen:
                continue
            seen.add(portal)
            datasette = (datasette_list if kind == "list" else datasette_grouped)(params, today)
            result.append(Address(kind, portal, datasette))
    return result


# --- measuring ----------------------------------------------------------------------------------
@dataclass
class Run:
    """Latencies (ms) of the requests that answered 200, and the others' outcomes."""

    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    wall_s: float = 0.0
    foreign_cpu_s: float = 0.0

    def summary(self, cores: int) -> dict:
        ordered = sorted(self.latencies)

        def percentile(share: float) -> float:
            if not ordered:
                return 0.0
            return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))], 1)

        requests = len(ordered) + sum(self.errors.values())
        return {
            "requests": requests,
            "ok": len(ordered),
            "errors": self.errors,
            "requests_per_s": round(len(ordered) / self.wall_s, 2) if self.wall_s else 0.0,
            "p50_ms": round(statistics.median(ordered), 1) if ordered else 0.0,
            "p90_ms": percentile(0.90),
            "p99_ms": percentile(0.99),
            "max_ms": round(ordered[-1], 1) if ordered else 0.0,
            "wall_s": round(self.wall_s, 1),
            "foreign_cpu_s": round(self.foreign_cpu_s, 1),
            "disturbed": self.foreign_cpu_s > DISTURBED * cores * self.wall_s,
        }


def request_all(
    base: str, paths: list[str], *, clients: int, timeout: float, database: str = ""
) -> Run:
    """Each path once, `clients` at a time, each client on its own keep-alive connection."""
    parsed = urllib.parse.urlsplit(base)
    local = threading.local()
    run = Run()
    lock = threading.Lock()

    def one(path: str) -> None:
        connection = getattr(local, "connection", None)
        if connection is None:
            connection = local.connection = http.client.HTTPConnection(
                parsed.hostname, parsed.port, timeout=timeout
            )
        started = time.perf_counter()
        try:
            connection.request("GET", path, headers={"Accept-Encoding": "gzip"})
            response = connection.getresponse()
            response.read()
            outcome = "" if response.status == 200 else str(response.status)
        except (OSError, http.client.HTTPException) as error:
            outcome = "timeout" if isinstance(error, TimeoutError) else type(error).__name__
            connection.close()
            local.connection = None
        elapsed = (time.perf_counter() - started) * 1000
        with lock:
            if outcome:
                run.errors[outcome] = run.errors.get(outcome, 0) + 1
            else:
                run.latencies.append(elapsed)

    foreign = ForeignCpu(database)
    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(clients) as pool:
        list(pool.map(one, paths))
    run.wall_s = time.perf_counter() - started
    run.foreign_cpu_s = foreign.seconds()
    return run


def table(report: dict) -> str:
    """The results as a fixed-width text table, one line per page kind and tool."""
    head = (
        f"{'page':<10} {'tool':<10} {'req/s':>7} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8}"
        f" {'max ms':>8} {'errors':>6} {'other CPU s':>11} {'portal ÷ ds':>11}"
    )
    lines = [head, "-" * len(head)]
    for kind, tools in report["results"].items():
        ratio = report["ratios"].get(kind)
        for tool, result in tools.items():
            errors = sum(result["errors"].values())
            shown = f"{ratio:.2f}×" if tool == "portal" and ratio is not None else ""
            lines.append(
                f"{kind:<10} {tool:<10} {result['requests_per_s']:>7.1f} {result['p50_ms']:>8.1f}"
                f" {result['p90_ms']:>8.1f} {result['p99_ms']:>8.1f} {result['max_ms']:>8.1f}"
                f" {errors:>6d} {result['foreign_cpu_s']:>11.1f} {shown:>11}"
                + (" *" if result["disturbed"] else "")
            )
    if any(r["disturbed"] for tools in report["results"].values() for r in tools.values()):
        lines.append("* other processes used the CPU during this measurement: run it again")
    return "\n".join(lines)


def ratios(results: dict) -> dict:
    """Portal ÷ Datasette requests per second, per page kind (None where Datasette did none)."""
    return {
        kind: round(tools["portal"]["requests_per_s"] / tools["datasette"]["requests_per_s"], 2)
        if tools["datasette"]["requests_per_s"]
        else None
        for kind, tools in results.items()
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=int(os.environ.get("BENCH_N") or 100_000))
    parser.add_argument("--lists", type=int, help="list addresses (default 300)")
    parser.add_argument("--dashboards", type=int, help="dashboard addresses (default 100)")
    parser.add_argument("--clients", type=int, help="concurrent clients (default 8)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=60, help="seconds per request")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn processes")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per process")
    parser.add_argument("--skip-generate", action="store_true")
    parser.add_argument("--quick", action="store_true", help="20 + 10 addresses, 2 clients")
    parser.add_argument("--output", type=Path)
    args = parser.parse_args()
    lists = args.lists or (20 if args.quick else 300)
    dashboards = args.dashboards or (10 if args.quick else 100)
    clients = args.clients or (2 if args.quick else 8)
    workdir, env = start_run("esf-misses-")
    from django.db import connection

    from projects.models import Project

    with contextlib.ExitStack() as stack:
        stack.callback(shutil.rmtree, workdir, ignore_errors=True)
        if not args.skip_generate:
            fill(env, args.projects)
        compact()
        count = Project.objects.count()
        today = datetime.date.today()
        codes = load_codes()
        wanted = addresses(codes, lists=lists, dashboards=dashboards, seed=args.seed, today=today)
        manage("collectstatic", "--no-input", "-v0", env=env)
        export_path = workdir / f"{DB_NAME}.db"
        flat_export.export(export_path)
        database = connection.settings_dict["NAME"] if connection.vendor == "postgresql" else ""
        connection.close()
        portal = start_gunicorn(
            env, workdir=workdir, workers=args.workers, threads=args.threads, name="portal"
        )
        stack.callback(portal.stop)
        datasette = start_datasette(export_path, workdir)
        stack.callback(datasette.stop)
        wait_ready(portal)
        wait_ready(datasette, "/-/versions.json")
        # every worker compiles its templates and loads the code lists on addresses that no
        # measured one repeats (an upper bound the generator never sets)
        warm = 2 * args.workers * args.threads
        request_all(
            portal.base,
            [f"/projects/?esf_grant_max={10**9 + n}" for n in range(warm)]
            + [f"/dashboard/?esf_grant_max={10**9 + n}" for n in range(warm)],
            clients=clients,
            timeout=120,
        )
        request_all(datasette.base, [f"/{DB_NAME}"] * warm, clients=clients, timeout=120)
        cores = os.cpu_count() or 1
        results: dict[str, dict] = {}
        servers: dict[str, Server] = {"portal": portal, "datasette": datasette}
        for kind in ("list", "dashboard"):
            chosen = [a for a in wanted if a.kind == kind]
            results[kind] = {}
            for name, server in servers.items():
                paths = [getattr(a, name) for a in chosen]
                run = request_all(
                    server.base,
                    paths,
                    clients=clients,
                    timeout=args.timeout,
                    database=database if name == "portal" else "",
                )
                results[kind][name] = run.summary(cores)
                print(f"{kind} {name}: {results[kind][name]}", flush=True)
        report = {
            "n": count,
            "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
            "database": connection.vendor,
            "settings": {
                "lists": lists,
                "dashboards": dashboards,
                "clients": clients,
                "seed": args.seed,
                "timeout_s": args.timeout,
                "gunicorn": f"{args.workers} workers × {args.threads} threads (gthread)",
                "cores": cores,
            },
            "results": results,
            "ratios": ratios(results),
            "addresses": [a.portal for a in wanted[:5]],
        }
    output = args.output or RESULTS / (
        "misses.json" if count == 100_000 else f"misses-n{count}.json"
    )
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(table(report))
    # the portal must answer every address; Datasette may time out at a million projects
    failed = sum(sum(tools["portal"]["errors"].values()) for tools in results.values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
