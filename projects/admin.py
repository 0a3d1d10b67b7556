"""The admin is the only place that writes. Decisions go through `services`, never a bare save()."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.http import Http404
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .admin_import import ImportAdminMixin
from .models import (
    Decision,
    InterventionField,
    Organisation,
    Programme,
    ProgrammeArea,
    Project,
    Region,
    RegionAlias,
    SpecificObjective,
)

admin.site.site_header = _("ESF-portalen – administration")
admin.site.site_title = _("ESF-portalen")
admin.site.index_title = _("Registret")
# The inline decision table needs the width the navigation sidebar would take.
admin.site.enable_nav_sidebar = False


def kronor(value: int | None) -> str:
    return "–" if value is None else number_format(value, force_grouping=True)


def add_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's ValidationError on the form fields it names (or on the whole form)."""
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)
    else:
        form.add_error(None, error)


def _object_id(value: str) -> str:
    """An id from an admin URL: digits, else 404 (a bad id must not reach the database)."""
    if not value.isascii() or not value.isdigit():
        raise Http404
    return value


class RegistryHistoryAdmin(SimpleHistoryAdmin):
    """History for reading: who changed what and when, and old versions shown read-only.

    django-simple-history's version page saves the old version on POST for anyone who may view
    it, bypassing `services` (the money fields come back without being recomputed). Nothing is
    written from a history page here: an old version is shown with every field read-only and a
    POST is refused for everyone. A change is made on the object's own page, through the rules.
    """

    def history_view(self, request, object_id, extra_context=None):
        return super().history_view(request, _object_id(object_id), extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied
        request.esf_history_version = True
        return super().history_form_view(
            request, _object_id(object_id), _object_id(version_id), extra_context
        )

    def revert_disabled(self, request, obj=None) -> bool:
        return True

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if getattr(request, "esf_history_version", False):
            return readonly + [
                field
                for field in flatten_fieldsets(self.get_fieldsets(request, obj))
                if field not in readonly
            ]
        return readonly


class StatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return Project.Status.choices

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == Project.Status.UPCOMING:
            return queryset.upcoming(at=today)
        if self.value() == Project.Status.ONGOING:
            return queryset.ongoing(at=today)
        if self.value() == Project.Status.FINISHED:
            return queryset.finished(at=today)
        return queryset


class DecisionForm(forms.ModelForm):
    """A decision form that checks what the decision does to its project's totals."""

    class Meta:
        model = Decision
        fields = [
            "project",
            "kind",
            "decided_on",
            "decided_by",
            "esf_grant_change",
            "total_budget_change",
            "new_end_date",
            "note",
        ]

    def _post_clean(self) -> None:
        super()._post_clean()
        if self.errors or not self.instance.project_id:
            return
        project = self.instance.project
        try:
            services.check_totals(
                project, services.prospective_totals(project, adding=[self.instance])
            )
        except ValidationError as error:
            add_errors(self, error)


class DecisionInlineFormSet(BaseInlineFormSet):
    """Checks the decisions of one project together, as the service will apply them."""

    def clean(self) -> None:
        super().clean()
        if any(self.errors) or not self.instance.pk:
            return
        saving = [
            form.instance
            for form in self.forms
            if form.has_changed() and form not in self.deleted_forms
        ]
        removing = [form.instance.pk for form in self.deleted_forms if form.instance.pk]
        try:
            services.check_totals(
                self.instance,
                services.prospective_totals(self.instance, adding=saving, removing=removing),
            )
        except ValidationError as error:
            raise ValidationError(error.messages) from None


class DecisionInline(admin.TabularInline):
    model = Decision
    formset = DecisionInlineFormSet
    extra = 1
    fields = [
        "kind",
        "decided_on",
        "decided_by",
        "esf_grant_change",
        "total_budget_change",
        "new_end_date",
        "note",
    ]
    ordering = ["decided_on", "id"]
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 1, "cols": 20})},
        models.CharField: {"widget": forms.TextInput(attrs={"size": 24})},
        models.BigIntegerField: {"widget": forms.NumberInput(attrs={"style": "width: 9em"})},
    }


class ProjectAddForm(forms.ModelForm):
    """Creating a project records its first decision, so the form asks for that decision too."""

    decided_on = forms.DateField(label=_("Beslutsdatum"), help_text=_("Datum för beviljandet."))
    decided_by = forms.CharField(
        label=_("Beslutat av"),
        max_length=200,
        required=False,
        help_text=_("T.ex. Strukturfondspartnerskapet Småland och Öarna eller Svenska ESF-rådet."),
    )

    class Meta:
        model = Project
        fields = [  # the admin narrows this to the fields of its fieldsets
            field.name
            for field in Project._meta.get_fields()
            if getattr(field, "editable", False) and not field.auto_created and field.concrete
        ]

    def grant(self) -> Decision:
        return Decision(
            kind=Decision.Kind.GRANT,
            decided_on=self.cleaned_data["decided_on"],
            decided_by=self.cleaned_data.get("decided_by", ""),
            esf_grant_change=self.cleaned_data.get("esf_grant"),
            total_budget_change=self.cleaned_data.get("total_budget"),
            new_end_date=self.cleaned_data.get("end_date"),
        )


