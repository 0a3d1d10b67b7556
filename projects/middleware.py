"""Production plumbing: the health probe, security headers, a 503 page while the database is
down, a 400 for input no page can use, and the log line format.

Content-Security-Policy: the public pages run only our own scripts and styles (no inline
script anywhere; `json_script` blocks are data, which CSP does not execute). Two kinds of page
also need inline *style attributes*, so they get `style-src 'self' 'unsafe-inline'` and nothing
else more:
- the Django admin: templates and widgets write `style="…"` (our decision inline's widths on
  the project page, simple_history's history list); its scripts, select2 included, are files;
- the dashboard: Plotly draws its SVG with `style` attributes and adds its own `<style>` rules.
Checked in Chromium with the strict policy forced on every page: only those two broke.
Inline styles cannot run code; script-src stays `'self'` on every page.
"""

from __future__ import annotations

import datetime
import json
import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)

HEALTHZ_PATH = "/healthz"
# Any of these from the database driver means "not reachable now" (refused, timed out, dropped
# connection, locked): the request may well work in a moment, so the answer is 503, not 500.
DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30

STRICT_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}
INLINE_STYLE_POLICY = {**STRICT_POLICY, "style-src": "'self' 'unsafe-inline'"}
# Pages that need inline style attributes (see the module docstring): by URL namespace / view name.
INLINE_STYLE_NAMESPACES = {"admin"}
INLINE_STYLE_VIEWS = {"projects:dashboard"}


def policy_header(policy: dict[str, str]) -> str:
    return "; ".join(f"{directive} {value}" for directive, value in policy.items())


STRICT_CSP = policy_header(STRICT_POLICY)
INLINE_STYLE_CSP = policy_header(INLINE_STYLE_POLICY)


def csp_for(request: HttpRequest) -> str:
    """The Content-Security-Policy for the page the request resolved to."""
    match = getattr(request, "resolver_match", None)
    if match and (INLINE_STYLE_NAMESPACES & set(match.namespaces)):
        return INLINE_STYLE_CSP
    if match and match.view_name in INLINE_STYLE_VIEWS:
        return INLINE_STYLE_CSP
    return STRICT_CSP


class HealthCheckMiddleware:
    """Answers /healthz before the host check and the HTTPS redirect.

    Docker's HEALTHCHECK and load balancers ask http://127.0.0.1:8000/healthz, a host that is not
    in a production ALLOWED_HOSTS and a scheme that SECURE_SSL_REDIRECT would redirect.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info == HEALTHZ_PATH and request.method in ("GET", "HEAD"):
            from . import health

            return health.healthz(request)
        return self.get_response(request)


class RejectNulMiddleware:
    """Answers 400 to a NUL byte in the query string or a posted form field.

    No text of the registry contains one, PostgreSQL refuses it in every text value, and a
    filter, a search box or the admin's autocomplete would otherwise pass it on and fail with
    a 500. Uploaded files are not looked at, only the form's text fields.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if has_nul(request.GET) or (request.method == "POST" and has_nul(request.POST)):
            return bad_request_response()
        return self.get_response(request)


def has_nul(data) -> bool:
    return any("\x00" in key or any("\x00" in value for value in data.getlist(key)) for key in data)


def bad_request_response() -> HttpResponse:
    context = {
        "status": 400,
        "heading": _("Felaktig förfrågan"),
        "message": _(
            "Adressen eller formuläret innehåller ett tecken som inte kan användas (ett "
            "nolltecken). Kontrollera länken eller skriv in sökningen igen."
        ),
    }
    response = HttpResponse(loader.render_to_string("503.html", context), status=400)
    response["Cache-Control"] = "no-store"
    return response


class ContentSecurityPolicyMiddleware:
    """Adds the Content-Security-Policy header (see the module docstring) to every response."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = csp_for(request)
        return response


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


# --- logs ------------------------------------------------------------------------------------
# Attributes every LogRecord has; anything else on a record came from `extra=` and is logged.
STANDARD_ATTRIBUTES = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}
SKIPPED_EXTRAS = {"request", "server_time"}  # Django adds the request object itself


def logfmt_value(value) -> str:
    text = value if isinstance(value, str) else str(value)
    if text and not any(c in text for c in ' ="\\\n\r\t') and text.isprintable():
        return text
    return json.dumps(text, ensure_ascii=False)


class LogfmtFormatter(logging.Formatter):
    """One `key=value` line per record: time, level, logger, msg, extras, then the traceback."""

    def format(self, record: logging.LogRecord) -> str:
        fields = {
            "time": datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in STANDARD_ATTRIBUTES and key not in SKIPPED_EXTRAS:
                fields[key] = value
        if record.exc_info:
            fields["exc"] = self.formatException(record.exc_info)
        return " ".join(f"{key}={logfmt_value(value)}" for key, value in fields.items())
