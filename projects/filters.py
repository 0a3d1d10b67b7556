"""ProjectFilter: the one filter behind the project list, the dashboard and the exports.

Every filter state is a plain query string (`?region=SE21&programme_area=2&status=ongoing`).
Invalid values never raise: django-filter leaves an invalid field out of `cleaned_data`, so the
valid part still filters, and `problems()` tells the page what was ignored and why.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection

import django_filters
from django import forms
from django.db.models import F, Q
from django.http import QueryDict
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from . import number_fields, querystring, validators
from .dimensions import DIMENSIONS, NONE
from .models import LegalForm, Organisation, Project, ProjectOrganisation
from .queries import DEMO_CHOICES, DEMO_ONLY, ReferenceLists, reference_lists

# sort key in the URL → model field; "-" in front means descending. Ties break on the slug (the
# diary numbers' order; a 2007–2013 project has no diary number).
SORT_FIELDS = {
    "diary_number": "diary_number",
    "name": "name",
    "start": "start_date",
    "end": "end_date",
    "budget": "total_budget",
    "grant": "esf_grant",
    "participants": "planned_participants",
    "rate": "cofinancing_rate",
}
SORT_LABELS = {
    "diary_number": _("Diarienummer"),
    "name": _("Namn"),
    "start": _("Startdatum"),
    "end": _("Slutdatum"),
    "budget": _("Total budget"),
    "grant": _("ESF-stöd"),
    "participants": _("Deltagare"),
    "rate": _("Medfinansieringsgrad"),
}
DEFAULT_SORT = "-start"

RELEVANCE = "relevance"


def sort_choices() -> list[tuple[str, str]]:
    choices = [(RELEVANCE, _("Relevans (vid sökning)"))]
    for key, label in SORT_LABELS.items():
        choices.append((key, _("%(field)s, stigande") % {"field": label}))
        choices.append((f"-{key}", _("%(field)s, fallande") % {"field": label}))
    return choices


class RangeWidget(django_filters.widgets.RangeWidget):
    suffixes = ["min", "max"]


def bounded_range(*, label, field_name=None, minimum=0, maximum=10**13, decimals=0, grouping=True):
    """A from–to filter whose bounds are checked, so absurd numbers give a message, not a 500."""

    def bound():
        if decimals:
            return number_fields.DecimalField(
                min_value=minimum, max_value=maximum, max_digits=16, decimal_places=decimals
            )
        return number_fields.IntegerField(min_value=minimum, max_value=maximum)

    class Field(django_filters.fields.RangeField):
        def __init__(self, *args, **kwargs):
            super().__init__((bound(), bound()), *args, **kwargs)

        @staticmethod
        def shown(value) -> str:
            """A bound as the page writes it: amounts grouped (1 000 000), years not."""
            return number_format(value) if grouping else str(value)

        def compress(self, data_list):
            if data_list and all(value is None for value in data_list):
                return None
            if data_list and None not in data_list[:2] and data_list[0] > data_list[1]:
                raise forms.ValidationError(
                    _("från %(low)s är större än till %(high)s")
                    % {"low": self.shown(data_list[0]), "high": self.shown(data_list[1])}
                )
            return super().compress(data_list)

    class Filter(django_filters.RangeFilter):
        field_class = Field

        def filter(self, qs, value):
            # Both bounds as >= and <=, not __range: a year's bounds then become dates
            # (start_date >= 1 Jan, < 1 Jan next), not an EXTRACT of every project's year.
            if value and value.start is not None and value.stop is not None:
                low, high = (f"{self.field_name}__{lookup}" for lookup in ("gte", "lte"))
                return self.get_method(qs)(**{low: value.start, high: value.stop})
            return super().filter(qs, value)

    kwargs = {"field_name": field_name} if field_name else {}
    return Filter(label=label, widget=RangeWidget(), **kwargs)


class LenientMultipleChoiceField(django_filters.fields.MultipleChoiceField):
    """Keeps the valid values of a multi-select and remembers the unknown ones.

    `?region=SE21&region=XX` filters on SE21 and reports XX, instead of dropping both.
    """

    ignored: list[str] = []
    ignored_reason = _("okänd kod")

    def clean(self, value):
        values = self.to_python(value)
        self.ignored = [v for v in values if not self.valid_value(v)]
        return super().clean([v for v in values if self.valid_value(v)])


class CodesFilter(django_filters.MultipleChoiceFilter):
    """Codes of one list, OR-ed; with `none_field`, the value `none` also takes the projects
    without a row (`?county=none`, "Utan län")."""

    field_class = LenientMultipleChoiceField

    def __init__(self, *args, none_field: str = "", **kwargs):
        # Every code filter follows a to-one relation, so no row can repeat: skip DISTINCT,
        # which would force PostgreSQL to sort the whole filtered set.
        kwargs.setdefault("distinct", False)
        super().__init__(*args, **kwargs)
        self.none_field = none_field

    def filter(self, qs, value):
        if not self.none_field or NONE not in (value or []):
            return super().filter(qs, value)
        codes = [code for code in value if code != NONE]
        condition = Q(**{f"{self.none_field}__isnull": True})
        if codes:
            condition |= Q(**{f"{self.field_name}__in": codes})
        return qs.filter(condition)


MAX_OWNERS = 50


class OwnerField(forms.Field):
    """Organisations by id (`owner=42`) or organisation number (`owner=802518-5011`), several
    allowed; the values that name no organisation are remembered as ignored, like bad codes.

    Cleaning looks all of them up in one query; `organisations` maps each value taken to its
    organisation, for the filter and for the chips.
    """

    widget = forms.MultipleHiddenInput
    ignored_reason = _("okänd organisation")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.ignored: list[str] = []
        self.organisations: dict[str, Organisation] = {}

    def clean(self, value) -> list[str]:
        values = list(dict.fromkeys(v.strip() for v in value or [] if v and v.strip()))
        ids = {v: int(v) for v in values if v.isdigit() and len(v) < 10}
        numbers = {
            v: number
            for v in values
            if v not in ids and len(number := validators.normalise_org_number(v)) == 10
        }
        found = (
            Organisation.objects.filter(
                Q(pk__in=ids.values()) | Q(org_number__in=numbers.values())
            ).only("pk", "name", "org_number")[: MAX_OWNERS * 2]
            if ids or numbers
            else []
        )
        by_id = {organisation.pk: organisation for organisation in found}
        by_number = {organisation.org_number: organisation for organisation in found}
        self.organisations = {}
        for raw in values[:MAX_OWNERS]:
            organisation = by_id.get(ids[raw]) if raw in ids else by_number.get(numbers.get(raw))
            if organisation is not None:
                self.organisations[raw] = organisation
        self.ignored = [v for v in values if v not in self.organisations]
        return list(self.organisations)


OWNER_ROLE_PARAMETER, ANY_ROLE = "role", "any"


class OwnerFilter(django_filters.Filter):
    """Projects the chosen organisations own; with `role=any` also those they are partners in
    (`ProjectOrganisation`), so `?owner=12&role=any` lists all of organisation 12's projects."""

    field_class = OwnerField

    def filter(self, queryset, value):
        if not value:
            return queryset
        organisations = self.parent.form.fields[self.field_name].organisations
        ids = {organisations[raw].pk for raw in value}
        if self.parent.data.get(OWNER_ROLE_PARAMETER) == ANY_ROLE:
            partner_of = ProjectOrganisation.objects.filter(organisation_id__in=ids).values(
                "project_id"
            )
            return queryset.filter(Q(owner_id__in=ids) | Q(pk__in=partner_of))
        return queryset.filter(owner_id__in=ids)


class ProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_q",
        label=_("Sök"),
        max_length=200,
        help_text=_("Diarienummer, namn, projektägare, ort eller beskrivning."),
    )
    # one multi-select per code-list dimension (projects/dimensions.py), in its order
    locals().update(
        {
            d.name: CodesFilter(
                field_name=d.lookup, label=d.label, none_field=d.name if d.none_label else ""
            )
            for d in DIMENSIONS
        }
    )
    owner = OwnerFilter(field_name="owner", label=_("Projektägare"))
    legal_form = CodesFilter(
        field_name="owner_legal_form",  # the project's copy: no join to its owner
        choices=[(value, label) for value, label in LegalForm.choices if value],
        label=_("Projektägarens juridiska form"),
    )
    status = django_filters.ChoiceFilter(
        method="filter_status", choices=Project.Status.choices, label=_("Status i dag")
    )
    demo = django_filters.ChoiceFilter(
        method="filter_demo", choices=DEMO_CHOICES, label=_("Demodata")
    )
    # a __year lookup builds date(year, 1, 1): year 0 would be a ValueError, not a filter
    start_year = bounded_range(
        field_name="start_date__year", label=_("Startår"), minimum=1900, maximum=2100,
        grouping=False,
    )  # fmt: skip
    total_budget = bounded_range(label=_("Total budget (kr)"))
    esf_grant = bounded_range(label=_("Beviljat ESF-stöd (kr)"))
    participants = bounded_range(
        field_name="planned_participants", label=_("Planerade deltagare"), maximum=10**9
    )
    rate = bounded_range(
        field_name="cofinancing_rate", label=_("Medfinansieringsgrad (%)"), maximum=100, decimals=2
    )
    sort = django_filters.ChoiceFilter(
        method="filter_sort", choices=[], label=_("Sortering"), empty_label=None
    )

    class Meta:
        model = Project
        fields: list[str] = []

    def __init__(
        self,
        data=None,
        *args,
        today: datetime.date | None = None,
        reference: ReferenceLists | None = None,
        **kwargs,
    ):
        self.today = today or timezone.localdate()
        self.reference = reference or reference_lists()
        super().__init__(data, *args, **kwargs)
        self.filters["sort"].extra["choices"] = self.sort_options = sort_choices()
        for dimension in DIMENSIONS:
            self.filters[dimension.name].extra["choices"] = [
                (code, code) for code in self.reference.codes(dimension.name)
            ] + ([(NONE, str(dimension.none_label))] if dimension.none_label else [])

    # --- methods -----------------------------------------------------------------------------
    def filter_q(self, queryset, name, value):
        return queryset.search(value.strip()) if value.strip() else queryset

    def filter_status(self, queryset, name, value):
        return queryset.with_status(value, at=self.today)

    def filter_demo(self, queryset, name, value):
        return queryset.filter(is_demo=value == DEMO_ONLY)

    def filter_sort(self, queryset, name, value):
        # Applied last by filter_queryset, so relevance can use the search's rank annotation.
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        return self.order(queryset, self.form.cleaned_data.get("sort") or "")

    def order(self, queryset, sort: str):
        searching = bool((self.form.cleaned_data.get("q") or "").strip())
        if sort == RELEVANCE or (not sort and searching):
            if searching and "search_rank" in queryset.query.annotations:
                return queryset.order_by("-search_rank", "-start_date", "slug")
            sort = DEFAULT_SORT
        sort = sort or DEFAULT_SORT
        descending = sort.startswith("-")
        field = SORT_FIELDS[sort.lstrip("-")]
        if Project._meta.get_field(field).null:  # unknown figures last, either direction
            expression = (
                F(field).desc(nulls_last=True) if descending else F(field).asc(nulls_last=True)
            )
        else:  # plain order, so a B-tree index on the column can serve it
            expression = F(field).desc() if descending else F(field).asc()
        return queryset.order_by(expression, "slug")

    # --- for templates -----------------------------------------------------------------------
    @property
    def sort_value(self) -> str:
        """The sort chosen in the query, if valid, whatever else in the query is invalid."""
        if not self.is_bound:
            return ""
        self.form.is_valid()
        return self.form.cleaned_data.get("sort") or ""

    @property
    def effective_sort(self) -> str:
        """The sort in force: the chosen one, else relevance when searching, else the default."""
        if self.sort_value:
            return self.sort_value
        searching = bool(self.is_bound and (self.data.get("q") or "").strip())
        return RELEVANCE if searching else DEFAULT_SORT

    def selected(self) -> dict:
        """The valid filter values, as the facets need them (lists of codes, a status)."""
        if not self.is_bound:
            return {}
        self.form.is_valid()
        return getattr(self.form, "cleaned_data", {})

    def valid_params(self) -> QueryDict:
        """The query string's filter parameters whose values were taken, for building links.

        Unknown parameters and values the filter ignored (a bad code, an amount that is not a
        number) are left out, so a link made from the page never repeats them: a long invalid
        value copied into every chart link made a dashboard of one request hundreds of MB.
        """
        valid = QueryDict(mutable=True)
        if not self.is_bound:
            return valid
        self.form.is_valid()
        fields = self.form.fields
        for key in self.data:  # in the order the query gave them
            name = key
            if key not in fields and key.rsplit("_", 1)[-1] in ("min", "max"):
                name = key.rsplit("_", 1)[0]
            form_field = fields.get(name)
            if form_field is None or name in self.form.errors:
                continue
            if name != key and not isinstance(form_field, django_filters.fields.RangeField):
                continue
            ignored = set(getattr(form_field, "ignored", []))
            values = [v for v in self.data.getlist(key) if v and v not in ignored]
            if values:
                valid.setlist(key, values)
        return valid

    def without(self, name: str) -> ProjectFilter:
        """The same filter without one of its filters (a range with both bounds)."""
        data = querystring.without(self.data, name)
        return type(self)(data, queryset=self.queryset, today=self.today, reference=self.reference)

    def owners(self) -> dict[str, Organisation]:
        """The organisations the owner filter took, by the value that named each."""
        self.selected()
        return self.form.fields["owner"].organisations if self.is_bound else {}

    def labels(self) -> dict[str, str]:
        return {name: str(f.label) for name, f in self.filters.items()}

    def ranges_in_use(self) -> list[str]:
        """The range filters with a bound chosen."""
        return [
            name
            for name, value in self.selected().items()
            if isinstance(value, slice) and (value.start is not None or value.stop is not None)
        ]

    def unknown_params(self, page_params: Collection[str]) -> list[str]:
        """Parameters that are neither a filter (nor a range's bound) nor one of the page's own
        (`page_params`: `page`, `size` …), in the order given."""
        known = set(page_params)
        for name, form_field in self.form.fields.items():
            known.add(name)
            if isinstance(form_field, django_filters.fields.RangeField):
                known.update((f"{name}_min", f"{name}_max"))
        return [key for key in self.data if key not in known] if self.is_bound else []

    def problems(self, page_params: Collection[str] | None = None) -> list[str]:
        """What in the query string was ignored, in words for the page's message; with
        `page_params`, also the parameters the page does not know (`?year=2020`)."""
        if not self.is_bound:
            return []
        self.form.is_valid()
        messages = [
            _("%(name)s: okänd parameter, ignorerades.") % {"name": key[:40]}
            for key in self.unknown_params(page_params)
        ] if page_params is not None else []  # fmt: skip
        for name, form_field in self.form.fields.items():
            label = form_field.label
            ignored = getattr(form_field, "ignored", [])
            if name in self.form.errors:
                keys = [name, f"{name}_min", f"{name}_max"]
                ignored = [v for key in keys for v in self.data.getlist(key) if v]
                detail = "; ".join(str(e).rstrip(".") for e in self.form.errors[name])
            elif ignored:
                detail = form_field.ignored_reason
            else:
                continue
            messages.append(
                _("%(label)s: %(value)s ignorerades (%(detail)s).")
                % {"label": label, "value": ", ".join(v[:40] for v in ignored), "detail": detail}
            )
        return messages


# The from–to filters (`esf_grant_min`, `esf_grant_max` …), in the form's order.
RANGE_FILTERS = [
    name
    for name, declared in ProjectFilter.base_filters.items()
    if isinstance(declared, django_filters.RangeFilter)
]
