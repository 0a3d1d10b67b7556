"""Reads that combine several queries or return plain data: reference lists, facets, summaries.

Everything is computed in the database with one grouped query per dimension, so the number of
queries per page is constant whatever the number of projects.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, F, Max, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import caching, rollups
from .dimensions import BY_NAME, DIMENSIONS, NONE
from .models import (
    County,
    Decision,
    InterventionField,
    LegalForm,
    Organisation,
    Programme,
    ProgrammeArea,
    Project,
    Region,
    SpecificObjective,
    status_case,
    status_conditions,
)


@dataclass
class ReferenceLists:
    """The code lists a filter form and its facets show (6 queries when not cached)."""

    programmes: list[Programme]
    regions: list[Region]
    counties: list[County]
    areas: list[ProgrammeArea]
    objectives: list[SpecificObjective]
    interventions: list[InterventionField]
    by_code: dict[str, dict[str, object]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_code = {
            dimension.name: {dimension.code_of(row): row for row in self.rows(dimension.name)}
            for dimension in DIMENSIONS
        }

    def rows(self, name: str) -> list:
        """The rows of one dimension's code list, in reference order."""
        return {
            "programme": self.programmes,
            "region": self.regions,
            "county": self.counties,
            "programme_area": self.areas,
            "specific_objective": self.objectives,
            "intervention_field": self.interventions,
        }[name]

    def codes(self, name: str) -> list[str]:
        return list(self.by_code[name])

    @cached_property
    def codes_by_id(self) -> dict[str, dict[int | None, str]]:
        """{dimension: {row id: code}}: a grouped query's ids turned into the address's codes;
        no row (None) is `NONE` in a dimension that offers it ("Utan län"). Built once per
        loaded lists, however many facets a page counts."""
        return {
            dimension.name: {
                **({None: NONE} if dimension.none_label else {}),
                **{row.pk: dimension.code_of(row) for row in self.rows(dimension.name)},
            }
            for dimension in DIMENSIONS
        }

    @cached_property
    def ids_by_code(self) -> dict[str, dict[str, list[int | None]]]:
        """{dimension: {code: [row ids]}}, the inverse of `codes_by_id`: a code may name a row
        in more than one programme, and `NONE` is the id None."""
        result: dict[str, dict[str, list[int | None]]] = {}
        for name, codes in self.codes_by_id.items():
            per_code = result[name] = {}
            for pk, code in codes.items():
                per_code.setdefault(code, []).append(pk)
        return result

    def period_labels(self) -> dict[str, str]:
        """{period: "ESF 2014–2020"} in programme order."""
        return {
            programme.period: f"{programme.fund} {programme.get_period_display()}"
            for programme in self.programmes
        }


def reference_lists() -> ReferenceLists:
    """The code lists, cached until the registry or a code list changes: in the shared cache,
    and in the process for the registry version it last read (unpickling them, some 200 rows,
    took a few milliseconds of every list and dashboard page). They are only read."""
    global _kept_reference_lists
    version = caching.registry_version()
    kept_version, kept = _kept_reference_lists
    if kept_version == version:
        return kept
    lists = cache.get_or_set(f"reference:{version}", _load_reference_lists, timeout=caching.TIMEOUT)
    _kept_reference_lists = (version, lists)  # one assignment: threads see both or neither
    return lists


_kept_reference_lists: tuple[str | None, ReferenceLists | None] = (None, None)


def _load_reference_lists() -> ReferenceLists:
    return ReferenceLists(
        programmes=list(Programme.objects.order_by("first_year")),
        regions=list(Region.objects.order_by("is_national", "code")),
        counties=list(County.objects.select_related("region").order_by("code")),
        areas=list(ProgrammeArea.objects.select_related("programme").order_by(
            "programme__first_year", "code"
        )),
        objectives=list(
            SpecificObjective.objects.select_related("programme_area__programme").order_by(
                "programme_area__programme__first_year", "code"
            )
        ),
        interventions=list(
            InterventionField.objects.select_related("programme").order_by(
                "programme__first_year", "code"
            )
        ),
    )  # fmt: skip


@dataclass(frozen=True)
class UnnamedCodes:
    """The codes of one code list that have no name in either language, by programme period."""

    label: object
    by_period: list[tuple[str, list[str]]]


