"""The admin is the only place that writes. Decisions go through `services`, never a bare save()."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import widgets
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Count, Subquery
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import admin_history, admin_pickers, number_fields, services
from .admin_import import ImportAdminMixin
from .dimensions import PER_PROGRAMME
from .models import (
    County,
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
from .templatetags.esf import kr

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


def number_overrides(size: int) -> dict:
    """Amounts, counts and rates as caseworkers write them ("17 207 538 kr", "40,5"), shown
    grouped; text inputs, since `type=number` turns a Swedish "40,5" into 405."""
    integer = {
        "form_class": number_fields.IntegerField,
        "widget": number_fields.NumberInput(attrs={"size": size}),
    }
    return {
        models.IntegerField: integer,
        models.BigIntegerField: integer,
        models.PositiveIntegerField: integer,
        models.DecimalField: {
            "form_class": number_fields.DecimalField,
            "widget": number_fields.NumberInput(attrs={"size": 8}, decimal=True),
        },
    }


class RegistryHistoryAdmin(admin_history.RegistryHistoryAdmin):
    formfield_overrides = number_overrides(14)


class RefusalsAsMessages:
    """A write the rules refuse after the form was valid is a message on the page, not a 500.

    The forms check what the services check, under the project's lock, so this is rare: a
    constraint another writer broke in between, or a rule only the database knows. Nothing is
    saved (the admin's view is one transaction); the user sees why and the page again.
    """

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (ValidationError, IntegrityError) as error:
            return self._refused(request, error)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except (ValidationError, IntegrityError) as error:
            change = reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[object_id]
            )
            return self._refused(request, error, redirect_to=change)

    def _refused(self, request, error, *, redirect_to: str | None = None):
        self.message_user(request, refusal_text(error), messages.ERROR)
        return HttpResponseRedirect(redirect_to or request.get_full_path())


def refusal_text(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return _("Inget sparades: %(reasons)s") % {"reasons": " ".join(error.messages)}
    return _(
        "Inget sparades: ändringen bryter mot en regel i registret (%(rule)s). Ladda om sidan "
        "och försök igen; någon annan kan ha ändrat samma uppgifter samtidigt."
    ) % {"rule": str(error).splitlines()[0][:200]}


def current_version(obj) -> int | None:
    """The object's latest history row: every write through the ORM, the services and the
    importers records one, so it changes whenever the object does."""
    return (
        obj.history.order_by("-history_id").values_list("history_id", flat=True).first()
        if obj.pk
        else None
    )


class VersionedForm(forms.ModelForm):
    """Optimistic locking: refuse to save over a change made since the form was opened.

    The form carries the version it was opened at; saving compares it with the object's version
    now, with the row locked until the admin's transaction ends, so two saves cannot both pass.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    conflict_message = _(
        "Uppgifterna har ändrats sedan du öppnade sidan (%(when)s, %(who)s). Inget sparades. "
        "Öppna sidan igen för att se ändringen och gör om din ändring där."
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if "version" in self.fields and self.instance.pk and not self.is_bound:
            self.fields["version"].initial = current_version(self.instance)

    def clean(self):
        cleaned = super().clean()
        if "version" not in self.fields or not self.instance.pk:
            return cleaned
        type(self.instance).objects.select_for_update().filter(pk=self.instance.pk).exists()
        latest = self.instance.history.order_by("-history_id").first()
        opened = cleaned.get("version")
        if latest is not None and opened != latest.history_id:
            who = latest.history_user or _("en import eller ett annat system")
            when = timezone.localtime(latest.history_date).strftime("%Y-%m-%d %H:%M")
            raise ValidationError(
                self.conflict_message % {"when": when, "who": who}, code="changed_since_opened"
            )
        return cleaned


class VersionedAdmin(RefusalsAsMessages):
    """Puts the form's hidden version into the first fieldset for those who may change."""

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        wants = (
            obj is not None
            and self.has_change_permission(request, obj)
            and not getattr(request, "esf_history_version", False)
        )
        fieldsets = [
            (title, {**opts, "fields": [f for f in opts["fields"] if f != "version"]})
            for title, opts in fieldsets
        ]
        if wants:
            (title, opts), *rest = fieldsets
            fieldsets = [(title, {**opts, "fields": [*opts["fields"], "version"]}), *rest]
        return fieldsets


class StatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return Project.Status.choices

    def queryset(self, request, queryset):
        if self.value() in Project.Status.values:
            return queryset.with_status(self.value(), at=timezone.localdate())
        return queryset


class DecisionForm(VersionedForm):
    """A decision form that checks what the decision does to its project's totals.

    The project is locked while the form is checked, so the totals checked are the totals the
    decision is saved against: of two caseworkers adding money at once, the second waits and
    gets the error on the field if the sum no longer fits.
    """

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
        project = Project.objects.select_for_update().get(pk=self.instance.project_id)
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
        Project.objects.select_for_update().filter(pk=self.instance.pk).exists()
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
            if not self._on_the_rows(error):
                raise ValidationError(error.messages) from None

    def _on_the_rows(self, error: ValidationError) -> bool:
        """Put each refusal on the field of the changed rows that set it ("Förändring av
        ESF-stöd" of the new decision), so the caseworker sees which row and field to correct;
        False when no changed row has that field."""
        if not hasattr(error, "error_dict"):
            return False
        placed = False
        for field, errors in error.message_dict.items():
            rows = [
                form
                for form in self.forms
                if form.has_changed()
                and form not in self.deleted_forms
                and field in form.fields
                and form.cleaned_data.get(field) not in (None, "")
            ]
            for form in rows:
                for message in errors:
                    form.add_error(field, message)
            placed = placed or bool(rows)
        return placed


class DecisionInline(admin.TabularInline):
    """The project's latest decisions, editable; all of them are under *Beslut*.

    Every decision is some ten form fields: with all of them inline, a project with about a
    hundred decisions could no longer be saved (Django refuses more than 1 000 fields).
    """

    model = Decision
    formset = DecisionInlineFormSet
    extra = 1
    shown = 20
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
        **number_overrides(11),
    }


