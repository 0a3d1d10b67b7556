"""`ETag` and `Last-Modified` on the API's answers, from the registry's version, and `304 Not
Modified` for a client that already has the current answer.

Every answer is a function of the registry's data, the day (a project's status) and the
language, so `W/"<registry version>.<day>.<language>"` identifies it for its URL; it changes
with every change to a project, decision, organisation or code list (`caching.invalidate`).
Last-Modified is when that version was made, or the day's midnight if later. The check runs
before the view's queries: a revalidation costs one cache read.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from functools import wraps

from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, quote_etag
from django.utils.translation import get_language

from .. import caching


def validators() -> tuple[str, datetime.datetime]:
    """The current answer's ETag and Last-Modified."""
    today = timezone.localdate()
    etag = "W/" + quote_etag(f"{caching.registry_version()}.{today.isoformat()}.{get_language()}")
    midnight = timezone.make_aware(datetime.datetime.combine(today, datetime.time()))
    return etag, max(caching.registry_changed_at(), midnight)


def _validated(response, etag: str, timestamp: int):
    response["ETag"] = etag
    response["Last-Modified"] = http_date(timestamp)
    # Caches may keep the answer but must ask again each time: a 304 costs one cache read
    response["Cache-Control"] = "public, max-age=0, must-revalidate"
    return response


def registry_conditional(method: Callable) -> Callable:
    """Answer 304 when the request's If-None-Match / If-Modified-Since match the registry's
    version; otherwise run the view and put the validators on its 200."""

    @wraps(method)
    def view(self, request, *args, **kwargs):
        etag, last_modified = validators()
        timestamp = int(last_modified.timestamp())
        not_modified = get_conditional_response(request, etag=etag, last_modified=timestamp)
        if not_modified is not None:
            return _validated(not_modified, etag, timestamp)
        response = method(self, request, *args, **kwargs)
        if response.status_code == 200:
            _validated(response, etag, timestamp)
        return response

    return view
