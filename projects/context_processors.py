from django.core.cache import cache
from django.urls import translate_url
from django.utils.functional import cached_property

from . import caching, queries
from .language import is_english


class Registry:
    """Facts for the page footer, each queried only when a template shows it."""

    @cached_property
    def updated(self):
        """When real (non-demo) registry data last changed; cached for a few minutes, since
        every page shows it and the registry changes a few times a day."""
        return cache.get_or_set(
            caching.UPDATED_KEY, queries.real_data_updated, timeout=caching.TIMEOUT
        )

    @cached_property
    def has_demo(self) -> bool:
        """Whether the registry holds demo projects, for the notice every page shows while it
        does: one probe of a partial index, cached until the registry changes."""
        return cache.get_or_set(caching.DEMO_KEY, queries.has_demo, timeout=caching.TIMEOUT)


def registry(request):
    return {"registry": Registry(), "language_switch": language_switch(request)}


def language_switch(request) -> dict[str, str]:
    """The same page and query in the other language: Swedish at plain paths, English under /en/.

    A plain link, so switching works without JavaScript, cookies or a form."""
    other = "sv" if is_english() else "en"
    return {
        "code": other,
        "url": translate_url(request.get_full_path(), other),
        "label": "På svenska" if other == "sv" else "In English",
    }
