"""docs/operations.md states the defaults and limits the code has.

The numbers are read from the page (the settings table, the *Exports* bounds, the login
lockout) and compared with what the settings module gives in a fresh process without any
DJANGO_*, ESF_*, CACHE_URL or DATABASE_URL variable: the defaults an operator gets.
"""

from __future__ import annotations

import functools
import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "operations.md"

# Table variable → the expression (on `s`, django.conf.settings) that holds its value.
SETTINGS = {
    "DJANGO_DEBUG": "s.DEBUG",
    "DJANGO_CONN_MAX_AGE": "s.DATABASES['default']['CONN_MAX_AGE']",
    "DJANGO_HSTS_SECONDS": "s.SECURE_HSTS_SECONDS",
    "DJANGO_TRUSTED_PROXY_COUNT": "s.TRUSTED_PROXY_COUNT",
    "DJANGO_ADMIN_PATH": "s.ADMIN_PATH",
    "DJANGO_LOG_LEVEL": "s.LOGGING['root']['level']",
    "CACHE_URL": "s.CACHES['default']['BACKEND'].rsplit('.', 2)[-2] + '://'",
    "ESF_XLSX_MAX_ROWS": "s.ESF_XLSX_MAX_ROWS",
    "ESF_EXPORT_CONCURRENCY": "s.ESF_EXPORT_CONCURRENCY",
    "ESF_EXPORT_CACHE_MAX_BYTES": "s.ESF_EXPORT_CACHE_MAX_BYTES",
    "ESF_EXPORT_CACHE_ENTRIES": "s.ESF_EXPORT_CACHE_ENTRIES",
}
OTHER = {
    "esf_settings": "sorted(name for name in dir(s) if name.startswith('ESF_'))",
    "lockout_limits": "s.LOCKOUT_LIMITS",
    "cooloff_minutes": "s.AXES_COOLOFF_TIME.total_seconds() / 60",
}


@functools.cache
def actual() -> dict:
    """The values of SETTINGS and OTHER in a process with none of the variables set."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "ESF_")) and key not in ("CACHE_URL", "DATABASE_URL")
    }
    env["DJANGO_SETTINGS_MODULE"] = "esfportal.settings"
    expressions = {**SETTINGS, **OTHER}
    code = (
        "import json; from django.conf import settings as s; print(json.dumps({"
        + ", ".join(f"{name!r}: {expression}" for name, expression in expressions.items())
        + "}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def shown(value) -> str:
    """A value as the table writes it: `false`, `20000`, `admin/`."""
    return str(value).lower() if isinstance(value, bool) else str(value)


def documented_defaults() -> dict[str, str]:
    """Variable → the default column's first `code` span, from the settings table."""
    rows = re.findall(r"^\| `(\w+)` \| `([^`]*)`", DOC.read_text(encoding="utf-8"), re.MULTILINE)
    return dict(rows)


def section(title: str) -> str:
    """The text of `## title` up to the next heading of that level, on one line."""
    text = DOC.read_text(encoding="utf-8")
    body = text.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]
    return " ".join(body.split())


def number(text: str) -> int:
    """'20 000' → 20000; '50 MB' → 50 × 2**20, as the table's 52428800 (50 MB)."""
    value, megabytes, _ = text.partition(" MB")
    return int(value.replace(" ", "")) * (2**20 if megabytes else 1)


def test_the_settings_table_gives_the_real_defaults():
    documented = documented_defaults()
    values = actual()
    assert set(SETTINGS) <= set(documented), set(SETTINGS) - set(documented)
    for variable in SETTINGS:
        assert documented[variable] == shown(values[variable]), variable


def test_every_esf_setting_is_in_the_table():
    assert set(actual()["esf_settings"]) <= set(documented_defaults())


def test_the_export_bounds_in_the_text_are_the_settings():
    bounds = re.findall(r"`(ESF_\w+)`, (\d{1,3}(?: \d{3})*(?: MB)?)", section("Exports"))
    values = actual()
    assert {name for name, _ in bounds} == {n for n in SETTINGS if n.startswith("ESF_")}
    for name, text in bounds:
        assert number(text) == values[name], (name, text)


def test_the_login_lockout_limits_in_the_text_are_the_settings():
    match = re.search(
        r"within (\d+) minutes, each with its own limit: (\d+) for one username from one "
        r"address, (\d+) for any usernames from one address, (\d+) for one username from any "
        r"address",
        section("What production hardening is in place"),
    )
    assert match, "the lockout paragraph of docs/operations.md"
    minutes, *limits = (int(group) for group in match.groups())
    assert minutes == actual()["cooloff_minutes"]
    assert limits == actual()["lockout_limits"]
