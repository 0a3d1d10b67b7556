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
def _free_export_slots(monkeypatch, settings):
    """Each test starts with every export slot free, whatever an earlier test left open."""
    import threading

    from projects import export_limits

    slots = threading.BoundedSemaphore(settings.ESF_EXPORT_CONCURRENCY)
    monkeypatch.setattr(export_limits, "EXPORT_SLOTS", slots)
