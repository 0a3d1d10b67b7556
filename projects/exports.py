"""Exports of the filtered project set: CSV, JSON and XLSX (see the exports issue)."""

from django.http import HttpRequest, HttpResponse


def export_csv(request: HttpRequest) -> HttpResponse:
    return HttpResponse(status=501)


def export_json(request: HttpRequest) -> HttpResponse:
    return HttpResponse(status=501)


def export_xlsx(request: HttpRequest) -> HttpResponse:
    return HttpResponse(status=501)
