"""Reads that combine several queries or return plain data: reference lists, facets, summaries.

Everything is computed in the database with one grouped query per dimension, so the number of
queries per page is constant whatever the number of projects.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import caching
from .dimensions import DIMENSIONS
from .models import (
    InterventionField,
    LegalForm,
    Programme,
    ProgrammeArea,
    Project,
    Region,
    SpecificObjective,
    status_conditions,
)


@dataclass
class ReferenceLists:
    """The code lists a filter form and its facets show (5 queries when not cached)."""

    programmes: list[Programme]
    regions: list[Region]
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
            "programme_area": self.areas,
            "specific_objective": self.objectives,
            "intervention_field": self.interventions,
        }[name]

    def codes(self, name: str) -> list[str]:
        return list(self.by_code[name])


def reference_lists() -> ReferenceLists:
    """The code lists, cached until the registry or a code list changes."""
    return cache.get_or_set(
        f"reference:{caching.registry_version()}", _load_reference_lists, timeout=caching.TIMEOUT
    )


def _load_reference_lists() -> ReferenceLists:
    return ReferenceLists(
        programmes=list(Programme.objects.order_by("first_year")),
        regions=list(Region.objects.order_by("is_national", "code")),
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


def summary(projects: QuerySet[Project], *, today: datetime.date | None = None) -> dict[str, int]:
    """Number of projects, summed money and participants, and how many are upcoming, ongoing
    and finished at `today`, for a filtered set, in one query."""
    today = today or timezone.localdate()
    return projects.order_by().aggregate(
        projects=Count("*"),
        total_budget=Sum("total_budget", default=0),
        esf_grant=Sum("esf_grant", default=0),
        participants=Sum("planned_participants", default=0),
        participant_goal=Sum("participant_goal", default=0),
        # start_date is never NULL: the columns read are all in project_portfolio_idx
        **{
            status: Count("start_date", filter=condition)
            for status, condition in status_conditions(today).items()
        },
        demo=Count("start_date", filter=Q(is_demo=True)),
    )


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
FACET_KEYS = {
    "programme": "programme_id",
    "region": "region_id",
    "programme_area": "programme_area_id",
    "specific_objective": "specific_objective_id",
    "intervention_field": "intervention_field_id",
}


LEGAL_FORM_KEY = "owner__legal_form"


def grouped_counts(projects: QuerySet[Project]):
    """(facet name, key, count) rows for every facet dimension of the filtered set.

    PostgreSQL: one scan with GROUPING SETS, instead of one scan per dimension. SQLite (the small
    embedded default, without GROUPING SETS): one GROUP BY per dimension.
    """
    keys = {**FACET_KEYS, "legal_form": LEGAL_FORM_KEY}
    if connection.vendor != "postgresql":
        for name, key in keys.items():
            for value, count in projects.values_list(key).annotate(n=Count("id")).order_by():
                yield name, value, count
        return
    columns = list(keys.values())
    try:
        sql, params = projects.values_list(*columns).query.sql_with_params()
    except EmptyResultSet:  # e.g. a search with no words: nothing to count
        return
    names = [f"c{index}" for index in range(len(columns))]
    grouping = ", ".join(f"({name})" for name in names)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT GROUPING({', '.join(names)}), {', '.join(names)}, COUNT(*) "  # noqa: S608
            f"FROM ({sql}) AS filtered ({', '.join(names)}) GROUP BY GROUPING SETS ({grouping})",
            params,
        )
        facet_names = list(keys)
        all_bits = (1 << len(names)) - 1
        for row in cursor.fetchall():
            # GROUPING() sets a bit for each column *not* grouped in this row's set
            grouped = all_bits ^ row[0]
            index = len(names) - 1 - grouped.bit_length() + 1
            yield facet_names[index], row[1 + index], row[-1]


def facet_counts(
    projects: QuerySet[Project], *, reference: ReferenceLists, totals: dict[str, int]
) -> dict[str, dict]:
    """{filter name: {code: count}} for the filtered set: one GROUP BY per dimension.

    Counts are summed per code, since one code may exist in both programmes' lists. The
    status counts come from the summary query (`totals`), which already has them.
    """
    rows_by_id = {
        "programme": {p.pk: p.period for p in reference.programmes},
        "region": {r.pk: r.code for r in reference.regions},
        "programme_area": {a.pk: a.code for a in reference.areas},
        "specific_objective": {o.pk: o.code for o in reference.objectives},
        "intervention_field": {i.pk: i.code for i in reference.interventions},
    }
    counts: dict[str, dict] = {name: {} for name in [*FACET_KEYS, "legal_form"]}
    for name, key, count in grouped_counts(projects.order_by()):
        code = key if name == "legal_form" else rows_by_id[name].get(key)
        if code is not None:
            counts[name][code] = counts[name].get(code, 0) + count
    counts["status"] = {status: totals[status] for status in Project.Status.values}
    counts["demo"] = {DEMO_ONLY: totals["demo"], DEMO_EXCLUDE: totals["projects"] - totals["demo"]}
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
    for name in ["programme", "region", "programme_area", "specific_objective",
                 "intervention_field"]:  # fmt: skip
        chosen = set(selected.get(name) or [])
        choices = []
        for code, row in reference.by_code[name].items():
            count = counts[name].get(code, 0)
            if count == 0 and code not in chosen and name not in ("programme", "region"):
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
    if name == "programme":
        return row.name(lang) or row.period
    if name == "region":
        return row.name(lang) or row.code
    text = row.name(lang)
    return f"{row.code} — {text}" if text else row.code


def facet_group(name: str, row, lang: str) -> str:
    """Programme areas, objectives and intervention types are grouped by programme period."""
    if name == "programme_area":
        return row.programme.get_period_display()
    if name == "specific_objective":
        return row.programme_area.programme.get_period_display()
    if name == "intervention_field":
        return row.programme.get_period_display()
    return ""