# The lists whose official texts may lack a name (programmes are named in `reference.py`, and
# every county in `counties.csv`).
NAMED_LISTS = ("region", "programme_area", "specific_objective", "intervention_field")


def unnamed_codes(reference: ReferenceLists | None = None) -> list[UnnamedCodes]:
    """Per code list (regions, areas, objectives, intervention types), its codes without a name:
    they show as `missing_name` says until the list gets them."""
    reference = reference or reference_lists()
    result = []
    for dimension in DIMENSIONS:
        if dimension.name not in NAMED_LISTS:
            continue
        by_period: dict[str, list[str]] = {}
        for row in reference.rows(dimension.name):
            if not row.has_name:
                period = row.programme_of().get_period_display() if dimension.per_programme else ""
                by_period.setdefault(period, []).append(row.code)
        if by_period:
            result.append(UnnamedCodes(dimension.label, list(by_period.items())))
    return result


def shown_rows(page: QuerySet[Project]) -> list[Project]:
    """One page of a list, with the owner and code rows it shows, in two queries: the page's ids
    in its order (filter, sort and LIMIT over the projects alone, which an index can serve),
    then those rows joined. One query joining first would join every matching project to six
    tables before sorting them for the LIMIT."""
    ids = list(page.values_list("pk", flat=True))
    rows = Project.objects.for_list().in_bulk(ids)
    return [rows[pk] for pk in ids]


# The summary's sums (`summary`, `summary_and_counts`): (key, column).
SUMMARY_SUMS = (
    ("total_budget", "total_budget"),
    ("esf_grant", "esf_grant"),
    ("participants", "planned_participants"),
    ("participant_goal", "participant_goal"),
)


def summary(projects: QuerySet[Project], *, today: datetime.date | None = None) -> dict[str, int]:
    """Number of projects, summed money and participants, and how many are upcoming, ongoing
    and finished at `today`, for a filtered set, in one query."""
    today = today or timezone.localdate()
    return projects.order_by().aggregate(
        projects=Count("*"),
        **{key: Sum(column, default=0) for key, column in SUMMARY_SUMS},
        **status_counts(today),
    )


def status_counts(today: datetime.date) -> dict[str, Count]:
    """Projects per status as of `today`, and demo projects, as aggregates over projects
    (`aggregates.STATUS_COUNTS`). They count start_date, which is never NULL and is in
    project_portfolio_idx (like the summary's sums)."""
    return {
        **{
            status: Count("start_date", filter=condition)
            for status, condition in status_conditions(today).items()
        },
        "demo": Count("start_date", filter=Q(is_demo=True)),
    }


@dataclass
class FacetChoice:
    value: str
    label: str
    count: int
    selected: bool
    group: str = ""


@dataclass
class Facet:
    name: str
    label: str
    choices: list[FacetChoice]

    @property
    def selected_count(self) -> int:
        return sum(1 for choice in self.choices if choice.selected)


# The demo-data filter's choices (`?demo=exclude|only`), counted from the summary's `demo`.
DEMO_EXCLUDE, DEMO_ONLY = "exclude", "only"
DEMO_CHOICES = [(DEMO_EXCLUDE, _("Utan demoprojekt")), (DEMO_ONLY, _("Bara demoprojekt"))]


# filter parameter → the project's foreign key its GROUP BY counts (no join needed: the
# reference lists already loaded turn ids into codes)
FACET_KEYS = {dimension.name: dimension.column for dimension in DIMENSIONS}


LEGAL_FORM_KEY = "owner_legal_form"
# Each facet counted over the projects: its column.
PROJECT_FACET_KEYS = {**FACET_KEYS, "legal_form": LEGAL_FORM_KEY}


def counted(filterset, *, per_year: bool = True, legal_form: bool = True) -> QuerySet:
    """The rows a filter's summary and counts read: a portfolio roll-up's when it answers the
    filter (`rollups.portfolio`; without `per_year`, the smaller one without start years when
    the filter allows, and without `legal_form` also without the legal form), else the
    filtered projects."""
    rows = rollups.portfolio(filterset, per_year=per_year, legal_form=legal_form)
    return filterset.qs if rows is None else rows


def windowed(filterset) -> bool:
    """Whether a list page's query gets a start-date window (`page_window`): sorted by start
    date, with a filter on something the roll-up keeps besides the sort."""
    if filterset.effective_sort.lstrip("-") != "start":
        return False
    return bool((rollups.used(filterset) & rollups.ANSWERED) - {"sort"})


