import pytest

FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _test_settings(settings):
    """`{% static %}` needs a manifest under the production storage; tests serve plain files.

    Passwords are hashed with MD5: PBKDF2's hundreds of thousands of iterations per login and
    per user made are not what the tests check. A test of the production hashers sets
    PASSWORD_HASHERS itself (tests/test_production.py).
    """
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = FAST_PASSWORD_HASHERS


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache, so query counts do not depend on test order."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _swedish_by_default():
    """Requests leave their language active in the thread; start each test in Swedish."""
    from django.utils import translation

    translation.activate("sv")
    yield
    translation.activate("sv")


@pytest.fixture(autouse=True)
def _free_export_slots(monkeypatch):
    """Plenty of free export slots in each test. A server closes every response, which gives
    an export's slot back; the test client closes a streamed one only when it is read to the
    end, so a test that only looks at the headers would hold its slot until garbage collection.
    tests/test_export_limits.py installs the real number where it tests the limit."""
    import threading

    from projects.exports import limits

    monkeypatch.setattr(limits, "EXPORT_SLOTS", threading.BoundedSemaphore(1000))


def _rollup_on() -> None:
    """A transactional test's flush empties the portfolio roll-up's state table, which turns
    the roll-up off (`projects/rollups.py`); each test starts with it on, as after `migrate`."""
    from projects import rollups
    from projects.models import RollupState

    if not RollupState.objects.exists():
        rollups.rebuild()


@pytest.fixture(autouse=True)
def _registry_invariants_hold(request):
    """After every test that writes to the database, the registry's rules still hold.

    `check_invariants` (money, end dates and decision facts following from the decisions,
    organisation numbers) runs on whatever the test left: test data built by the factories, the
    importers, the admin or `generate_demo` must obey the rules the registry promises. A test
    that breaks them on purpose, to see them reported, says so with `breaks_invariants`.
    """
    marker = request.node.get_closest_marker("django_db")
    uses_db = marker is not None or {"db", "transactional_db"} & set(request.fixturenames)
    if not uses_db or request.node.get_closest_marker("breaks_invariants"):
        yield
        return
    # Set up the database first, so that it is still there when this fixture checks it.
    request.getfixturevalue("_django_db_helper")
    _rollup_on()
    yield
    from django.db import connection

    from projects.management.commands.check_invariants import violations

    if connection.connection is None or getattr(connection.connection, "closed", False):
        return  # the test closed the connection (an export aborted mid-COPY): nothing left

    broken = [
        f"{check}: {count} ({', '.join(f'{v.subject}: {v.detail}' for v in found[:3])})"
        for check, count, found in violations()
        if count
    ]
    assert not broken, "the test left data that breaks the registry's rules: " + "; ".join(broken)
