import pytest


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """`{% static %}` needs a manifest under the production storage; tests serve plain files."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


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

    from projects import export_limits

    monkeypatch.setattr(export_limits, "EXPORT_SLOTS", threading.BoundedSemaphore(1000))
