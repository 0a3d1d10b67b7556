"""Benchmark: CSV and JSON export of the whole registry: time to first byte, rows/s, peak RSS.

Runs against PostgreSQL (default: the 100 000-project demo database; it only reads):

    .venv/bin/python bench/exports.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/other .venv/bin/python bench/exports.py csv

Each export runs in a fresh child process that calls the view as a request would, reads the
streamed response to the end and reports: time to the first byte (BOM and header, or the JSON
head with the count), time to the first data row, total time, rows/s, peak RSS of that process
(VmHWM) next to its RSS before the export, and its CPU time per row. The Python side is bounded
by CPU (the csv writer, the row function, psycopg's row loading), so on a loaded machine compare
the CPU figures; `python -m timeit "sum(range(1000))"` is printed as a yardstick of the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/esfportal_dev"


def vm_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def child(fmt: str, query: str) -> None:
    """Run one export in this process and print its figures as JSON."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "esfportal.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import RequestFactory
    from django.utils import translation

    from projects.exports import views

    translation.activate("sv")
    connection.ensure_connection()
    rss_before = vm_kib("VmRSS")
    view = {"csv": views.export_csv, "json": views.export_json}[fmt]
    request = RequestFactory().get(f"/projects/export.{fmt}?{query}", HTTP_HOST="127.0.0.1")
    cpu = time.process_time()
    started = time.perf_counter()
    response = view(request)
    first_byte = first_row = None
    size = lines = 0
    for chunk in response.streaming_content:
        now = time.perf_counter() - started
        if first_byte is None:
            first_byte = now
        elif first_row is None:
            first_row = now
        size += len(chunk)
        lines += chunk.count(b"\n")
    response.close()
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu
    rows = lines - 1 if fmt == "csv" else lines - 2  # header line; JSON head and tail lines
    print(json.dumps({
        "format": fmt, "rows": rows, "bytes": size, "first_byte_s": first_byte,
        "first_row_s": first_row, "seconds": seconds, "rows_per_s": rows / seconds,
        "cpu_s": cpu, "cpu_us_per_row": cpu / max(rows, 1) * 1e6,
        "rss_before_mib": rss_before / 1024, "peak_rss_mib": vm_kib("VmHWM") / 1024,
    }))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("formats", nargs="*", default=["csv", "json"])
    parser.add_argument("--query", default="", help="filter, as in the address (default: all)")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.query)
        return
    env = {**os.environ, "DATABASE_URL": os.environ.get("DATABASE_URL", DEFAULT_DATABASE)}
    env.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    yardstick = min(timeit.repeat("sum(range(1000))", number=2000, repeat=5)) / 2000 * 1e6
    database = env["DATABASE_URL"].rsplit("/", 1)[-1]
    load = os.getloadavg()[0]
    print(f"database: {database}; sum(range(1000)): {yardstick:.1f} µs; load: {load:.1f}")
    header = (f"{'format':6} {'rows':>8} {'MB':>6} {'1st byte':>9} {'1st row':>8} {'total':>7} "
              f"{'rows/s':>8} {'CPU µs/row':>10} {'RSS before':>10} {'peak RSS':>9}")  # fmt: skip
    print(header)
    for fmt in args.formats:
        for _ in range(args.repeat):
            out = subprocess.run(
                [sys.executable, __file__, "--child", fmt, "--query", args.query],
                env=env, capture_output=True, text=True, check=True,
            ).stdout  # fmt: skip
            r = json.loads(out.strip().splitlines()[-1])
            print(f"{fmt:6} {r['rows']:>8} {r['bytes'] / 1e6:>6.1f} {r['first_byte_s']:>8.3f}s "
                  f"{r['first_row_s'] or 0:>7.2f}s {r['seconds']:>6.2f}s {r['rows_per_s']:>8,.0f} "
                  f"{r['cpu_us_per_row']:>10.1f} {r['rss_before_mib']:>8.0f}MB "
                  f"{r['peak_rss_mib']:>7.0f}MB")  # fmt: skip
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"largest child peak RSS (getrusage): {children:.0f} MB")


if __name__ == "__main__":
    main()
