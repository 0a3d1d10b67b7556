"""Caches of registry figures, dropped whenever registry data changes.

Every page shows the footer date, the landing page sums the whole registry, the list and the
dashboard count and sum the filtered set and show the code lists; all of it changes only when
a project, decision, organisation or code changes. Aggregates of a filtered set are cached
under a key made of the *registry version* and the SQL of the filtered queryset, so two
addresses that select the same projects share one entry and an invalidation makes every
earlier entry unreachable at once.

The list and the dashboard pages themselves are cached too, for visitors without a session
(`page`): a repeated address is then one cache read.

Saves and deletes through the ORM invalidate by signal, at once and again when the
transaction commits (so a page rendered between the save and the commit cannot keep the old
figures). Bulk writes that bypass signals (generate_demo, the importers) call `invalidate()`.

The cache must be shared by all worker processes for an invalidation to reach them: settings
read `CACHE_URL` (file:// or redis://). With the per-process default, entries expire after
`TIMEOUT` seconds, which bounds how stale another worker's figures can be.
"""

from __future__ import annotations

import datetime
import hashlib
import time
import uuid
from collections.abc import Callable, Hashable
from functools import wraps
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import get_language

UPDATED_KEY = "registry-updated"
DEMO_KEY = "registry-demo-projects"
LANDING_KEY = "registry-landing"
VERSION_KEY = "registry-version"
TIMEOUT = 300

T = TypeVar("T")
_MISSING = object()


def _clear() -> None:
    cache.delete_many([VERSION_KEY, UPDATED_KEY, LANDING_KEY, DEMO_KEY])


def invalidate(**kwargs) -> None:
    """Forget every cached figure, now and again when the current transaction commits."""
    _clear()
    transaction.on_commit(_clear)


def registry_version() -> str:
    """A token that changes with every invalidation; new when none is cached.

    It starts with the time it was made (milliseconds, hex): a version is made only after the
    change that dropped the previous one, so that time is never earlier than the registry's
    last change (`registry_changed_at`, the API's Last-Modified).
    """
    version = cache.get(VERSION_KEY)
    if version is None:
        made = int(time.time() * 1000)
        cache.add(VERSION_KEY, f"{made:x}.{uuid.uuid4().hex}", timeout=None)
        version = cache.get(VERSION_KEY, "")
    return version


def registry_changed_at() -> datetime.datetime:
    """When the current registry version was made: at or after the last change of its data."""
    made, _dot, _rest = registry_version().partition(".")
    try:
        return datetime.datetime.fromtimestamp(int(made, 16) / 1000, tz=datetime.UTC)
    except ValueError:  # a token without a time (made by an older release): say now
        return timezone.now()


def _key(prefix: str, kind: str, identity: str) -> str:
    """A cache key valid until the next invalidation, with a digest of what identifies it."""
    digest = hashlib.blake2b(identity.encode(), digest_size=16).hexdigest()
    return f"{prefix}:{registry_version()}:{kind}:{digest}"


def registry_key(prefix: str, kind: str, identity: str) -> str:
    """`_key` for caches kept elsewhere (the export files): unreachable after a change."""
    return _key(prefix, kind, identity)


def aggregate(kind: str, projects: QuerySet, compute: Callable[[], T], *extra: Hashable) -> T:
    """`compute()`, cached per kind, filtered set and `extra` (e.g. the date status counts
    depend on) until the registry changes.

    The key is the SQL of the set, not the address: `?region=SE21&size=200` and `?region=SE21`
    select the same projects and share one entry, and a parameter the filter ignores cannot
    make a stale entry look valid.
    """
    try:
        sql, params = projects.order_by().query.sql_with_params()
    except EmptyResultSet:
        return compute()
    key = _key("aggregate", kind, repr((sql, params, extra)))
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(key, value, timeout=TIMEOUT)
    return value


def page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Cache a public page's HTML per address, language and day until the registry changes.

    For visitors without a session only (the page is then the same for everyone: no user,
    no CSRF token, no messages), and only answers 200; headers that middleware adds (CSP,
    security) are added to the cached answer as to a fresh one. The day is in the key because
    a project's status (upcoming, ongoing, finished) depends on it.
    """

    @wraps(view)
    def cached_view(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method not in ("GET", "HEAD") or settings.SESSION_COOKIE_NAME in request.COOKIES:
            return view(request, *args, **kwargs)
        address = f"{get_language()} {timezone.localdate()} {request.get_full_path()}"
        key = _key("page", view.__name__, address)
        if (cached := cache.get(key)) is not None:
            content, content_type = cached
            return HttpResponse(content, content_type=content_type)
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming:
            cache.set(key, (response.content, response["Content-Type"]), timeout=TIMEOUT)
        return response

    return cached_view


def connect() -> None:
    from .models import (
        County,
        Decision,
        InterventionField,
        Organisation,
        Programme,
        ProgrammeArea,
        Project,
        Region,
        SpecificObjective,
    )

    code_lists = (Programme, ProgrammeArea, SpecificObjective, Region, County, InterventionField)
    for model in (Project, Decision, Organisation, *code_lists):
        post_save.connect(invalidate, sender=model, dispatch_uid=f"invalidate-{model.__name__}")
        post_delete.connect(invalidate, sender=model, dispatch_uid=f"invalidate-d-{model.__name__}")
