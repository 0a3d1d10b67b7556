"""The API's JSON shapes. Money in whole kronor (integers), rates and shares in percent as JSON
numbers, dates ISO 8601, code-list values as objects with `code`, `name_sv` and `name_en`.

Every object has a `links` object with absolute URLs: `self` (its API address), `html` (its page)
and whatever else relates to it.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.http import urlencode
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import Decision, LegalForm, Project


def absolute(request, path: str) -> str:
    return request.build_absolute_uri(path) if request is not None else path


def operation_id(project: Project) -> str:
    return project.operation_id


class CodeSerializer(serializers.Serializer):
    code = serializers.CharField()
    name_sv = serializers.CharField()
    name_en = serializers.CharField()


class RegionSerializer(CodeSerializer):
    is_national = serializers.BooleanField()


class ProgrammeSerializer(serializers.Serializer):
    code = serializers.CharField()
    period = serializers.CharField()
    cci = serializers.CharField()
    fund = serializers.CharField()
    name_sv = serializers.CharField()
    name_en = serializers.CharField()
    first_year = serializers.IntegerField()
    last_year = serializers.IntegerField()


class OwnerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    org_number = serializers.CharField(allow_null=True)
    legal_form = serializers.CharField()
    links = serializers.SerializerMethodField()

    @extend_schema_field(
        {"type": "object", "properties": {"self": {"type": "string", "format": "uri"},
                                          "html": {"type": "string", "format": "uri"}}}
    )  # fmt: skip
    def get_links(self, organisation) -> dict:
        request = self.context.get("request")
        return {
            "self": absolute(request, reverse("api:organisation", args=[organisation.pk])),
            "html": absolute(request, organisation.get_absolute_url()),
        }


LINKS_SCHEMA = {
    "type": "object",
    "additionalProperties": {"type": "string", "format": "uri"},
    "description": "Absolute URLs: self (this object in the API), html (its page) and more.",
}


class ProjectSerializer(serializers.Serializer):
    operation_id = serializers.SerializerMethodField(
        help_text="Kohesio-style operation id: <CCI>_<diary number>; empty without one."
    )
    diary_number = serializers.CharField(
        allow_null=True, help_text="None for a 2007–2013 project; its slug and source name it."
    )
    source_url = serializers.CharField(help_text="The project's page in the project bank.")
    slug = serializers.CharField()
    name = serializers.CharField()
    programme = ProgrammeSerializer()
    owner = OwnerSerializer()
    owner_unit = serializers.CharField()
    region = RegionSerializer(allow_null=True)
    county = CodeSerializer(allow_null=True, help_text="The beneficiary's county (län), NUTS-3.")
    city = serializers.CharField()
    postcode = serializers.CharField()
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    status = serializers.SerializerMethodField(help_text="upcoming, ongoing or finished today.")
    total_budget = serializers.IntegerField(allow_null=True, help_text="Kronor.")
    esf_grant = serializers.IntegerField(allow_null=True, help_text="Kronor.")
    cofinancing_rate = serializers.DecimalField(
        max_digits=5, decimal_places=2, allow_null=True, help_text="EU co-financing rate, %."
    )
    esf_share_of_budget = serializers.DecimalField(
        max_digits=5, decimal_places=1, allow_null=True, help_text="ESF grant / budget, %."
    )
    esf_per_participant = serializers.IntegerField(allow_null=True, help_text="Kronor.")
    programme_area = CodeSerializer(allow_null=True)
    specific_objective = CodeSerializer(allow_null=True)
    intervention_field = CodeSerializer(allow_null=True)
    planned_participants = serializers.IntegerField(allow_null=True)
    participant_goal = serializers.IntegerField(allow_null=True)
    child_poverty_theme = serializers.BooleanField(allow_null=True)
    strategic_importance = serializers.BooleanField(allow_null=True)
    decision_count = serializers.IntegerField()
    last_decision_date = serializers.DateField(allow_null=True)
    description = serializers.CharField()
    description_en = serializers.CharField()
    is_demo = serializers.BooleanField()
    links = serializers.SerializerMethodField()

    def get_operation_id(self, project) -> str:
        return operation_id(project)

    def get_status(self, project) -> str:
        return project.status(self.context.get("today"))

    @extend_schema_field(LINKS_SCHEMA)
    def get_links(self, project) -> dict:
        request = self.context.get("request")
        return {
            "self": absolute(request, reverse("api:project", args=[project.slug])),
            "html": absolute(request, project.get_absolute_url()),
            "decisions": absolute(request, decisions_of(project)),
            "owner": absolute(request, reverse("api:organisation", args=[project.owner_id])),
        }


def decisions_of(project: Project) -> str:
    return (
        reverse("api:decisions")
        + "?"
        + urlencode({"project": project.diary_number or project.slug})
    )


class DecisionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Decision.Kind.choices)
    decided_on = serializers.DateField(allow_null=True)
    decided_by = serializers.CharField()
    esf_grant_change = serializers.IntegerField(allow_null=True, help_text="Kronor.")
    total_budget_change = serializers.IntegerField(allow_null=True, help_text="Kronor.")
    new_end_date = serializers.DateField(allow_null=True)
    note = serializers.CharField()
    recorded_at = serializers.DateTimeField(source="created_at")


class LedgerDecisionSerializer(DecisionSerializer):
    running_grant = serializers.IntegerField(help_text="ESF grant after this decision, kronor.")
    running_budget = serializers.IntegerField(help_text="Budget after this decision, kronor.")


class DecisionWithProjectSerializer(DecisionSerializer):
    project = serializers.SerializerMethodField()
    links = serializers.SerializerMethodField()

    @extend_schema_field(
        {
            "type": "object",
            "properties": {
                "operation_id": {"type": "string"},
                "diary_number": {"type": "string", "nullable": True},
                "name": {"type": "string"},
            },
        }
    )
    def get_project(self, decision) -> dict:
        project = decision.project
        return {
            "operation_id": operation_id(project),
            "diary_number": project.diary_number,
            "name": project.name,
        }

    @extend_schema_field(LINKS_SCHEMA)
    def get_links(self, decision) -> dict:
        request = self.context.get("request")
        return {
            "project": absolute(request, reverse("api:project", args=[decision.project.slug])),
            "html": absolute(request, decision.project.get_absolute_url()),
        }


class ProjectDetailSerializer(ProjectSerializer):
    decisions = serializers.SerializerMethodField()
    sources = serializers.SerializerMethodField(
        help_text="Each source of the project's data and the fields it set last."
    )

    @extend_schema_field(LedgerDecisionSerializer(many=True))
    def get_decisions(self, project) -> list:
        return LedgerDecisionSerializer(self.context["decisions"], many=True).data

    @extend_schema_field(
        {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "source": {"type": "string"},
                    "fields": {"type": "array", "items": {"type": "string"}},
                },
            },
        }
    )
    def get_sources(self, project) -> list:
        return [{"source": source, "fields": fields} for source, fields in project.sources()]


class SummarySerializer(serializers.Serializer):
    projects = serializers.IntegerField()
    total_budget = serializers.IntegerField(help_text="Kronor.")
    esf_grant = serializers.IntegerField(help_text="Kronor.")
    participants = serializers.IntegerField()
    participant_goal = serializers.IntegerField()
    upcoming = serializers.IntegerField()
    ongoing = serializers.IntegerField()
    finished = serializers.IntegerField()
    demo = serializers.IntegerField()


class OrganisationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    org_number = serializers.CharField(allow_null=True)
    legal_form = serializers.ChoiceField(choices=LegalForm.choices)
    is_demo = serializers.BooleanField()
    project_count = serializers.IntegerField()
    esf_grant = serializers.IntegerField(help_text="Kronor, summed over its projects.")
    links = serializers.SerializerMethodField()

    @extend_schema_field(LINKS_SCHEMA)
    def get_links(self, organisation) -> dict:
        request = self.context.get("request")
        projects = reverse("api:projects") + f"?owner={organisation.pk}"
        return {
            "self": absolute(request, reverse("api:organisation", args=[organisation.pk])),
            "html": absolute(request, organisation.get_absolute_url()),
            "projects": absolute(request, projects),
            "decisions": absolute(request, reverse("api:decisions") + f"?owner={organisation.pk}"),
        }


class CompactProjectSerializer(serializers.Serializer):
    operation_id = serializers.SerializerMethodField()
    diary_number = serializers.CharField(allow_null=True)
    name = serializers.CharField()
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    esf_grant = serializers.IntegerField(allow_null=True)
    total_budget = serializers.IntegerField(allow_null=True)
    links = serializers.SerializerMethodField()

    def get_operation_id(self, project) -> str:
        return operation_id(project)

    @extend_schema_field(LINKS_SCHEMA)
    def get_links(self, project) -> dict:
        request = self.context.get("request")
        return {
            "self": absolute(request, reverse("api:project", args=[project.slug])),
            "html": absolute(request, project.get_absolute_url()),
        }


class OrganisationDetailSerializer(OrganisationSerializer):
    totals = SummarySerializer()
    projects = CompactProjectSerializer(many=True)


class NextLinks(serializers.Serializer):
    self = serializers.URLField()
    next = serializers.URLField(allow_null=True)


def paginated(name: str, item: serializers.Serializer, **extra) -> type[serializers.Serializer]:
    """A serializer class for one page of `item`s under `name`, with `links.next`."""
    fields = {
        name: item.__class__(many=True),
        "links": NextLinks(),
        "size": serializers.IntegerField(),
        **extra,
    }
    return type(f"Paginated{item.__class__.__name__}", (serializers.Serializer,), fields)


@extend_schema_field(OpenApiTypes.OBJECT)
class AnyObject(serializers.DictField):
    pass
