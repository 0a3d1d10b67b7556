"""Content-Security-Policy: the public pages run only our own scripts and styles.

No inline script anywhere (`json_script` blocks are data, which CSP does not execute). Two kinds
of page also need inline *style attributes*, so they get `style-src 'self' 'unsafe-inline'` and
nothing else more:
- the Django admin: templates and widgets write `style="…"` (the decision inline's widths on
  the project page, simple_history's history list); its scripts, select2 included, are files;
- the dashboard: Plotly draws its SVG with `style` attributes and adds its own `<style>` rules.
Checked in Chromium with the strict policy forced on every page: only those two broke.
The API docs (`/api/v1/docs/`, Swagger UI) keep the strict policy: their start-up script is a
file the docs view serves (`?script`), their page rules are in `static/css/api-docs.css`, and
Swagger UI's files come from the drf-spectacular-sidecar package through our static files
(`tests/browser/test_api_docs.py` checks that nothing is refused).
Inline styles cannot run code; script-src stays `'self'` on every page.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse

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


class ContentSecurityPolicyMiddleware:
    """Adds the Content-Security-Policy header (see the module docstring) to every response."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = (
                # Django's technical 404 and 500 pages (DEBUG only) style themselves inline.
                INLINE_STYLE_CSP
                if settings.DEBUG and response.status_code >= 400
                else csp_for(request)
            )
        return response
