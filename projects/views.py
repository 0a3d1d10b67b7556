"""Public pages. Plain function views: pick a queryset, filter it, render. Nothing here writes."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from . import (
    aggregates,
    caching,
    filter_summary,
    presenters,
    queries,
    services,
    validators,
)
from .filters import RANGE_FILTERS, ProjectFilter
from .language import lang
from .models import County, Organisation, Project, ProjectOrganisation, missing_name

PAGE_SIZES = [25, 50, 100, 200]
DEFAULT_PAGE_SIZE = 50
# The facets shown open on arrival; the others open with a click (or when one is chosen).
OPEN_FACETS = ("programme", "region", "programme_area", "status", "demo")
# The parameters a page reads besides the filter's; any other is reported as ignored.
LIST_PARAMS = ("page", "size")
DASHBOARD_PARAMS = ("page", "size")  # links from the list carry its page size along


class CountedPaginator(Paginator):
    """A paginator told the count, which the page's summary query has already computed, whose
    pages hold the rows as `queries.shown_rows` reads them (joined only for the rows shown)."""

    def __init__(self, *args, count: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count

    def page(self, number):
        page = super().page(number)
        page.object_list = queries.shown_rows(page.object_list)
        return page


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
    figures = cache.get_or_set(
        caching.LANDING_KEY, queries.landing_figures, timeout=caching.TIMEOUT
    )
    return render(request, "projects/home.html", {**figures, "lang": lang()})


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
    filterset = ProjectFilter(request.GET, queryset=Project.objects.all(), reference=reference)
    projects = filterset.qs
    problems += filterset.problems(page_params=LIST_PARAMS)
    today = filterset.today
    summary, counts = queries.summary_and_facets(filterset, reference=reference, today=today)
    start_years = summary.pop("start_years", None)  # the roll-up's, for the page's window

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
    window = queries.page_window(
        filterset, offset=(shown - 1) * size, limit=size, start_years=start_years
    )
    if window is not None:
        paginator.object_list = projects.filter(window)
    page = paginator.page(shown)

    facets = queries.facets(
        counts,
        reference=reference,
        selected=filterset.selected(),
        labels=filterset.labels(),
        lang=lang(),
    )
    params = request.GET.copy()
    params.pop("page", None)
    # A chip removes its filter and keeps the others (not the values they ignored), the sort
    # and the page size.
    chip_params = filterset.valid_params()
    if size != DEFAULT_PAGE_SIZE:
        chip_params["size"] = str(size)
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
            "ranges": filterset.ranges_in_use(),
            "open_facets": OPEN_FACETS,
            "chips": filter_summary.chips(filterset, chip_params, lang()),
            "ways_out": filter_summary.ways_out(facets, chip_params)
            if not summary["projects"]
            else [],
            "feed_url": feed_url(filterset),
            "range_fields": range_fields(filterset, request.GET),
            "export_links": [
                (_("Ladda ner CSV"), reverse("projects:export_csv")),
                (_("JSON"), reverse("projects:export_json")),
                (_("Excel"), reverse("projects:export_xlsx")),
                (_("Beslut som CSV"), reverse("projects:decision_export_csv")),
                (_("Beslut som Excel"), reverse("projects:decision_export_xlsx")),
            ],
        },
    )


def feed_url(filterset: ProjectFilter) -> str:
    """The Atom feed of the decisions on the projects the filter selects (not its sort)."""
    params = filterset.valid_params()
    params.pop("sort", None)
    query = params.urlencode()
    return reverse("projects:decision_feed") + (f"?{query}" if query else "")


def range_fields(filterset: ProjectFilter, params) -> list[tuple[str, dict]]:
    """The from–to inputs of the filter form, with the values as typed."""
    return [
        (
            name,
            {
                "label": filterset.filters[name].label,
                "min": params.get(f"{name}_min", "")[:20],
                "max": params.get(f"{name}_max", "")[:20],
            },
        )
        for name in RANGE_FILTERS
    ]


@caching.page
def dashboard(request: HttpRequest) -> HttpResponse:
    reference = queries.reference_lists()
    filterset = ProjectFilter(request.GET, queryset=Project.objects.all(), reference=reference)
    language = lang()
    # Links and hidden fields repeat only the filter values that were taken.
    params = filterset.valid_params()
    links = presenters.ListLinks(params, filterset.selected())
    rows = aggregates.filtered_dashboard_rows(filterset)
    counts = queries.facet_counts(
        filterset,
        reference=reference,
        totals=aggregates.portfolio_summary(rows["portfolio"]),
        today=filterset.today,
        names=filter_summary.FORM_FIELDS,
        shared=aggregates.counts_from_rows(
            rows["portfolio"], reference=reference, names=filter_summary.FORM_FIELDS
        ),
    )
    sections = []
    if rows["portfolio"]:
        sections = presenters.build_sections(
            **rows, reference=reference, language=language, links=links
        )
    return render(
        request,
        "projects/dashboard.html",
        {
            "filter": filterset,
            "figures": presenters.key_figures(rows["portfolio"], rows["distribution"]),
            "sections": sections,
            "problems": filterset.problems(page_params=DASHBOARD_PARAMS),
            "chips": filter_summary.chips(filterset, params, language),
            "list_url": links.all(),
            "query_string": params.urlencode(),
            "form": filter_summary.compact_form(filterset, params, language, counts),
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
    organisations = queries.organisations_with_totals(query)
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
    projects = organisation.projects.for_list().order_by("-start_date", "slug")
    totals = queries.summary(organisation.projects.all())
    partner_in = (
        Project.objects.filter(organisation_links__organisation=organisation)
        .filter(organisation_links__role=ProjectOrganisation.Role.PARTNER)
        .for_list()
        .distinct()
        .order_by("-start_date", "slug")
    )
    return render(
        request,
        "projects/organisation_detail.html",
        {
            "organisation": organisation,
            "projects": projects,
            "totals": totals,
            "partner_projects": partner_in,
        },
    )


@caching.page
def county_detail(request: HttpRequest, code: str) -> HttpResponse:
    """A county's page: its region, key figures, latest and largest projects, largest owners,
    and links to the same set in the list, the dashboard and the exports."""
    county = County.objects.select_related("region").filter(code=code).first()
    if county is None:
        raise Http404
    return render(
        request,
        "projects/county_detail.html",
        {
            "county": county,
            "figures": queries.county_figures(county, today=timezone.localdate()),
            "query": f"county={county.code}",
            "lang": lang(),
        },
    )


def about(request: HttpRequest) -> HttpResponse:
    context = {
        "latest": queries.real_data_updated(),
        "demo": queries.demo_count(),
        "unnamed": queries.unnamed_codes(),
        "placeholder": missing_name("146"),
    }
    return render(request, "projects/about.html", context)


def open_data(request: HttpRequest) -> HttpResponse:
    """The API, the feeds and the downloads, in words, with example addresses."""
    return render(request, "projects/api.html")


def accessibility(request: HttpRequest) -> HttpResponse:
    contact = {"email": settings.ACCESSIBILITY_EMAIL, "phone": settings.ACCESSIBILITY_PHONE}
    return render(request, "projects/accessibility.html", {"contact": contact})
