"""Benchmark: import a 10 000-row list of operations, then run it again, then with changes.

Runs against whatever database DATABASE_URL names (SQLite by default), which must be migrated:

    psql -U postgres -h 127.0.0.1 -c 'create database esfportal_bench'
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/esfportal_bench
    .venv/bin/python manage.py migrate
    .venv/bin/python bench/import_operations.py

The rows are synthetic (diary numbers in calls 800–899 of ESF+ and serials 05000–06999 of
2014–2020, owners named "Bänkorganisation N"); the script deletes them first, so each run measures
creating 10 000 projects, then the idempotent re-run, then a run where 1 000 rows changed figures.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "esfportal.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.harness import OPERATIONS_HEADERS  # noqa: E402
from projects.models import Decision, Organisation, Project  # noqa: E402
from projects.validators import has_valid_check_digit  # noqa: E402

CODES = {
    "2014": [("1", "1.1", "117"), ("2", "2.1", "102"), ("2", "2.3", "109"), ("2", "2.1", "112")],
    "2021": [("A", "A1", "134"), ("A", "A2A", "140"), ("A", "A2", "138"), ("B", "", "152")],
}
TOWNS = ["STOCKHOLM", "GÖTEBORG", "MALMÖ", "KALMAR", "UMEÅ", "ÖSTERSUND", "VÄXJÖ", "FALUN"]


def org_number(index: int) -> str:
    nine = f"8{index % 10}2{index:06d}"
    return next(nine + digit for digit in "0123456789" if has_valid_check_digit(nine + digit))


def diary_number(index: int) -> str:
    if index % 2:
        year, serial = 2015 + index % 6, 5000 + index // 2 % 2000
        return f"{year}/{serial:05d}"
    year, rest = 21 + index % 7, index // 14
    return f"{year}-{800 + rest // 99:03d}-S{rest % 99 + 1:02d}"


def rows(count: int, *, seed: int, changed: int = 0) -> list[list[str]]:
    rng = random.Random(seed)
    numbers = sorted({diary_number(i) for i in range(count * 2)})[:count]
    owners = [(f"Bänkorganisation {i}", org_number(i)) for i in range(count // 7)]
    out = []
    for index, number in enumerate(numbers):
        period = "2014" if "/" in number else "2021"
        area, objective, intervention = rng.choice(CODES[period])
        name, org = rng.choice(owners)
        budget = rng.randrange(1_000_000, 50_000_000)
        rate = rng.choice([40, 46, 50, 60, 90])
        esf = budget * rate // 100
        if index < changed:
            esf -= 10_000  # a decision lowered the grant
        year = int(number[:4]) if period == "2014" else 2000 + int(number[:2])
        out.append(
            [
                number,
                name,
                org if index % 10 else "",  # some lists leave the number out
                rng.choice(TOWNS),
                "Sverige",
                f"Bänkprojekt {index}",
                area,
                objective,
                intervention,
                f"{budget:,}".replace(",", " "),
                f"{rate},00 %",
                f"{esf:,}".replace(",", " "),
                "<p>Syntetiskt projekt för prestandamätning.</p>",
                f"{year}-02-01",
                f"{year + 2}-01-31",
                "ESF" if period == "2014" else "ESF+",
                "2014SE05M9OP001" if period == "2014" else "2021SE05SFPR",
            ]
        )
    return out


def write(path: Path, data: list[list[str]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(OPERATIONS_HEADERS)
    writer.writerows(data)
    path.write_bytes(b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8"))


def remove_earlier_rows(data: list[list[str]]) -> None:
    """Set-based deletes (no per-row signals): this is setup, not what is measured."""
    projects = Project.objects.filter(diary_number__in=[row[0] for row in data])
    Decision.objects.filter(project__in=projects)._raw_delete(connection.alias)
    projects._raw_delete(connection.alias)
    organisations = Organisation.objects.filter(name__startswith="Bänkorganisation ")
    organisations.filter(projects=None)._raw_delete(connection.alias)


def timed(path: Path) -> tuple[float, int, str]:
    out = io.StringIO()
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        try:
            call_command("import_operations", str(path), stdout=out, verbosity=0)
        finally:
            seconds = time.perf_counter() - started
    return seconds, len(queries), out.getvalue().strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    first = rows(args.rows, seed=args.seed)
    changed = rows(args.rows, seed=args.seed, changed=args.rows // 10)
    remove_earlier_rows(first)
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}, rows: {args.rows}")
    with tempfile.TemporaryDirectory() as directory:
        runs = [
            ("first import", Path(directory) / "first.csv", first),
            ("same file again", Path(directory) / "first.csv", first),
            (f"{args.rows // 10} rows changed", Path(directory) / "changed.csv", changed),
        ]
        for title, path, data in runs:
            if not path.exists():
                write(path, data)
            seconds, queries, summary = timed(path)
            print(f"{title:<18} {seconds:6.2f} s  {queries:6d} queries  ({summary})")


if __name__ == "__main__":
    main()
