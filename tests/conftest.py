import pytest


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """`{% static %}` needs a manifest under the production storage; tests serve plain files."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
