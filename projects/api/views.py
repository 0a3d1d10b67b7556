"""The API's endpoints: each a read of the registry through the same filter, queries and
aggregates as the HTML pages, so the numbers are the pages' numbers.

A query string with anything the filter would ignore (an unknown parameter, a bad code, an
amount that is not a number, a bad cursor) is refused with 400 and the messages the list page
would show, in `errors`: a program that misspells `regoin=SE21` should hear so, not get the
whole registry. `lang=en` gives English messages and names in the aggregates.
"""

from __future__ import annotations

import django_filters
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import caching, dashboard_tables, queries, services
from ..dashboard_tables import dashboard_filter
from ..decision_filters import DecisionFilter, Decisions
from ..filters import DEFAULT_SORT, RELEVANCE, SORT_FIELDS, ProjectFilter, sort_choices
from ..models import Decision, LegalForm, Organisation, Project
from . import serializers as s
from .conditional import registry_conditional
from .pagination import CursorError, Key, keyset_page, page_size

# Parameters of the API itself, besides the filters'
PAGE_PARAMS = ("cursor", "size", "lang")
LANGUAGES = ("sv", "en")


class BadRequest(Exception):
    def __init__(self, errors: list[str]) -> None:
        super().__init__(errors)
        self.errors = errors


def bad_request(errors: list[str]) -> Response:
    return Response(
        {"detail": _("Ogiltiga parametrar."), "errors": [str(e) for e in errors]}, status=400
    )


class ApiView(APIView):
    """An endpoint answered in the language of `lang` (sv by default), with ETag/304."""

    def dispatch(self, request, *args, **kwargs):
        language = request.GET.get("lang", "")
        with translation.override(language if language in LANGUAGES else "sv"):
            return super().dispatch(request, *args, **kwargs)

    def handle_exception(self, exc):
        if isinstance(exc, BadRequest):
            return bad_request(exc.errors)
        return super().handle_exception(exc)

    @staticmethod
    def language_problems(request) -> list[str]:
        language = request.GET.get("lang", "")
        if language and language not in LANGUAGES:
            return [_("lang: %(value)s ignorerades (sv eller en).") % {"value": language[:40]}]
        return []

    @staticmethod
    def next_link(request, cursor: str | None) -> str | None:
        if cursor is None:
            return None
        params = request.GET.copy()
        params["cursor"] = cursor
        return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")


def _context(request) -> dict:
    return {"request": request, "today": timezone.localdate()}


# --- the parameters, for the schema ------------------------------------------------------------
def _filter_parameters(filterset_class) -> list[OpenApiParameter]:
    """One query parameter per filter (two for a from–to range), from its declaration."""
    result = []
    for name, declared in filterset_class.base_filters.items():
        label = str(declared.label or name)
        if isinstance(declared, django_filters.RangeFilter):
            date = name == "decided_on"
            kind = OpenApiTypes.DATE if date else OpenApiTypes.NUMBER
            for bound, word in (("min", "from"), ("max", "to")):
                result.append(
                    OpenApiParameter(
                        f"{name}_{bound}", kind, description=f"{label}, {word} (inclusive)"
                    )
                )
            continue
        many = isinstance(declared, django_filters.MultipleChoiceFilter) or name == "owner"
        enum = None
        if name == "sort":
            enum = [value for value, _label in sort_choices()]
        elif name in ("status", "demo", "kind", "legal_form"):
            enum = [str(v) for v, _l in declared.extra.get("choices", [])]
        result.append(
            OpenApiParameter(
                name,
                OpenApiTypes.STR,
                description=label + (" (repeat for several)" if many else ""),
                many=many,
                explode=True if many else None,
                enum=enum or None,
            )
        )
    return result