# The admin narrows these to the fields of its fieldsets.
PROJECT_FORM_FIELDS = [
    field.name
    for field in Project._meta.get_fields()
    if getattr(field, "editable", False) and not field.auto_created and field.concrete
]


class CodesOfTheProgramme:
    """Groups the code pickers with the project's programme first: the programme being
    entered, else the project's (`admin_pickers`)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        programme = (
            self.data.get(self.add_prefix("programme"))
            if self.is_bound
            else self.instance.programme_id
        )
        admin_pickers.put_first(self, PER_PROGRAMME, programme=programme)


class ProjectChangeForm(CodesOfTheProgramme, VersionedForm):
    class Meta:
        model = Project
        fields = PROJECT_FORM_FIELDS


class ProjectAddForm(CodesOfTheProgramme, forms.ModelForm):
    """Creating a project records its first decision, so the form asks for that decision too."""

    decided_on = forms.DateField(
        label=_("Beslutsdatum"),
        help_text=_("Datum för beviljandet."),
        widget=widgets.AdminDateWidget,
    )
    decided_by = forms.CharField(
        label=_("Beslutat av"),
        max_length=200,
        required=False,
        help_text=_("T.ex. Strukturfondspartnerskapet Småland och Öarna eller Svenska ESF-rådet."),
    )

    class Meta:
        model = Project
        fields = PROJECT_FORM_FIELDS

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
class ProjectAdmin(VersionedAdmin, ImportAdminMixin, RegistryHistoryAdmin):
    # Short cells, so the money fits at 1440 px: codes rather than names, one period column.
    list_display = [
        "diary_number",
        "name",
        "owner_name",
        "region_code",
        "area_code",
        "period",
        "grant_kr",
        "budget_kr",
    ]
    list_select_related = ["owner", "region", "programme_area__programme", "programme"]

    @admin.display(description=_("projektägare"), ordering="owner__name")
    def owner_name(self, obj) -> str:
        return obj.owner.name

    @admin.display(description=_("region"), ordering="region__code")
    def region_code(self, obj) -> str:
        return obj.region.code if obj.region else "–"

    @admin.display(description=_("programområde"), ordering="programme_area__code")
    def area_code(self, obj) -> str:
        return obj.programme_area.code if obj.programme_area else "–"

    @admin.display(description=_("period"), ordering="start_date")
    def period(self, obj) -> str:
        return format_html(
            "{}&nbsp;–<br>{}", f"{obj.start_date:%Y-%m-%d}", f"{obj.end_date:%Y-%m-%d}"
        )

    @admin.display(description=_("ESF-stöd"), ordering="esf_grant")
    def grant_kr(self, obj) -> str:
        return kr(obj.esf_grant)

    @admin.display(description=_("total budget"), ordering="total_budget")
    def budget_kr(self, obj) -> str:
        return kr(obj.total_budget)

    list_filter = ["programme", "region", "programme_area", StatusFilter, "is_demo"]
    search_fields = ["diary_number", "name", "owner__name", "owner__org_number"]
    # The code lists are short: selects grouped by programme (`admin_pickers`), not autocomplete.
    autocomplete_fields = ["owner", "region", "county"]
    date_hierarchy = "start_date"
    list_per_page = 50
    show_full_result_count = False  # a second COUNT(*) over 100 000+ rows is not worth it
    readonly_fields = ["slug", "created_at", "updated_at", "all_decisions", "sources"]
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
                    "county",
                    *PER_PROGRAMME,
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
        (_("Beskrivning"), {"fields": ["description", "description_en", "source_url"]}),
    ]
    # Derived from the decisions once the project exists: change them with a decision below.
    money_fields = ["end_date", "total_budget", "esf_grant"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in PER_PROGRAMME:
            kwargs["widget"] = admin_pickers.CodeSelect()
            kwargs["queryset"] = admin_pickers.queryset(db_field.name)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = ProjectAddForm if obj is None else ProjectChangeForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, DecisionInline) and obj is not None and obj.pk:
            latest = (
                Decision.objects.filter(project=obj)
                .order_by("-decided_on", "-id")
                .values("pk")[: inline.shown]
            )
            kwargs["queryset"] = kwargs["queryset"].filter(pk__in=Subquery(latest))
        return kwargs

    @admin.display(description=_("uppgifternas källor"))
    def sources(self, obj) -> str:
        """Which source last set which field: an import, or a caseworker by hand."""
        rows = obj.sources()
        if not rows:
            return _("Inga importerade uppgifter.")
        return format_html_join(
            "", "<p>{}: <span class='help'>{}</span></p>", ((s, ", ".join(f)) for s, f in rows)
        )

    @admin.display(description=_("beslut"))
    def all_decisions(self, obj) -> str:
        url = reverse("admin:projects_decision_changelist") + f"?project__id__exact={obj.pk}"
        if obj.decision_count > DecisionInline.shown:
            text = _("%(count)s beslut; de %(shown)s senaste visas nedan.") % {
                "count": obj.decision_count,
                "shown": DecisionInline.shown,
            }
        else:
            text = ngettext(
                "%(count)s beslut, nedan.", "%(count)s beslut, alla nedan.", obj.decision_count
            ) % {"count": obj.decision_count}
        return format_html('{} <a href="{}">{}</a>', text, url, _("Visa alla beslut"))

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        hidden = {"decided_on", "decided_by"}
        fieldsets = [
            (title, {**opts, "fields": [*opts["fields"], "all_decisions"]})
            if "esf_grant" in opts["fields"]
            else (title, opts)
            for title, opts in fieldsets
        ]
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
        ] + [(_("Registrering"), {"fields": ["sources", "slug", "created_at", "updated_at"]})]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly + self.money_fields if obj else readonly

    def get_inline_instances(self, request, obj=None):
        # A new project's first decision is part of the add form itself.
        return super().get_inline_instances(request, obj) if obj else []

    def save_model(self, request, obj, form, change):
        edited = [name for name in form.changed_data if name in PROJECT_FORM_FIELDS]
        if edited:
            who = request.user.get_username()
            # Stored in the registry's language, as the importers' notes are.
            by_hand = f"För hand av {who}, {timezone.localdate().isoformat()}"
            obj.field_sources = {**(obj.field_sources or {}), **dict.fromkeys(edited, by_hand)}
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
class DecisionAdmin(VersionedAdmin, RegistryHistoryAdmin):
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

    def get_readonly_fields(self, request, obj=None):
        # A decision stays with its project: moving it would leave the old project's totals
        # behind. A decision entered on the wrong project is deleted and entered again.
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly + ["project"] if obj is not None and "project" not in readonly else readonly

    def save_model(self, request, obj, form, change):
        services.apply_decision(decision=obj)

    def delete_model(self, request, obj):
        services.delete_decision(decision=obj)

    def delete_queryset(self, request, queryset):
        """Delete the decisions the rules allow; say which were kept and why."""
        for decision in queryset.select_related("project"):
            try:
                with transaction.atomic():
                    services.delete_decision(decision=decision)
            except ValidationError as error:
                self.message_user(
                    request,
                    _("%(decision)s på %(project)s togs inte bort: %(reasons)s")
                    % {
                        "decision": decision,
                        "project": decision.project.identifier,
                        "reasons": " ".join(error.messages),
                    },
                    messages.ERROR,
                )


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


@admin.register(County)
class CountyAdmin(RegistryHistoryAdmin):
    list_display = ["code", "name_sv", "name_en", "scb_code", "region"]
    list_select_related = ["region"]
    search_fields = ["code", "name_sv", "name_en", "scb_code"]


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


# Registered here so that admin autodiscovery finds the proposals' admin too.
from . import admin_proposals  # noqa: E402, F401
