"""Query plans of the pages that bench/compare.py measures, into bench/results/plans.txt.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/esfportal_cmp .venv/bin/python bench/plans.py

Each portal URL of the comparison runs once through Django's test client (warm), then again
inside `CaptureQueriesContext` with the cache cleared first (the portal may keep aggregates
between requests); every captured SELECT over the projects table is then run again under
`EXPLAIN (ANALYZE, BUFFERS)` (SQLite: `EXPLAIN QUERY PLAN`). The file starts with a summary:
per query, its kind (page rows, summary aggregate, facet GROUPING SETS, dashboard GROUP BY, …),
execution time and whether it reads the whole projects table (a sequential scan).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import os
import re
import sys
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "esfportal.settings")
os.environ.setdefault("DJANGO_LOG_LEVEL", "ERROR")

DEFAULT_OUTPUT = ROOT / "bench" / "results" / "plans.txt"


@dataclass
class Plan:
    """One captured query of one page, with its plan."""

    url: str
    kind: str
    sql: str
    text: str
    milliseconds: float | None
    seq_scan: bool


COPIED = "CSV rows (COPY … TO STDOUT)"


def kind(sql: str, *, copied: bool = False) -> str:
    """What a captured query is for, from its shape (or from being a COPY's SELECT)."""
    if copied:
        return COPIED
    upper = sql.upper()
    if "GROUPING SETS" in upper:
        return "facets (GROUPING SETS)"
    if "PROJECTS_DECISION" in upper and "GROUP BY" in upper:
        return "dashboard GROUP BY (decisions per year)"
    if "GROUP BY" in upper:
        return "dashboard GROUP BY"
    if re.search(r"\bLIMIT\b", upper) and "ORDER BY" in upper:
        return "page rows (main query)"
    if "FILTER (WHERE" in upper or re.match(r"SELECT COUNT\(", upper):
        return "summary aggregate"
    if "MAX(" in upper:
        return "latest update (footer)"
    return "rows (export)" if "ORDER BY" in upper else "other"


def explain(sql: str) -> tuple[str, float | None]:
    """The plan as text and the execution time PostgreSQL reported (None on SQLite)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            text = "\n".join(row[0] for row in cursor.fetchall())
            match = re.search(r"Execution Time: ([\d.]+) ms", text)
            return text, float(match.group(1)) if match else None
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        return "\n".join(" ".join(str(value) for value in row) for row in cursor.fetchall()), None


@contextlib.contextmanager
def copies_recorded() -> Iterator[list[str]]:
    """The SELECTs inside `COPY (SELECT …) TO STDOUT` statements, with their parameters bound.

    The CSV export streams through psycopg's `copy()`, which Django logs without parameters.
    """
    from django.db import connection

    recorded: list[str] = []
    if connection.vendor != "postgresql":
        yield recorded
        return
    import psycopg

    original = psycopg.Cursor.copy

    def copy(self, statement, params=None, **kwargs):
        sql = self.mogrify(statement, params) if hasattr(self, "mogrify") else statement
        match = re.match(r"\s*COPY \((.*)\) TO STDOUT", sql, re.DOTALL)
        recorded.append(match.group(1) if match else sql)
        return original(self, statement, params, **kwargs)

    with mock.patch.object(psycopg.Cursor, "copy", copy):
        yield recorded


def capture(url: str) -> list[tuple[str, bool]]:
    """(SQL, came from a COPY) of the SELECTs over the projects (or decisions) table that one
    request runs."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from projects.models import Decision, Project

    tables = (Project._meta.db_table, Decision._meta.db_table)
    client = Client(HTTP_HOST="127.0.0.1")

    def get() -> None:
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        if response.streaming:
            b"".join(response.streaming_content)

    get()
    cache.clear()
    with CaptureQueriesContext(connection) as queries, copies_recorded() as copies:
        get()
    selected: list[tuple[str, bool]] = []
    statements = [(query["sql"], False) for query in queries.captured_queries]
    for sql, copied in statements + [(sql, True) for sql in copies]:
        select = re.match(r"\s*(SELECT|WITH)\b", sql, re.IGNORECASE)
        if select and any(f'"{table}"' in sql for table in tables):
            if sql not in [known for known, _ in selected]:
                selected.append((sql, copied))
    return selected


def main() -> int:
    """Capture, EXPLAIN and write the plans of every page of bench/compare.py."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args()

    # WhiteNoise warns once per client that STATIC_ROOT (collectstatic) is missing.
    warnings.filterwarnings("ignore", "No directory at", UserWarning)
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    # Plans of the application's queries; the static manifest needs collectstatic first.
    settings.STORAGES["staticfiles"] = {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
    }
    from bench.compare import pages
    from projects.models import Project

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0]}"
        else:
            database = "SQLite"
    plans: list[Plan] = []
    for page in pages():
        for sql, copied in capture(page.portal):
            text, milliseconds = explain(sql)
            seq = bool(re.search(rf"Seq Scan on {Project._meta.db_table}\b", text)) or bool(
                re.search(rf"SCAN {Project._meta.db_table}\b", text)
            )
            plans.append(Plan(page.portal, kind(sql, copied=copied), sql, text, milliseconds, seq))

    lines = [
        f"Query plans of the portal's pages: {Project.objects.count()} projects, {database}, "
        f"{datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
        "",
        "Summary (ms: execution time under EXPLAIN ANALYZE; seq: reads all of projects_project)",
    ]
    for plan in plans:
        ms = f"{plan.milliseconds:8.1f}" if plan.milliseconds is not None else "       -"
        lines.append(
            f"  {plan.url:<42} {plan.kind:<40} {ms} ms {'seq' if plan.seq_scan else '   '}"
        )
    for number, plan in enumerate(plans, start=1):
        lines += [
            "",
            "=" * 100,
            f"[{number}] {plan.url} — {plan.kind}",
            "-" * 100,
            plan.sql,
            "-" * 100,
            plan.text,
        ]
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text("\n".join(lines) + "\n")
    print("\n".join(lines[: 3 + len(plans) + 1]))
    print(f"written: {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