@admin.register(Project)
class ProjectAdmin(ImportAdminMixin, RegistryHistoryAdmin):
    list_display = [
        "diary_number",
        "name",
        "owner",
        "region",
        "programme_area",
        "start_date",
        "end_date",
        "esf_grant",
        "total_budget",
    ]
    list_select_related = ["owner", "region", "programme_area__programme", "programme"]
    list_filter = ["programme", "region", "programme_area", StatusFilter, "is_demo"]
    search_fields = ["diary_number", "name", "owner__name", "owner__org_number"]
    autocomplete_fields = [
        "owner",
        "region",
        "programme_area",
        "specific_objective",
        "intervention_field",
    ]
    date_hierarchy = "start_date"
    list_per_page = 50
    show_full_result_count = False  # a second COUNT(*) over 100 000+ rows is not worth it
    readonly_fields = ["slug", "created_at", "updated_at"]
    inlines = [DecisionInline]
    fieldsets = [
        (None, {"fields": ["diary_number", "programme", "name", "owner", "owner_unit"]}),
        (
            _("Beslut och ekonomi"),
            {
                "fields": [
                    "decided_on",
                    "decided_by",
                    "start_date",
                    "end_date",
                    "total_budget",
                    "esf_grant",
                    "cofinancing_rate",
                ]
            },
        ),
        (
            _("Inriktning"),
            {
                "fields": [
                    "region",
                    "programme_area",
                    "specific_objective",
                    "intervention_field",
                    "planned_participants",
                    "participant_goal",
                    "child_poverty_theme",
                    "strategic_importance",
                ]
            },
        ),
        (
            _("Kontakt"),
            {"fields": ["contact_name", "contact_email", "address", "postcode", "city", "country"]},
        ),
        (_("Beskrivning"), {"fields": ["description", "source_url"]}),
    ]
    # Derived from the decisions once the project exists: change them with a decision below.
    money_fields = ["end_date", "total_budget", "esf_grant"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ProjectAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        hidden = {"decided_on", "decided_by"}
        money_note = _(
            "Slutdatum, total budget och ESF-stöd räknas fram ur besluten längre ned: "
            "summan av beloppen och slutdatumet i det senaste beslutet som anger ett."
        )
        return [
            (
                title,
                {
                    **opts,
                    "fields": [f for f in opts["fields"] if f not in hidden],
                    **({"description": money_note} if "esf_grant" in opts["fields"] else {}),
                },
            )
            for title, opts in fieldsets
        ] + [(_("Registrering"), {"fields": ["slug", "created_at", "updated_at"]})]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly + self.money_fields if obj else readonly

    def get_inline_instances(self, request, obj=None):
        # A new project's first decision is part of the add form itself.
        return super().get_inline_instances(request, obj) if obj else []

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
        else:
            services.create_project(project=obj, grant=form.grant())

    def save_formset(self, request, form, formset, change):
        if formset.model is not Decision:
            return super().save_formset(request, form, formset, change)
        saving = formset.save(commit=False)
        project = services.apply_decisions(
            project_id=form.instance.pk, save=saving, delete=formset.deleted_objects
        )
        if saving or formset.deleted_objects:
            messages.info(
                request,
                _("Projektets summor räknades om: ESF-stöd %(grant)s kr, budget %(budget)s kr.")
                % {"grant": kronor(project.esf_grant), "budget": kronor(project.total_budget)},
            )


@admin.register(Decision)
class DecisionAdmin(RegistryHistoryAdmin):
    form = DecisionForm
    list_display = [
        "project",
        "kind",
        "decided_on",
        "decided_by",
        "esf_grant_change",
        "total_budget_change",
        "new_end_date",
    ]
    list_select_related = ["project"]
    list_filter = ["kind", "project__programme"]
    search_fields = ["project__diary_number", "project__name", "decided_by"]
    autocomplete_fields = ["project"]
    date_hierarchy = "decided_on"
    show_full_result_count = False

    def save_model(self, request, obj, form, change):
        services.apply_decision(decision=obj)

    def delete_model(self, request, obj):
        services.delete_decision(decision=obj)

    def delete_queryset(self, request, queryset):
        for decision in queryset:
            services.delete_decision(decision=decision)


@admin.register(Organisation)
class OrganisationAdmin(RegistryHistoryAdmin):
    list_display = ["name", "org_number", "legal_form", "project_count"]
    list_filter = ["legal_form"]
    search_fields = ["name", "org_number"]
    readonly_fields = ["legal_form"]
    show_full_result_count = False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(project_count=Count("projects"))
            .order_by("name", "id")
        )

    @admin.display(description=_("antal projekt"), ordering="project_count")
    def project_count(self, obj) -> int:
        return obj.project_count


class RegionAliasInline(admin.TabularInline):
    model = RegionAlias
    extra = 1


@admin.register(Region)
class RegionAdmin(RegistryHistoryAdmin):
    list_display = ["code", "name_sv", "name_en", "is_national"]
    search_fields = ["code", "name_sv", "name_en", "aliases__alias"]
    inlines = [RegionAliasInline]


@admin.register(Programme)
class ProgrammeAdmin(RegistryHistoryAdmin):
    list_display = ["code", "name_sv", "period", "cci", "fund"]


class CodeListAdmin(RegistryHistoryAdmin):
    search_fields = ["code", "name_sv", "name_en"]
    list_filter = ["programme"]
    list_display = ["code", "name_sv", "name_en"]


@admin.register(ProgrammeArea)
class ProgrammeAreaAdmin(CodeListAdmin):
    list_display = ["code", "programme", "name_sv", "name_en"]


@admin.register(SpecificObjective)
class SpecificObjectiveAdmin(CodeListAdmin):
    list_filter = ["programme_area__programme", "programme_area"]
    list_display = ["code", "programme_area", "name_sv"]


@admin.register(InterventionField)
class InterventionFieldAdmin(CodeListAdmin):
    list_display = ["code", "programme", "name_sv", "name_en"]
