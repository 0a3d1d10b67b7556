"""What a filtered page says about its filter: the chips of the filters in force (each a link
that removes it), the dashboard's compact filter form, and the ways out of an empty result.
One summary for the list and the dashboard, built from `ProjectFilter`, so both name a filter
the same way."""

from __future__ import annotations

from typing import NamedTuple

from django.http import QueryDict
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from . import querystring
from .dimensions import DIMENSIONS, NONE
from .filters import DEMO_CHOICES, RANGE_FILTERS, ProjectFilter
from .models import LegalForm, Project
from .queries import Facet, facet_label

# The compact filter form on the dashboard sets these; other parameters ride along hidden.
FORM_FIELDS = ["programme", "region", "programme_area", "status"]


class Chip(NamedTuple):
    label: str
    url: str  # the query string without this filter


def chips(filterset: ProjectFilter, params: QueryDict, language: str) -> list[Chip]:
    """A chip for every filter value in force, in the form's order.

    `params` are the filter's valid parameters (`ProjectFilter.valid_params()`), so a removal
    link never repeats a value the filter ignored.
    """
    selected = filterset.selected()
    labels = filterset.labels()

    def chip(name: str, text: str, key: str | None = None, value: str | None = None) -> Chip:
        url = querystring.encode(querystring.without(params, key or name, value))
        return Chip(f"{labels[name]}: {text}", url)

    result = []
    query = (selected.get("q") or "").strip()
    if query:
        result.append(chip("q", f"”{query}”"))
    for dimension in DIMENSIONS:
        name = dimension.name
        for code in selected.get(name) or []:
            row = filterset.reference.by_code[name].get(code)
            text = facet_label(name, row, language) if row else code
            if code == NONE and dimension.none_label:
                text = str(dimension.none_label)
            programme = getattr(row, "programme", None) if dimension.per_programme else None
            if programme is not None:
                text += f" ({programme.get_period_display()})"
            result.append(chip(name, text, value=code))
    for value, organisation in filterset.owners().items():
        result.append(chip("owner", organisation.name, value=value))
    for code in selected.get("legal_form") or []:
        result.append(chip("legal_form", LegalForm(code).label, value=code))
    if selected.get("status"):
        result.append(chip("status", Project.Status(selected["status"]).label))
    if selected.get("demo"):
        result.append(chip("demo", dict(DEMO_CHOICES)[selected["demo"]]))
    ranges = set(filterset.ranges_in_use())
    for name in (name for name in RANGE_FILTERS if name in ranges):  # in the form's order
        value, shown = selected[name], filterset.form.fields[name].shown
        low = "" if value.start is None else shown(value.start)
        high = "" if value.stop is None else shown(value.stop)
        result.append(chip(name, f"{low}–{high}"))
    return result


def compact_form(
    filterset: ProjectFilter, params: QueryDict, language: str, counts: dict[str, dict]
) -> dict:
    """Choices for the dashboard's compact form with their counts (`queries.facet_counts`),
    and the other parameters as hidden fields."""
    chosen = {name: set(params.getlist(name)) for name in FORM_FIELDS}
    reference = filterset.reference
    periods = reference.period_labels()

    def options(name: str, rows, label) -> list[dict]:
        return [
            {
                "value": value,
                "label": label(row),
                "checked": value in chosen[name],
                "count": counts[name].get(value, 0),
            }
            for value, row in rows
        ]

    areas = []
    for programme in reference.programmes:
        areas.append(
            {
                "group": periods.get(programme.period, programme.period),
                "options": options(
                    "programme_area",
                    [(a.code, a) for a in reference.areas if a.programme_id == programme.pk],
                    lambda a: facet_label("programme_area", a, language),
                ),
            }
        )
    return {
        "programme": options(
            "programme",
            [(p.period, p) for p in reference.programmes],
            lambda p: periods.get(p.period, p.period),
        ),
        "region": options(
            "region",
            [(r.code, r) for r in reference.regions],
            lambda r: facet_label("region", r, language),
        ),
        "areas": areas,
        "status": [
            {
                "value": value,
                "label": label,
                "checked": (params.get("status") or "") == value,
                # "all" is every status: they split the set without the status filter
                "count": counts["status"].get(value, sum(counts["status"].values())),
            }
            for value, label in [("", _("Alla")), *Project.Status.choices]
        ],
        "hidden": [
            (key, value)
            for key, values in params.lists()
            if key not in FORM_FIELDS
            for value in values
        ],
    }


def ways_out(facets: list[Facet], params: QueryDict) -> list[tuple[str, list[Chip]]]:
    """For an empty result: per facet in use, the other choices that do have projects with
    every other filter kept ("Status: Avslutat (51)"), each a link to the list with that choice
    instead. The counts are the facets' own (`queries.facet_counts`), so each link finds them.
    """
    result = []
    for facet in facets:
        if not facet.selected_count:
            continue
        links = [
            Chip(
                f"{choice.label} ({number_format(choice.count, force_grouping=True)})",
                querystring.encode(querystring.replaced(params, **{facet.name: [choice.value]})),
            )
            for choice in facet.choices
            if choice.count and not choice.selected
        ]
        if links:
            result.append((facet.label, links))
    return result
