"""One import at a time: every run takes one lock before it writes, a second run is refused.

Two imports of one new file at the same moment would both find its projects missing and both
insert them; the slower one then died on a unique constraint. Now the first run holds the lock
for the whole of its transaction and a concurrent run fails at once with `ImportBusy`, which the
command prints and the admin page shows as a message.

- PostgreSQL: `pg_try_advisory_xact_lock` with a fixed key, taken inside the run's transaction
  and released by its commit or rollback (also when the process dies).
- SQLite serialises writes itself, but two runs would still both plan the same new rows; for a
  database file, an exclusive `flock` on a file beside it (`db.sqlite3.import-lock`) stands in.
  An in-memory database (the tests) has no second process, so nothing is locked.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

from django.db import connection

ADVISORY_KEY = 0x4553_465F_494D_5054  # "ESF_IMPT": the same key in every process
BUSY = "another import is running; try again in a moment"


class ImportBusy(Exception):
    """Another import holds the lock."""

    def __init__(self) -> None:
        super().__init__(BUSY)


@contextlib.contextmanager
def import_lock() -> Iterator[None]:
    """Hold the import lock for the block; call inside the run's `transaction.atomic()`."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [ADVISORY_KEY])
            (taken,) = cursor.fetchone()
        if not taken:
            raise ImportBusy
        yield  # released when the transaction ends
        return
    path = _sqlite_lock_path()
    if path is None:
        yield
        return
    with file_lock(path):
        yield


@contextlib.contextmanager
def file_lock(path: str) -> Iterator[None]:
    """An exclusive, non-blocking lock on `path` (created if missing); ImportBusy if held."""
    try:
        import fcntl
    except ImportError:  # not POSIX: SQLite's own write lock is all there is
        yield
        return
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ImportBusy from None
        try:
            yield
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)


def _sqlite_lock_path() -> str | None:
    if connection.vendor != "sqlite":
        return None
    name = str(connection.settings_dict.get("NAME") or "")
    if not name or name == ":memory:" or "mode=memory" in name or name.startswith("file:"):
        return None
    return f"{name}.import-lock"
