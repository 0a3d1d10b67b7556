"""Public pages. Plain function views: pick a queryset, filter it, render. Nothing here writes."""

from __future__ import annotations

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Count, Max, Q, Sum
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from . import caching, queries, services, validators
from .filters import ProjectFilter
from .language import lang
from .models import Decision, Organisation, Project, missing_name

PAGE_SIZES = [25, 50, 100, 200]
RANGE_FILTERS = ["start_year", "total_budget", "esf_grant", "participants", "rate"]
DEFAULT_PAGE_SIZE = 50


class CountedPaginator(Paginator):
    """A paginator told the count, which the page's summary query has already computed."""

    def __init__(self, *args, count: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


def _int_param(request: HttpRequest, name: str, default: int, problems: list[str]) -> int:
    raw = request.GET.get(name, "")
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        problems.append(
            _("%(name)s: %(value)s är inte ett heltal.") % {"name": name, "value": raw[:40]}
        )
        return default


def diary_number_jump(query: str) -> Project | None:
    """A search for an exact diary number (2020/00152 or 2020-00152) goes to that project."""
    number = validators.normalise_diary_number(query)
    if validators.diary_number_period(number) is None:
        return None
    return Project.objects.filter(diary_number=number).only("slug").first()


def home(request: HttpRequest) -> HttpResponse:
    figures = cache.get_or_set(caching.LANDING_KEY, landing_figures, timeout=caching.TIMEOUT)
    return render(request, "projects/home.html", {**figures, "lang": lang()})


def landing_figures() -> dict:
    """Key figures by programme period, regions and areas with counts, the latest decisions:
    four queries over the whole registry, cached until the registry changes."""
    by_period = list(
        Project.objects.values("programme__period")
        .annotate(
            projects=Count("id"),
            esf_grant=Sum("esf_grant", default=0),
            participants=Sum("planned_participants", default=0),
            demo=Count("id", filter=Q(is_demo=True)),
        )
        .order_by("programme__period")
    )
    totals = {
        key: sum(row[key] for row in by_period)
        for key in ("projects", "esf_grant", "participants", "demo")
    }
    regions = list(
        Project.objects.values("region__code", "region__name_sv", "region__name_en")
        .annotate(projects=Count("id"), esf_grant=Sum("esf_grant", default=0))
        .order_by("region__code")
    )
    areas = list(
        Project.objects.values(
            "programme_area__code",
            "programme_area__name_sv",
            "programme_area__name_en",
            "programme__period",
        )
        .annotate(projects=Count("id"))
        .order_by("programme__period", "programme_area__code")
    )
    latest = list(
        Decision.objects.exclude(decided_on=None)
        .select_related("project")
        .order_by("-decided_on", "-id")[:8]
    )
    return {
        "by_period": by_period,
        "totals": totals,
        "regions": regions,
        "areas": areas,
        "latest": latest,
    }


def canonical_query(params: QueryDict) -> QueryDict | None:
    """The query without empty fields and defaults, or None when it is already clean.

    A filter form submits every field, mostly empty; redirecting once to the clean query keeps
    the address short enough to read, bookmark and share.
    """
    clean = QueryDict(mutable=True)
    for key in params:
        values = list(dict.fromkeys(v for v in params.getlist(key) if v.strip()))
        if key == "size" and values == [str(DEFAULT_PAGE_SIZE)]:
            continue
        if key in ("sort", "size", "page", "q") and values:
            values = values[-1:]  # the visible control wins over an older hidden value
        if values:
            clean.setlist(key, values)
    return None if clean.urlencode() == params.urlencode() else clean


@caching.page
def project_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    if query and (project := diary_number_jump(query)):
        return redirect(project)
    if (clean := canonical_query(request.GET)) is not None:
        return redirect(f"{request.path}?{clean.urlencode()}" if clean else request.path)
    problems: list[str] = []
    reference = queries.reference_lists()
    filterset = ProjectFilter(request.GET, queryset=Project.objects.for_list(), reference=reference)
    projects = filterset.qs
    problems += filterset.problems()
    today = timezone.localdate()
    summary = caching.aggregate(
        "summary", projects, lambda: queries.summary(projects, today=today), today
    )

    size = _int_param(request, "size", DEFAULT_PAGE_SIZE, problems)
    if size not in PAGE_SIZES:
        problems.append(
            _("Sidstorlek %(size)s finns inte; visar %(default)s per sida.")
            % {"size": size, "default": DEFAULT_PAGE_SIZE}
        )
        size = DEFAULT_PAGE_SIZE
    paginator = CountedPaginator(projects, size, count=summary["projects"])
    number = _int_param(request, "page", 1, problems)
    shown = min(max(number, 1), paginator.num_pages)
    if shown != number:
        problems.append(
            _("Sidan %(page)s finns inte; visar sida %(shown)s.") % {"page": number, "shown": shown}
        )
    page = paginator.page(shown)

    counts = caching.aggregate(
        "facets",
        projects,
        lambda: queries.facet_counts(projects, reference=reference, totals=summary),
        today,
    )
    facets = queries.facets(
        counts,
        reference=reference,
        selected=filterset.selected(),
        labels=filterset.labels(),
        lang=lang(),
    )
    params = request.GET.copy()
    params.pop("page", None)
    active = [
        (facet.name, choice.value, f"{facet.label}: {choice.label}")
        for facet in facets
        for choice in facet.choices
        if choice.selected
    ]
    range_fields = [
        (
            name,
            {
                "label": filterset.filters[name].label,
                "min": request.GET.get(f"{name}_min", "")[:20],
                "max": request.GET.get(f"{name}_max", "")[:20],
            },
        )
        for name in RANGE_FILTERS
    ]
    return render(
        request,
        "projects/project_list.html",
        {
            "filter": filterset,
            "page": page,
            "summary": summary,
            "facets": facets,
            "problems": problems,
            "query_string": params.urlencode(),
            "page_sizes": PAGE_SIZES,
            "size": size,
            "today": today,
            "ranges": filterset.range_filters(),
            "active": active,
            "range_fields": range_fields,
            "export_links": [
                (_("Ladda ner CSV"), reverse("projects:export_csv")),
                (_("JSON"), reverse("projects:export_json")),
                (_("Excel"), reverse("projects:export_xlsx")),
            ],
        },
    )


def project_detail(request: HttpRequest, slug: str) -> HttpResponse:
    if "\x00" in slug:  # PostgreSQL refuses NUL in text; no slug can contain one
        raise Http404
    project = get_object_or_404(Project.objects.for_list(), slug=slug)
    decisions = services.ledger(project.decisions.order_by("id"))
    return render(
        request,
        "projects/project_detail.html",
        {
            "project": project,
            "decisions": decisions,
            "lang": lang(),
            "sources": project.sources(),
        },
    )


@caching.page
def organisation_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    organisations = Organisation.objects.annotate(
        project_count=Count("projects"), esf_grant=Sum("projects__esf_grant", default=0)
    ).filter(project_count__gt=0)
    if query:
        organisations = organisations.filter(
            Q(name__icontains=query) | Q(org_number__startswith=query.replace("-", ""))
        )
    organisations = organisations.order_by("-esf_grant", "name", "id")
    problems: list[str] = []
    paginator = Paginator(organisations, DEFAULT_PAGE_SIZE)
    page = paginator.get_page(_int_param(request, "page", 1, problems))
    return render(
        request,
        "projects/organisation_list.html",
        {"page": page, "query": query, "problems": problems},
    )


def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=pk)
    projects = organisation.projects.for_list().order_by("-start_date", "diary_number")
    totals = queries.summary(organisation.projects.all())
    return render(
        request,
        "projects/organisation_detail.html",
        {"organisation": organisation, "projects": projects, "totals": totals},
    )


def about(request: HttpRequest) -> HttpResponse:
    latest = Project.objects.filter(is_demo=False).aggregate(latest=Max("updated_at"))["latest"]
    demo = Project.objects.filter(is_demo=True).count()
    return render(
        request,
        "projects/about.html",
        {
            "latest": latest,
            "demo": demo,
            "unnamed": queries.unnamed_codes(),
            "placeholder": missing_name("146"),
        },
    )


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "projects/accessibility.html")
