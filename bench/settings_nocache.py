"""Production settings without a cache, so that every request computes its whole page.

bench/compare.py runs a second gunicorn with these (DJANGO_SETTINGS_MODULE=bench.settings_nocache)
to measure the work a page costs when nothing is cached: after a registry change, or for an
address no one asked for before.
"""

from esfportal.settings import *  # noqa: F403

CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
