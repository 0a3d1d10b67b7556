"""Is the registry up? The health probe, and the 503 page while the database is down.

`/healthz` (for Docker, load balancers and people) says whether the app is up and can read the
registry; a database outage anywhere else gives the 503 page with `Retry-After`, not a
traceback. Both answer 503 for the same errors, named once in `DATABASE_ERRORS`.
"""

from __future__ import annotations

import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.template import loader
from django.urls import resolve
from django.utils import translation
from django.views.decorators.csrf import requires_csrf_token

from .models import Project

logger = logging.getLogger(__name__)

HEALTHZ_PATH = "/healthz"
# Any of these from the database driver means "not reachable now" (refused, timed out, dropped
# connection, locked): the request may well work in a moment, so the answer is 503, not 500.
DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


# --- the probe -------------------------------------------------------------------------------
class HealthCheckMiddleware:
    """Answers /healthz before the host check and the HTTPS redirect.

    Docker's HEALTHCHECK and load balancers ask http://127.0.0.1:8000/healthz, a host that is not
    in a production ALLOWED_HOSTS and a scheme that SECURE_SSL_REDIRECT would redirect.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info == HEALTHZ_PATH and request.method in ("GET", "HEAD"):
            return healthz(request)
        return self.get_response(request)


def healthz(request: HttpRequest) -> JsonResponse:
    """200 with the project count, or 503 when the database does not answer."""
    # The probe is answered before URL resolution (HealthCheckMiddleware); resolving a page
    # here makes a URLconf that cannot be imported (a missing dependency) fail the probe too.
    # The thread may still have the language of its last request active: "/" is a page only
    # in the default language (the others are under their prefix), so resolve it in that one.
    with translation.override(settings.LANGUAGE_CODE):
        resolve("/")
    try:
        projects = Project.objects.count()
    except DATABASE_ERRORS as error:
        logger.warning("health check: database unavailable", extra={"error": first_line(error)})
        response = JsonResponse({"status": "unavailable", "database": "unavailable"}, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    else:
        response = JsonResponse({"status": "ok", "database": "ok", "projects": projects})
    response["Cache-Control"] = "no-store"
    return response


# --- outages ---------------------------------------------------------------------------------
class DatabaseUnavailableMiddleware:
    """Turns a database outage in a view or its template into the 503 page, not a traceback."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if isinstance(exception, DATABASE_ERRORS):
            return unavailable_response(request, exception)
        return None


def unavailable_response(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The 503 page, rendered without the request's context processors (they query)."""
    logger.error(
        "database unavailable",
        extra={"status_code": 503, "path": request.path, "error": first_line(exception)},
    )
    response = HttpResponse(
        loader.render_to_string("503.html", {"retry_after": RETRY_AFTER_SECONDS}), status=503
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    response._has_been_logged = True  # the line above says more than django.request's would
    return response


def first_line(exception: Exception) -> str:
    lines = str(exception).strip().splitlines()
    return lines[0] if lines else type(exception).__name__


@requires_csrf_token
def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    """handler500: the 503 page for a database outage that escaped the views, else 500.html."""
    exception = sys.exc_info()[1]
    if isinstance(exception, DATABASE_ERRORS):
        return unavailable_response(request, exception)
    return HttpResponseServerError(loader.render_to_string(template_name))