PROJECT_PARAMETERS = _filter_parameters(ProjectFilter)
DECISION_PARAMETERS = _filter_parameters(DecisionFilter)
PAGE_PARAMETERS = [
    OpenApiParameter("cursor", OpenApiTypes.STR, description="From `links.next` of a page."),
    OpenApiParameter("size", OpenApiTypes.INT, description="Rows per page, 1–1000 (100)."),
]
LANG_PARAMETER = OpenApiParameter(
    "lang", OpenApiTypes.STR, enum=["sv", "en"], description="Language of messages and names."
)
ERROR_RESPONSE = inline_serializer(
    "Error",
    {
        "detail": serializers.CharField(),
        "errors": serializers.ListField(child=serializers.CharField()),
    },
)


# --- projects --------------------------------------------------------------------------------
def project_keys(filterset: ProjectFilter, projects) -> tuple[list[Key] | None, str]:
    """The list's order as keyset keys, and its name; None (offset) for the search rank."""
    sort = filterset.effective_sort
    if sort == RELEVANCE:
        if "search_rank" in projects.query.annotations:
            return None, sort
        sort = DEFAULT_SORT
    field = SORT_FIELDS[sort.lstrip("-")]
    nullable = Project._meta.get_field(field).null
    # The slug breaks ties: unique and never NULL (a 2007–2013 project has no diary number),
    # and in the diary numbers' order for the projects that have one.
    return [Key(field, sort.startswith("-"), nullable), Key("slug")], sort


ProjectPage = s.paginated("projects", s.ProjectSerializer(), summary=s.SummarySerializer())


class ProjectList(ApiView):
    @extend_schema(
        operation_id="listProjects",
        summary="Projects",
        description=(
            "The projects the list's filters select, in the list's order (`sort`), a page "
            "at a time: follow `links.next`. `summary` counts and sums the whole selection, "
            "as the list page's summary line does."
        ),
        parameters=[*PROJECT_PARAMETERS, *PAGE_PARAMETERS, LANG_PARAMETER],
        responses={200: ProjectPage, 400: ERROR_RESPONSE},
    )
    @registry_conditional
    def get(self, request):
        reference = queries.reference_lists()
        filterset = ProjectFilter(
            request.GET, queryset=Project.objects.for_list(), reference=reference
        )
        problems = filterset.problems(page_params=PAGE_PARAMS) + self.language_problems(request)
        size = page_size(request.GET, problems)
        if problems:
            raise BadRequest(problems)
        projects = filterset.qs
        today = timezone.localdate()
        summary = caching.aggregate(
            "summary", projects, lambda: queries.summary(projects, today=today), today
        )
        keys, order = project_keys(filterset, projects)
        try:
            page = keyset_page(
                projects, keys, order=order, cursor=request.GET.get("cursor", ""), size=size
            )
        except CursorError:
            raise BadRequest([_("cursor: ogiltig; använd länken links.next.")]) from None
        return Response(
            {
                "summary": summary,
                "size": size,
                "links": {
                    "self": request.build_absolute_uri(),
                    "next": self.next_link(request, page.next_cursor),
                },
                "projects": s.ProjectSerializer(
                    page.rows, many=True, context=_context(request)
                ).data,
            }
        )


class ProjectDetail(ApiView):
    @extend_schema(
        operation_id="getProject",
        summary="One project",
        description="A project with its decisions in the order the ledger reads them (each "
        "with the ESF grant and budget after it) and the sources of its data.",
        parameters=[LANG_PARAMETER],
        responses={200: s.ProjectDetailSerializer, 404: OpenApiTypes.OBJECT},
    )
    @registry_conditional
    def get(self, request, slug: str):
        if "\x00" in slug:
            raise Http404
        project = get_object_or_404(Project.objects.for_list(), slug=slug)
        decisions = services.ledger(project.decisions.order_by("id"))
        context = {**_context(request), "decisions": decisions}
        return Response(s.ProjectDetailSerializer(project, context=context).data)


# --- organisations ---------------------------------------------------------------------------
ORGANISATION_KEYS = [Key("esf_grant", descending=True), Key("name"), Key("id")]
OrganisationPage = s.paginated("organisations", s.OrganisationSerializer())


