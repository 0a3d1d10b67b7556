"""Time the public pages against the database in DATABASE_URL (median of N runs, warm).

    DATABASE_URL=postgres://…/esfportal_dev .venv/bin/python bench/pages.py [runs]

Run it on a database filled with `generate_demo --projects 100000`. Prints one line per URL:
status, then SQL queries and median milliseconds for the whole request through Django's test
client, cold (right after a registry change, nothing cached) and cached.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "esfportal.settings")
os.environ.setdefault("DJANGO_LOG_LEVEL", "ERROR")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

# Measure the application, not the static manifest (which needs collectstatic first).
settings.STORAGES["staticfiles"] = {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from projects import caching  # noqa: E402
from projects.models import Organisation, Project  # noqa: E402

URLS = [
    "/",
    "/projects/",
    "/projects/?region=SE21&programme_area=2",
    "/projects/?region=SE21&status=ongoing&sort=-grant&size=200",
    "/projects/?q=arbetsmarknaden",
    "/projects/?q=kommun&sort=-grant",
    "/projects/?esf_grant_min=10000000&participants_max=100&legal_form=5",
    "/en/projects/?programme=2021-2027&page=20",
    "/organisations/",
    "/organisations/?q=kommun",
]


def main(runs: int = 5) -> None:
    project = Project.objects.order_by("id").first()
    organisation = Organisation.objects.order_by("-id").first()
    urls = [*URLS, project.get_absolute_url(), organisation.get_absolute_url()]
    client = Client(HTTP_HOST="127.0.0.1")
    print(f"{Project.objects.count()} projects on {connection.vendor}; median of {runs} runs")
    print("status, then cold (right after a registry change: nothing cached) and cached")
    for url in urls:
        client.get(url)
        cold, cached = [], []
        for _ in range(runs):
            caching.invalidate()
            with CaptureQueriesContext(connection) as cold_queries:
                started = time.perf_counter()
                response = client.get(url)
                cold.append(time.perf_counter() - started)
            with CaptureQueriesContext(connection) as cached_queries:
                started = time.perf_counter()
                client.get(url)
                cached.append(time.perf_counter() - started)
        print(
            f"{response.status_code} cold {len(cold_queries):3d} queries "
            f"{statistics.median(cold) * 1000:7.1f} ms, cached {len(cached_queries):2d} queries "
            f"{statistics.median(cached) * 1000:6.1f} ms  {url}"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
