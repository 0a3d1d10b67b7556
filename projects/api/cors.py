"""CORS for the API: any origin may read /api/ with GET (no cookies: the API has no sessions)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

API_PREFIX = "/api/"
ALLOWED_METHODS = "GET, HEAD, OPTIONS"
# Headers a page on another origin may read from the answer
EXPOSED_HEADERS = "ETag, Last-Modified, Retry-After, Link"
PREFLIGHT_MAX_AGE = str(24 * 3600)


class CorsMiddleware:
    """`Access-Control-Allow-Origin: *` on every answer under /api/, and the preflight
    `OPTIONS` answered here (204) for GET with conditional headers. Nothing else is touched."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        if request.method == "OPTIONS" and "HTTP_ACCESS_CONTROL_REQUEST_METHOD" in request.META:
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = ALLOWED_METHODS
            response["Access-Control-Allow-Headers"] = request.META.get(
                "HTTP_ACCESS_CONTROL_REQUEST_HEADERS", ""
            )[:500]
            response["Access-Control-Max-Age"] = PREFLIGHT_MAX_AGE
        else:
            response = self.get_response(request)
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
        return response
