"""/healthz: is the app up and can it read the registry? For Docker, load balancers and people."""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.urls import resolve
from django.utils import translation

from .middleware import DATABASE_ERRORS, RETRY_AFTER_SECONDS, first_line
from .models import Project

logger = logging.getLogger(__name__)


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