def page_window(
    filterset, *, offset: int, limit: int, start_years: dict[int, int] | None = None
) -> Q | None:
    """A filter on the start date that narrows a list page's query without changing its rows
    (`rollups.start_dates`), when the list is sorted by start date and the filter touches
    something the roll-up keeps besides the sort: unfiltered, or filtered only by what it does
    not keep (a search, an amount), the walk of the start-date index has nothing to skip.
    `start_years` are the set's counts per start year when its summary came from the roll-up
    (no query); else the roll-up counts the part of the filter it keeps (one query)."""
    if not windowed(filterset):
        return None
    descending = filterset.effective_sort.startswith("-")
    exact = start_years is not None
    if not exact:
        rows = rollups.matching(filterset, superset=True)
        if rows is None:
            return None
        start_years = caching.aggregate(
            "start-years", rows, lambda: rollups.start_year_counts(rows)
        )
    return rollups.start_dates(
        start_years, descending=descending, offset=offset, limit=limit, exact=exact
    )


def set_summary(rows: QuerySet, *, today: datetime.date) -> dict[str, int]:
    """`summary` of the rows `counted` gave."""
    if rollups.is_portfolio(rows):
        return rollups.summary(rows)
    return summary(rows, today=today)


def grouped_counts(projects: QuerySet, names: Collection[str] | None = None):
    """(facet name, key, count) rows for the facet dimensions `names` (default: all) of the
    filtered set: the projects, or the roll-up's rows (`counted`), whose counts are summed.

    PostgreSQL: one scan with GROUPING SETS, instead of one scan per dimension. SQLite (the small
    embedded default, without GROUPING SETS) and a single dimension: one GROUP BY each.
    """
    rollup = rollups.is_portfolio(projects)
    every = (
        {**rollups.keys(), "legal_form": F("owner_legal_form")} if rollup else PROJECT_FACET_KEYS
    )
    keys = {name: key for name, key in every.items() if names is None or name in names}
    if connection.vendor != "postgresql" or len(keys) == 1:
        weight = Sum("projects") if rollup else Count("*")
        for name, key in keys.items():
            for value, count in projects.values_list(key).annotate(rollup_n=weight).order_by():
                yield name, value, count
        return
    facet_names = list(keys)
    columns = [*keys.values(), *(["projects"] if rollup else [])]
    rows = grouping_sets(
        projects.values_list(*columns),
        keys=len(keys),
        sets=[(i,) for i in range(len(keys))],
        values=1 if rollup else 0,
        aggregates=["SUM(v0)::bigint"] if rollup else ["COUNT(*)"],
    )
    for (index,), values, (count,) in rows:
        yield facet_names[index], values[index], count


def grouping_sets(
    query: QuerySet,
    *,
    keys: int,
    sets: Sequence[tuple[int, ...]],
    values: int = 0,
    aggregates: Sequence[str] = ("COUNT(*)",),
) -> list[tuple[tuple[int, ...], tuple, tuple]]:
    """PostgreSQL's GROUP BY GROUPING SETS over the rows `query` selects, in one pass.

    `query` selects `keys` key columns, then `values` columns that `aggregates` (SQL over
    `v0`, `v1`, …) add up; `sets` name the key positions each grouping keeps. Returns (the
    set, the key values with None where not grouped, the aggregates) per result row; nothing
    when the query can match nothing (a search without words)."""
    try:
        sql, params = query.query.sql_with_params()
    except EmptyResultSet:
        return []
    key_names = [f"k{index}" for index in range(keys)]
    value_names = [f"v{index}" for index in range(values)]
    columns = ", ".join(key_names + value_names)
    grouping = ", ".join("(" + ", ".join(key_names[i] for i in kept) + ")" for kept in sets)
    # GROUPING() sets the bit of each key not grouped in a row's set, the first key highest
    by_mask = {
        sum(1 << (keys - 1 - i) for i in range(keys) if i not in kept): tuple(kept) for kept in sets
    }
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT GROUPING({', '.join(key_names)}), {', '.join(key_names)}, "  # noqa: S608
            f"{', '.join(aggregates)} FROM ({sql}) AS grouped ({columns}) "
            f"GROUP BY GROUPING SETS ({grouping})",
            params,
        )
        return [
            (by_mask[row[0]], tuple(row[1 : 1 + keys]), tuple(row[1 + keys :]))
            for row in cursor.fetchall()
        ]