class OrganisationList(ApiView):
    @extend_schema(
        operation_id="listOrganisations",
        summary="Organisations",
        description="Organisations that own projects, with their project count and ESF "
        "grant, the largest grant first (as on the organisations page).",
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, description="Name, or org. number start."),
            *PAGE_PARAMETERS,
            LANG_PARAMETER,
        ],
        responses={200: OrganisationPage, 400: ERROR_RESPONSE},
    )
    @registry_conditional
    def get(self, request):
        problems = [
            _("%(name)s: okänd parameter, ignorerades.") % {"name": key[:40]}
            for key in request.GET
            if key not in (*PAGE_PARAMS, "q")
        ] + self.language_problems(request)
        size = page_size(request.GET, problems)
        if problems:
            raise BadRequest(problems)
        organisations = queries.organisations_with_totals(request.GET.get("q", "").strip()[:200])
        try:
            page = keyset_page(
                organisations,
                ORGANISATION_KEYS,
                order="grant",
                cursor=request.GET.get("cursor", ""),
                size=size,
            )
        except CursorError:
            raise BadRequest([_("cursor: ogiltig; använd länken links.next.")]) from None
        return Response(
            {
                "size": size,
                "links": {
                    "self": request.build_absolute_uri(),
                    "next": self.next_link(request, page.next_cursor),
                },
                "organisations": s.OrganisationSerializer(
                    page.rows, many=True, context=_context(request)
                ).data,
            }
        )


class OrganisationDetail(ApiView):
    @extend_schema(
        operation_id="getOrganisation",
        summary="One organisation",
        description="An organisation with all its projects and their totals (as its page).",
        parameters=[LANG_PARAMETER],
        responses={200: s.OrganisationDetailSerializer, 404: OpenApiTypes.OBJECT},
    )
    @registry_conditional
    def get(self, request, pk: int):
        organisation = get_object_or_404(Organisation, pk=pk)
        projects = list(
            organisation.projects.select_related("programme").order_by("-start_date", "slug")
        )
        totals = queries.summary(organisation.projects.all())
        organisation.project_count = totals["projects"]
        organisation.esf_grant = totals["esf_grant"]
        data = s.OrganisationSerializer(organisation, context=_context(request)).data
        data["totals"] = totals
        data["projects"] = s.CompactProjectSerializer(
            projects, many=True, context=_context(request)
        ).data
        return Response(data)


# --- decisions -------------------------------------------------------------------------------
DECISION_KEYS = [Key("decided_on", descending=True, nullable=True), Key("id", descending=True)]
DecisionPage = s.paginated("decisions", s.DecisionWithProjectSerializer())


class DecisionList(ApiView):
    @extend_schema(
        operation_id="listDecisions",
        summary="Decisions",
        description="Decisions on the projects the project filters select, narrowed by "
        "decision date (`decided_on_min`, `decided_on_max`), kind and project; the latest "
        "first, undated snapshots last.",
        parameters=[*PROJECT_PARAMETERS, *DECISION_PARAMETERS, *PAGE_PARAMETERS, LANG_PARAMETER],
        responses={200: DecisionPage, 400: ERROR_RESPONSE},
    )
    @registry_conditional
    def get(self, request):
        selection = Decisions(
            request.GET, reference=queries.reference_lists(), page_params=PAGE_PARAMS
        )
        problems = selection.problems() + self.language_problems(request)
        size = page_size(request.GET, problems)
        if problems:
            raise BadRequest(problems)
        try:
            page = keyset_page(
                selection.qs,
                DECISION_KEYS,
                order="latest",
                cursor=request.GET.get("cursor", ""),
                size=size,
            )
        except CursorError:
            raise BadRequest([_("cursor: ogiltig; använd länken links.next.")]) from None
        return Response(
            {
                "size": size,
                "links": {
                    "self": request.build_absolute_uri(),
                    "next": self.next_link(request, page.next_cursor),
                },
                "decisions": s.DecisionWithProjectSerializer(
                    page.rows, many=True, context=_context(request)
                ).data,
            }
        )


