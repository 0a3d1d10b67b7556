"""The portfolio dashboard: charts and tables of the filtered set (same filter as the list)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .filters import ProjectFilter
from .models import Project
from .queries import reference_lists, summary


def dashboard(request: HttpRequest) -> HttpResponse:
    filterset = ProjectFilter(
        request.GET, queryset=Project.objects.all(), reference=reference_lists()
    )
    return render(
        request,
        "projects/dashboard.html",
        {"filter": filterset, "summary": summary(filterset.qs), "problems": filterset.problems()},
    )