# The facets of the list, each a set of choices OR-ed within it and AND-ed with the others.
FACET_NAMES = (*FACET_KEYS, "legal_form", "status", "demo")
SUMMARY_FACETS = ("status", "demo")  # counted by the summary query


def code_counts(
    projects: QuerySet[Project], *, reference: ReferenceLists, names: Collection[str]
) -> dict[str, dict]:
    """{facet name: {code: count}} of the set for code-list facets and the legal form.

    Counts are summed per code, since one code may exist in both programmes' lists.
    """
    names = [name for name in names if name not in SUMMARY_FACETS]
    if not names:
        return {}
    return _by_code(grouped_counts(projects.order_by(), names), reference=reference, names=names)


def _by_code(rows, *, reference: ReferenceLists, names: Collection[str]) -> dict[str, dict]:
    """(facet name, key, count) rows as {facet name: {code: count}}."""
    rows_by_id = reference.codes_by_id
    counts: dict[str, dict] = {name: {} for name in names}
    for name, key, count in rows:
        code = key if name == "legal_form" else rows_by_id[name].get(key)
        if code is not None:
            counts[name][code] = counts[name].get(code, 0) + count
    return counts


def summary_and_counts(
    projects: QuerySet[Project],
    *,
    reference: ReferenceLists,
    names: Collection[str],
    today: datetime.date,
) -> tuple[dict[str, int], dict[str, dict]]:
    """`summary` and `code_counts` of a set of projects in one pass on PostgreSQL: the facets'
    GROUPING SETS with the whole set as one more grouping, whose row carries the summary. A
    search or an amount range (which the roll-up cannot answer) then reads its matching
    projects once for both instead of twice. Elsewhere the two queries."""
    names = [name for name in names if name not in SUMMARY_FACETS]
    if connection.vendor != "postgresql" or not names:
        return summary(projects, today=today), code_counts(
            projects, reference=reference, names=names
        )
    keys = {name: PROJECT_FACET_KEYS[name] for name in names}
    statuses = list(status_conditions(today))
    assert all(status.isidentifier() for status in statuses)  # inlined as SQL literals below
    status, demo = len(SUMMARY_SUMS), len(SUMMARY_SUMS) + 1  # their value columns
    rows = grouping_sets(
        projects.order_by().values_list(
            *keys.values(),
            *(column for _key, column in SUMMARY_SUMS),
            status_case(today),
            "is_demo",
        ),
        keys=len(keys),
        sets=[(index,) for index in range(len(keys))] + [()],
        values=len(SUMMARY_SUMS) + 2,
        aggregates=[
            "COUNT(*)",
            *(f"COALESCE(SUM(v{index}), 0)::bigint" for index in range(len(SUMMARY_SUMS))),
            *(f"COUNT(*) FILTER (WHERE v{status} = '{name}')" for name in statuses),
            f"COUNT(*) FILTER (WHERE v{demo})",
        ],
    )
    totals = dict.fromkeys(["projects", *(key for key, _ in SUMMARY_SUMS), *statuses, "demo"], 0)
    facet_names = list(keys)
    grouped = []
    for kept, values, aggregates in rows:
        if kept == ():
            totals = dict(zip(totals, aggregates, strict=True))
        else:
            grouped.append((facet_names[kept[0]], values[kept[0]], aggregates[0]))
    return totals, _by_code(grouped, reference=reference, names=names)


def summary_and_facets(
    filterset, *, reference: ReferenceLists, today: datetime.date
) -> tuple[dict, dict[str, dict]]:
    """The set's summary (with, under `start_years`, the roll-up's projects per start year when
    it came from the portfolio roll-up, else None) and every facet's counts, each facet counted
    without its own choice (`facet_counts`), each part cached: from the roll-up when it answers
    the filter; else the summary and the facets without a choice in one pass over the matching
    projects (`summary_and_counts`), and each facet with a choice one more.

    Tried and not kept: every part in one GROUPING SETS pass over the set filtered without any
    chosen facet, each count restricted by FILTER to the rows that take the other facets'
    choices (docs/performance.md): that set is wider than each facet's own, and a search with
    two facets chosen read many more rows than its three narrow passes.
    """
    rows = counted(filterset)  # per start year: the page's window may need them
    shared = None
    if rows.model is Project:  # the roll-up cannot answer: one pass for summary and facets
        names = unchosen(filterset)
        summary, shared = caching.aggregate(
            "summary-facets",
            rows,
            lambda: summary_and_counts(rows, reference=reference, names=names, today=today),
            tuple(names),
            today,
        )
    else:
        summary = caching.aggregate("summary", rows, lambda: set_summary(rows, today=today), today)
    counts = facet_counts(
        filterset, reference=reference, totals=summary, today=today, shared=shared
    )
    return {**summary, "start_years": summary.get("start_years")}, counts


