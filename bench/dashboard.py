"""Benchmark: the dashboard's database work and the whole page, on the database DATABASE_URL names.

Reads only; run it against a migrated database that already holds projects, e.g.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/esfportal_dev
    .venv/bin/python bench/dashboard.py

For each filter below it times (median of --runs runs, after one warm-up run):
- `db`: the aggregate queries of `aggregates.py` alone (what the view asks the database), and
- `cold`: the whole view through Django's test Client right after a registry change, so nothing
  is cached (reference lists, footer date, aggregates, figures, template), with its number of
  SQL queries (a text search adds the two queries of `ProjectQuerySet.search`), and
- `cached`: the same page again, its aggregates cached (`projects/caching.py`).

PostgreSQL's planner needs table statistics: on a server with autovacuum off (like a freshly
restored dump) the script says when the project table has never been analysed, because the
plans, and the timings, are then not what production sees.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "esfportal.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count, Sum  # noqa: E402
from django.http import QueryDict  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402

from projects import aggregates, caching, queries  # noqa: E402
from projects.filters import ProjectFilter  # noqa: E402
from projects.models import Project  # noqa: E402

FILTERS = {
    "everything": "",
    "one region": "region=SE33",
    "period + status": "programme=2021-2027&status=ongoing",
    "search": "q=arbete",
    "ranges": "esf_grant_min=5000000&start_year_min=2018&start_year_max=2022",
}


def database_work(query: str) -> None:
    """What the dashboard view asks the database for a query string (aggregates only)."""
    filterset = ProjectFilter(
        QueryDict(query), queryset=Project.objects.all(), reference=queries.reference_lists()
    )
    projects = filterset.qs
    if aggregates.portfolio_rows(projects):
        aggregates.distribution_rows(projects)
        aggregates.year_rows(projects)
        aggregates.decision_year_rows(projects)
        aggregates.top_organisations(projects)


def median_ms(action, runs: int) -> float:
    action()  # warm-up: connection, caches, imports
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def analysed() -> bool | None:
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT last_analyze IS NOT NULL OR last_autoanalyze IS NOT NULL "
            "FROM pg_stat_user_tables WHERE relname = %s",
            [Project._meta.db_table],
        )
        row = cursor.fetchone()
    return bool(row and row[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per case (default 5)")
    args = parser.parse_args()

    total = Project.objects.count()
    print(f"{connection.vendor}, {total:,} projects, median of {args.runs} runs")
    if analysed() is False:
        print("note: the project table has no planner statistics (never analysed)")
    # A yardstick for this machine: one plain pass over the table. The dashboard's database
    # work is a handful of such passes (five GROUP BYs), so its time scales with this one.
    one_pass = median_ms(
        lambda: Project.objects.aggregate(s=Sum("esf_grant"), n=Count("id")), args.runs
    )
    print(f"one plain pass over the project table (SUM, COUNT): {one_pass:.0f} ms")
    client = Client()
    plain_storage = {
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    }
    print(
        f"{'filter':18} {'projects':>9} {'db ms':>8} {'cold ms':>8} {'queries':>8} "
        f"{'cached':>8} {'queries':>8}"
    )
    with override_settings(
        ALLOWED_HOSTS=["testserver"], STORAGES={**django.conf.settings.STORAGES, **plain_storage}
    ):
        for name, query in FILTERS.items():
            matched = ProjectFilter(QueryDict(query), queryset=Project.objects.all()).qs.count()
            db = median_ms(lambda query=query: database_work(query), args.runs)

            def page(query=query):
                response = client.get(f"/dashboard/?{query}")
                assert response.status_code == 200, response.status_code

            def cold_page(query=query):
                caching.invalidate()  # as after a registry change: nothing cached
                page(query)

            cold_ms = median_ms(cold_page, args.runs)
            with CaptureQueriesContext(connection) as captured:
                cold_page()
            cold_queries = len(captured.captured_queries)
            cached_ms = median_ms(page, args.runs)
            with CaptureQueriesContext(connection) as captured:
                page()
            print(
                f"{name:18} {matched:>9,} {db:>8.0f} {cold_ms:>8.0f} {cold_queries:>8} "
                f"{cached_ms:>8.0f} {len(captured.captured_queries):>8}"
            )


if __name__ == "__main__":
    main()
