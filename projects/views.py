"""Public pages. Plain function views: pick a queryset, render."""

from django.db.models import Count, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from .models import Organisation, Project


def home(request: HttpRequest) -> HttpResponse:
    # 1: one aggregate over all projects
    figures = Project.objects.aggregate(
        projects=Count("id"),
        esf_grant=Sum("esf_grant", default=0),
        participants=Sum("planned_participants", default=0),
    )
    return render(request, "projects/home.html", {"figures": figures})


def project_detail(request: HttpRequest, slug: str) -> HttpResponse:
    project = get_object_or_404(Project.objects.for_list(), slug=slug)
    decisions = project.decisions.order_by("decided_on", "id")
    return render(
        request, "projects/project_detail.html", {"project": project, "decisions": decisions}
    )


def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=pk)
    projects = organisation.projects.for_list().order_by("-start_date", "diary_number")
    return render(
        request,
        "projects/organisation_detail.html",
        {"organisation": organisation, "projects": projects},
    )