def unchosen(filterset, names: Collection[str] = ()) -> list[str]:
    """The facets among `names` (default: every one) without a choice in the filter: those
    `facet_counts` counts in one shared query of the filtered set."""
    selected = filterset.selected()
    return [name for name in (names or FACET_NAMES) if not selected.get(name)]


def summary_counts(totals: dict[str, int]) -> dict[str, dict]:
    """The status and demo facets' counts, from a summary query's totals."""
    return {
        "status": {status: totals[status] for status in Project.Status.values},
        "demo": {DEMO_ONLY: totals["demo"], DEMO_EXCLUDE: totals["projects"] - totals["demo"]},
    }


def facet_counts(
    filterset,
    *,
    reference: ReferenceLists,
    totals: dict[str, int],
    today: datetime.date,
    names: Collection[str] = FACET_NAMES,
    shared: dict[str, dict] | None = None,
) -> dict[str, dict]:
    """{facet name: {choice: count}}, each facet counted with every other facet's filter applied
    but not its own (the usual multi-select rule): with `?region=SE21`, every other region shows
    how many projects choosing it too would add, not 0.

    `filterset` is a bound `ProjectFilter`; `totals` its set's summary. Facets without a choice
    share one grouped query of the filtered set (cached); each facet with a choice is one more,
    over the set filtered without it: a page asks at most one query per facet in use.
    `shared` gives the counts inside the filtered set when the page already has them.
    """
    others_shared = unchosen(filterset, names)
    chosen = [name for name in names if name not in others_shared]
    if shared is None:
        projects = counted(filterset, per_year=False, legal_form="legal_form" in others_shared)
        shared = caching.aggregate(
            "facets",
            projects,
            lambda: code_counts(projects, reference=reference, names=others_shared),
            tuple(others_shared),
            today,  # a roll-up's status is as of today
        )
    counts = dict(shared)
    counts.update({k: v for k, v in summary_counts(totals).items() if k in names})
    for name in chosen:
        others = counted(filterset.without(name), per_year=False, legal_form=name == "legal_form")
        if name in SUMMARY_FACETS:
            without = caching.aggregate(
                "summary",
                others,
                lambda others=others: set_summary(others, today=today),
                today,
            )
            counts[name] = summary_counts(without)[name]
        else:
            counts.update(
                caching.aggregate(
                    f"facet:{name}",
                    others,
                    lambda name=name, others=others: code_counts(
                        others, reference=reference, names=[name]
                    ),
                    today,
                )
            )
    return counts


def facets(
    counts: dict[str, dict],
    *,
    reference: ReferenceLists,
    selected: dict[str, list[str]],
    labels: dict[str, str],
    lang: str,
) -> list[Facet]:
    """Every choice of every facet with its count in the filtered set, in reference order.

    Choices with no projects are listed too when selected (so they can be unticked) and for the
    small lists (programme, region, status); long lists hide empty choices.
    """
    result = []
    for dimension in DIMENSIONS:
        name = dimension.name
        chosen = set(selected.get(name) or [])
        choices = []
        for code, row in reference.by_code[name].items():
            count = counts[name].get(code, 0)
            if count == 0 and code not in chosen and not dimension.short:
                continue
            choices.append(
                FacetChoice(
                    value=code,
                    label=facet_label(name, row, lang),
                    count=count,
                    selected=code in chosen,
                    group=facet_group(name, row, lang),
                )
            )
        count = counts[name].get(NONE, 0)
        if dimension.none_label and (count or NONE in chosen):
            choices.append(
                FacetChoice(NONE, str(dimension.none_label), count, NONE in chosen, group="")
            )
        result.append(Facet(name=name, label=labels[name], choices=choices))
    chosen = set(selected.get("legal_form") or [])
    result.append(
        Facet(
            name="legal_form",
            label=labels["legal_form"],
            choices=[
                FacetChoice(value, str(label), counts["legal_form"].get(value, 0), value in chosen)
                for value, label in LegalForm.choices
                if value and (counts["legal_form"].get(value) or value in chosen)
            ],
        )
    )
    result.append(single_choice_facet("status", labels, selected, counts, Project.Status.choices))
    if selected.get("demo") or counts["demo"]["only"]:  # offered while the set has demo projects
        result.append(single_choice_facet("demo", labels, selected, counts, DEMO_CHOICES))
    return result


