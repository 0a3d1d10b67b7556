"""Requests refused before any view: input that no page can use gets a 400, not a 500."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _


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
            if request.path.startswith("/api/"):  # the API answers in JSON, errors too
                return JsonResponse(
                    {"detail": _("Ogiltiga parametrar."), "errors": [_("Nolltecken i adressen.")]},
                    status=400,
                )
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