# --- code lists ------------------------------------------------------------------------------
def _codes(rows, **extra) -> list[dict]:
    return [
        {"code": row.code, "name_sv": row.name_sv, "name_en": row.name_en,
         **{key: value(row) for key, value in extra.items()}}
        for row in rows
    ]  # fmt: skip


CODE_ITEM = {"type": "array", "items": {"type": "object", "additionalProperties": True}}


class CodeLists(ApiView):
    @extend_schema(
        operation_id="getCodeLists",
        summary="Code lists",
        description="Every code list a project is placed in (the `code` is what the filters "
        "take; for programmes the `period`), and the legal forms, statuses and decision kinds.",
        parameters=[LANG_PARAMETER],
        responses={200: OpenApiTypes.OBJECT},
    )
    @registry_conditional
    def get(self, request):
        reference = queries.reference_lists()
        return Response(
            {
                "programme": s.ProgrammeSerializer(reference.programmes, many=True).data,
                "region": _codes(reference.regions, is_national=lambda r: r.is_national),
                "programme_area": _codes(reference.areas, period=lambda r: r.programme.period),
                "specific_objective": _codes(
                    reference.objectives,
                    period=lambda r: r.programme_area.programme.period,
                    programme_area=lambda r: r.programme_area.code,
                ),
                "intervention_field": _codes(
                    reference.interventions,
                    period=lambda r: r.programme.period,
                    group_en=lambda r: r.group_en,
                ),
                "legal_form": [
                    {"code": value, "name": str(label)}
                    for value, label in LegalForm.choices
                    if value
                ],
                "status": [{"code": v, "name": str(label)} for v, label in Project.Status.choices],
                "decision_kind": [
                    {"code": v, "name": str(label)} for v, label in Decision.Kind.choices
                ],
            }
        )


# --- aggregates ------------------------------------------------------------------------------
TABLE_SCHEMA = inline_serializer(
    "Aggregates",
    {
        "key_figures": s.AnyObject(),
        "tables": serializers.ListField(child=s.AnyObject()),
        "links": s.AnyObject(),
    },
)


class Aggregates(ApiView):
    @extend_schema(
        operation_id="getAggregates",
        summary="Dashboard aggregates",
        description="The dashboard's key figures and every table behind its charts, for the "
        "same filters: each table has its columns (label and unit: kr, number, percent) and "
        "rows (label, values in column order, a link to the projects behind the row).",
        parameters=[*PROJECT_PARAMETERS, LANG_PARAMETER],
        responses={200: TABLE_SCHEMA, 400: ERROR_RESPONSE},
    )
    @registry_conditional
    def get(self, request):
        filterset = dashboard_filter(request.GET)
        problems = filterset.problems(page_params=("lang",))
        if problems:
            raise BadRequest(problems)
        figures, tables = dashboard_tables.tables(filterset, absolute=request.build_absolute_uri)
        query = filterset.valid_params().urlencode()
        html = reverse("projects:dashboard") + (f"?{query}" if query else "")
        return Response(
            {
                "key_figures": figures,
                "tables": tables,
                "links": {
                    "self": request.build_absolute_uri(),
                    "html": request.build_absolute_uri(html),
                },
            }
        )


class Root(ApiView):
    @extend_schema(exclude=True)
    def get(self, request):
        def link(name: str) -> str:
            return request.build_absolute_uri(reverse(name))

        return Response(
            {
                "links": {
                    "projects": link("api:projects"),
                    "organisations": link("api:organisations"),
                    "decisions": link("api:decisions"),
                    "codes": link("api:codes"),
                    "aggregates": link("api:aggregates"),
                    "schema": link("api:schema"),
                    "docs": link("api:docs"),
                }
            }
        )