def single_choice_facet(name: str, labels, selected, counts, choices) -> Facet:
    """A facet whose choices exclude each other (a radio group): status, demo data."""
    chosen = selected.get(name) or ""
    return Facet(
        name=name,
        label=labels[name],
        choices=[
            FacetChoice(value, str(label), counts[name][value], value == chosen)
            for value, label in choices
        ],
    )


def facet_label(name: str, row, lang: str) -> str:
    """A choice's text in the page language: a short list's by name, a long list's by code
    and name ("2 — Stärkt …"); a code without a name says so (`missing_name`)."""
    return row.name_or_placeholder(lang) if BY_NAME[name].short else row.label(lang)


def facet_group(name: str, row, lang: str) -> str:
    """Programme areas, objectives and intervention types are grouped by programme period,
    counties by their region."""
    dimension = BY_NAME[name]
    if dimension.grouped_under:
        return getattr(row, dimension.grouped_under).name_or_placeholder(lang)
    return row.programme_of().get_period_display() if dimension.per_programme else ""


# --- the registry as a whole -------------------------------------------------------------------
def landing_figures() -> dict:
    """Key figures by programme period, regions, counties and areas with counts, the latest
    decisions: five queries over the whole registry, cached until the registry changes."""
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
    counties = list(
        Project.objects.exclude(county=None)
        .values("county__code", "county__name_sv", "county__name_en")
        .annotate(projects=Count("id"), esf_grant=Sum("esf_grant", default=0))
        .order_by("county__code")
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
        "counties": counties,
        "areas": areas,
        "latest": latest,
    }


@dataclass
class CountyFigures:
    """What a county's page shows: its totals, its latest and largest projects and its
    largest project owners."""

    totals: dict[str, int]
    latest: list[Project]
    largest: list[Project]
    owners: list[dict]


COUNTY_PAGE_ROWS = 10


def county_figures(county: County, *, today: datetime.date | None = None) -> CountyFigures:
    """The county's figures in four queries, however many projects it has: the summary, the
    latest-starting and the largest projects (owner and region joined), the owners by ESF
    support."""
    projects = Project.objects.filter(county=county)
    rows = projects.select_related("owner", "region")
    owners = (
        projects.values("owner_id", owner_name=F("owner__name"), owner_is_demo=F("owner__is_demo"))
        .annotate(projects=Count("id"), esf_grant=Sum("esf_grant", default=0))
        .order_by("-esf_grant", "owner_name", "owner_id")[:COUNTY_PAGE_ROWS]
    )
    return CountyFigures(
        totals=summary(projects, today=today),
        latest=list(rows.order_by("-start_date", "slug")[:COUNTY_PAGE_ROWS]),
        largest=list(
            rows.exclude(esf_grant=None).order_by("-esf_grant", "slug")[:COUNTY_PAGE_ROWS]
        ),
        owners=list(owners),
    )


def organisations_with_totals(query: str = "") -> QuerySet[Organisation]:
    """Organisations that own projects, with their project count and ESF support, largest
    support first; `query` narrows to names containing it or org. numbers starting with it."""
    organisations = Organisation.objects.annotate(
        project_count=Count("projects"), esf_grant=Sum("projects__esf_grant", default=0)
    ).filter(project_count__gt=0)
    if query:
        organisations = organisations.filter(
            Q(name__icontains=query) | Q(org_number__startswith=query.replace("-", ""))
        )
    return organisations.order_by("-esf_grant", "name", "id")


def real_data_updated() -> datetime.datetime | None:
    """When real (non-demo) registry data last changed."""
    return Project.objects.filter(is_demo=False).aggregate(latest=Max("updated_at"))["latest"]


def has_demo() -> bool:
    """Whether the registry holds demo projects: one probe of a partial index."""
    return Project.objects.filter(is_demo=True).exists()


def demo_count() -> int:
    return Project.objects.filter(is_demo=True).count()
