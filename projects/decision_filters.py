"""DecisionFilter: which decisions, for the decisions API, the decision feed and downloads.

The decisions are those of the projects `ProjectFilter` selects (every project filter applies),
narrowed by the decision's own date range (`decided_on_min`, `decided_on_max`, ISO dates), its
kinds (`kind=grant&kind=change`) and one project (`project=<diary number>`, or the slug of a
project without one). Invalid values are
reported in the same words as the project filter's (`problems()`).
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import F, QuerySet
from django.http import QueryDict
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from . import validators
from .filters import CodesFilter, ProjectFilter, RangeWidget
from .models import Decision, Project
from .queries import ReferenceLists


class DateRangeField(django_filters.fields.RangeField):
    def __init__(self, *args, **kwargs):
        fields = (
            forms.DateField(input_formats=["%Y-%m-%d"]),
            forms.DateField(input_formats=["%Y-%m-%d"]),
        )
        super().__init__(fields, *args, **kwargs)

    def compress(self, data_list):
        if data_list and None not in data_list[:2] and data_list[0] > data_list[1]:
            raise forms.ValidationError(
                _("från %(low)s är större än till %(high)s")
                % {"low": date_format(data_list[0]), "high": date_format(data_list[1])}
            )
        return super().compress(data_list)


class DateRangeFilter(django_filters.RangeFilter):
    field_class = DateRangeField


class DecisionFilter(django_filters.FilterSet):
    decided_on = DateRangeFilter(label=_("Beslutsdatum"), widget=RangeWidget())
    kind = CodesFilter(choices=Decision.Kind.choices, label=_("Typ av beslut"))
    project = django_filters.CharFilter(
        method="filter_project",
        label=_("Projekt (diarienummer)"),
        max_length=validators.SLUG_MAX_CHARS,
    )

    class Meta:
        model = Decision
        fields: list[str] = []

    def filter_project(self, queryset, name, value):
        number = validators.normalise_diary_number(value)
        if validators.diary_number_period(number):
            return queryset.filter(project__diary_number=number)
        # A 2007–2013 project has no diary number; its slug names it.
        return queryset.filter(project__diary_number__isnull=True, project__slug=value.strip())

    # The same rules and words for what was ignored as the project filter's
    problems = ProjectFilter.problems
    unknown_params = ProjectFilter.unknown_params
    valid_params = ProjectFilter.valid_params

    def param_names(self) -> list[str]:
        """Every query parameter this filter reads."""
        return ["decided_on_min", "decided_on_max", *self.base_filters]


# The latest first; snapshots without a date last; ties by the order they were recorded.
LATEST_FIRST = (F("decided_on").desc(nulls_last=True), F("id").desc())


class Decisions:
    """The decisions a query string selects: its project filter, its decision filter, what in
    it was ignored, and the decisions themselves (`qs`)."""

    def __init__(
        self,
        params: QueryDict,
        *,
        reference: ReferenceLists | None = None,
        page_params: tuple[str, ...] = (),
    ) -> None:
        self.params = params
        self.decision_filter = DecisionFilter(params, queryset=Decision.objects.all())
        self.project_filter = ProjectFilter(
            params, queryset=Project.objects.all(), reference=reference
        )
        self.page_params = (*page_params, *self.decision_filter.param_names())

    def problems(self) -> list[str]:
        return [
            *self.project_filter.problems(page_params=self.page_params),
            *self.decision_filter.problems(),
        ]

    def valid_params(self) -> QueryDict:
        valid = self.project_filter.valid_params()
        for key, values in self.decision_filter.valid_params().lists():
            valid.setlist(key, values)
        return valid

    @property
    def qs(self) -> QuerySet[Decision]:
        decisions = self.decision_filter.qs
        projects = self.project_filter.qs
        if projects.query.has_filters():
            decisions = decisions.filter(project__in=projects.order_by().values("pk"))
        return decisions.select_related("project__programme")
