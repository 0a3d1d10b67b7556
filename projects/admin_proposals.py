"""The admin's decision proposals: compare one with its project, correct it, accept or reject it.

A proposal shows what the text says (each value with its sentence) beside the project it was
matched to. Accepting records the decision through `services.proposals.accept_proposal` (so
through `apply_decision` or `create_project`) with the amounts of the decision letter; an amount
the text gave rounded or qualified must be corrected or confirmed first, here and in the
service. Only staff who may change projects and add decisions accept or reject.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import number_fields, services
from .admin import add_errors, kronor, refusal_text
from .models import (
    Decision,
    DecisionProposal,
    Organisation,
    Programme,
    Project,
    ProjectOrganisation,
    Region,
)
from .services import proposals as proposal_services

SAVE, ACCEPT, REJECT = "save", "accept", "reject"
FIELD_NAMES = {
    "project_name": _("projektnamn"),
    "organisation": _("organisation"),
    "amount": _("belopp"),
    "total_budget": _("total budget"),
    "new_end_date": _("nytt slutdatum"),
    "decided_by": _("beslutat av"),
    "call": _("utlysning"),
    "call_amount": _("utlyst belopp"),
    "text_date": _("textens datum"),
    "kind": _("typ av beslut"),
    "partners": _("samverkansparter"),
}


def _amount_field(label, help_text=""):
    return number_fields.IntegerField(
        label=label,
        required=False,
        help_text=help_text,
        widget=number_fields.NumberInput(attrs={"size": 14}),
    )


class ProposalReviewForm(forms.ModelForm):
    """The proposal's corrections and, to accept it, the decision letter's values."""

    action = forms.ChoiceField(
        label=_("Åtgärd"),
        choices=[
            (SAVE, _("Spara rättelserna (förslaget ligger kvar)")),
            (ACCEPT, _("Godkänn: registrera beslutet")),
            (REJECT, _("Avslå förslaget")),
        ],
        initial=SAVE,
        widget=forms.RadioSelect,
    )
    decided_on = forms.DateField(
        label=_("Beslutsdatum"),
        required=False,
        help_text=_("Enligt beslutsbrevet; förifyllt med textens datum."),
    )
    esf_grant_change = _amount_field(
        _("Förändring av ESF-stöd (kr)"), _("Det exakta beloppet i beslutsbrevet.")
    )
    total_budget_change = _amount_field(
        _("Förändring av total budget (kr)"),
        _("För ett befintligt projekt: skillnaden mot den budget det har i dag."),
    )
    amounts_confirmed = forms.BooleanField(
        label=_("Beloppen stämmer med beslutsbrevet"),
        required=False,
        help_text=_(
            "Krävs när texten anger ett ungefärligt eller avrundat belopp (”drygt 15,5 "
            "miljoner”) och beloppet inte har ändrats till beslutsbrevets."
        ),
    )
    partners_confirmed = forms.MultipleChoiceField(
        label=_("Samverkansparter att koppla till projektet"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Organisationerna som texten räknar upp; de som är markerade kopplas."),
    )
    new_diary_number = forms.CharField(label=_("Diarienummer (nytt projekt)"), required=False)
    new_programme = forms.ModelChoiceField(
        label=_("Program (nytt projekt)"), queryset=Programme.objects.all(), required=False
    )
    new_owner = forms.ModelChoiceField(
        label=_("Projektägare (nytt projekt)"),
        queryset=Organisation.objects.all(),
        required=False,
        help_text=_("Organisationens id; tomt: en ny organisation med namnet i texten."),
        widget=forms.TextInput(attrs={"size": 8}),
    )
    new_region = forms.ModelChoiceField(
        label=_("Region (nytt projekt)"), queryset=Region.objects.all(), required=False
    )
    new_start_date = forms.DateField(label=_("Startdatum (nytt projekt)"), required=False)

    class Meta:
        model = DecisionProposal
        fields = ["kind", "project", "decided_by", "new_end_date", "review_note"]

    user = None

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        proposal = self.instance
        if "partners_confirmed" in self.fields:
            self.fields["partners_confirmed"].choices = [(p, p) for p in proposal.partners or []]
        if not self.is_bound and proposal.pk:
            self.initial.update(self.decision_initial(proposal))

    @staticmethod
    def decision_initial(proposal: DecisionProposal) -> dict:
        budget = proposal.total_budget
        project = proposal.project
        if budget is not None and project is not None and project.total_budget is not None:
            budget = budget - project.total_budget
        owner = proposal_services.match_organisation(proposal.organisation_name)
        return {
            "decided_on": proposal.text_date,
            "esf_grant_change": proposal.amount,
            "total_budget_change": budget,
            "new_owner": owner.pk if owner else None,
            "partners_confirmed": list(proposal.partners or []),
        }

    def clean(self):
        cleaned = super().clean()
        action = cleaned.get("action")
        if action not in (ACCEPT, REJECT):
            return cleaned
        if not proposal_services.may_accept(self.user):
            raise ValidationError(
                _("Bara handläggare som får ändra projekt kan godkänna eller avslå förslag.")
            )
        if action == REJECT:
            return cleaned
        if not cleaned.get("decided_on"):
            self.add_error("decided_on", _("Ange beslutsdatum."))
        project = cleaned.get("project")
        budget = cleaned.get("total_budget_change")
        if project is not None and budget is not None and project.total_budget:
            budget = project.total_budget + budget
        unconfirmed = proposal_services.unconfirmed_amounts(
            self.instance,
            esf_grant_change=cleaned.get("esf_grant_change"),
            total_budget=budget,
        )
        if unconfirmed and not cleaned.get("amounts_confirmed"):
            self.add_error(
                "amounts_confirmed", proposal_services.unconfirmed_message(self.instance)
            )
        if project is None:
            self._check_new_project(cleaned)
        elif not self.errors:
            decision = self.decision(cleaned, project=project)
            try:
                services.check_totals(
                    project, services.prospective_totals(project, adding=[decision])
                )
            except ValidationError as error:
                add_errors(self, error)
        return cleaned

    def _check_new_project(self, cleaned) -> None:
        for name in ("new_diary_number", "new_programme", "new_start_date", "new_end_date"):
            if not cleaned.get(name):
                self.add_error(
                    name,
                    _("Krävs för ett nytt projekt (eller välj det befintliga projektet ovan)."),
                )
        if cleaned.get("kind") != Decision.Kind.GRANT:
            self.add_error(
                "kind", _("Ett nytt projekt börjar med ett beviljande; välj Beviljande.")
            )
        if not cleaned.get("new_owner") and not self.instance.organisation_name:
            self.add_error("new_owner", _("Välj projektägaren."))

    def decision(self, cleaned, *, project: Project | None = None) -> Decision:
        return Decision(
            project=project,
            kind=cleaned.get("kind"),
            decided_on=cleaned.get("decided_on"),
            decided_by=cleaned.get("decided_by") or "",
            esf_grant_change=cleaned.get("esf_grant_change"),
            total_budget_change=cleaned.get("total_budget_change"),
            new_end_date=cleaned.get("new_end_date"),
        )

    def new_project(self) -> Project:
        cleaned = self.cleaned_data
        proposal = self.instance
        name = proposal.project_name or proposal.acronym
        if proposal.acronym and proposal.project_name:
            name = f"{proposal.project_name} ({proposal.acronym})"
        owner = cleaned.get("new_owner")
        if owner is None:
            owner = Organisation(name=proposal.organisation_name)
        return Project(
            diary_number=cleaned["new_diary_number"],
            programme=cleaned["new_programme"],
            name=name,
            owner=owner,
            region=cleaned.get("new_region"),
            start_date=cleaned["new_start_date"],
            end_date=cleaned["new_end_date"],
        )


@admin.register(DecisionProposal)
class DecisionProposalAdmin(admin.ModelAdmin):
    form = ProposalReviewForm
    list_display = [
        "source_name",
        "kind",
        "project_name",
        "acronym",
        "amount_written",
        "amount_precision",
        "project",
        "match_confidence",
        "status",
        "text_date",
    ]
    list_filter = ["status", "kind"]
    list_select_related = ["project"]
    search_fields = ["project_name", "acronym", "organisation_name", "source_name"]
    autocomplete_fields = ["project"]
    show_full_result_count = False
    readonly_fields = [
        "status",
        "source_name",
        "text_date",
        "organisation_name",
        "project_name",
        "acronym",
        "amount_written",
        "amount_precision",
        "total_budget_written",
        "call_name",
        "call_amount",
        "partners",
        "match_confidence",
        "match_reason",
        "comparison",
        "sentences",
        "decision",
        "reviewed_by",
        "reviewed_at",
    ]
    fieldsets = [
        (
            _("Vad texten säger"),
            {
                "fields": [
                    "status",
                    "source_name",
                    "text_date",
                    "organisation_name",
                    "project_name",
                    "acronym",
                    "amount_written",
                    "amount_precision",
                    "total_budget_written",
                    "call_name",
                    "call_amount",
                    "partners",
                    "sentences",
                ]
            },
        ),
        (
            _("Projektet"),
            {"fields": ["project", "match_confidence", "match_reason", "comparison"]},
        ),
        (
            _("Beslutet"),
            {
                "fields": [
                    "kind",
                    "decided_on",
                    "decided_by",
                    "esf_grant_change",
                    "total_budget_change",
                    "new_end_date",
                    "amounts_confirmed",
                    "partners_confirmed",
                ]
            },
        ),
        (
            _("Nytt projekt (när inget befintligt projekt är valt)"),
            {
                "classes": ["collapse"],
                "fields": [
                    "new_diary_number",
                    "new_programme",
                    "new_owner",
                    "new_region",
                    "new_start_date",
                ],
            },
        ),
        (_("Handläggning"), {"fields": ["action", "review_note", "decision", "reviewed_by",
                                        "reviewed_at"]}),
    ]  # fmt: skip

    def has_add_permission(self, request) -> bool:
        return False  # proposals come from imported news

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # a rejected proposal stays, with why, so the text is not proposed again

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and obj.status == DecisionProposal.Status.PROPOSED:
            return fieldsets
        hidden = {"action", "decided_on", "esf_grant_change", "total_budget_change"}
        hidden |= {"amounts_confirmed", "new_diary_number", "new_programme", "new_owner"}
        hidden |= {"new_region", "new_start_date", "partners_confirmed"}
        return [
            (title, {**opts, "fields": [f for f in opts["fields"] if f not in hidden]})
            for title, opts in fieldsets
            if any(f not in hidden for f in opts["fields"])
        ]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.status != DecisionProposal.Status.PROPOSED:
            readonly += ["kind", "project", "decided_by", "new_end_date", "review_note"]
        return readonly

    @admin.display(description=_("meningar i texten"))
    def sentences(self, obj) -> str:
        rows = [(FIELD_NAMES.get(key, key), text) for key, text in (obj.evidence or {}).items()]
        if not rows:
            return "–"
        return format_html(
            "<table>{}</table>",
            format_html_join("", "<tr><th>{}</th><td>{}</td></tr>", rows),
        )

    @admin.display(description=_("jämförelse"))
    def comparison(self, obj) -> str:
        """The project's figures now, the text's, and the project's after the proposal."""
        project = obj.project
        if project is None:
            return gettext("Inget befintligt projekt: godkänns förslaget skapas ett nytt.")
        grant_after = (
            (project.esf_grant or 0) + obj.amount if obj.amount is not None else project.esf_grant
        )
        rows = [
            (gettext("Namn"), project.name, obj.project_name, ""),
            (gettext("Projektägare"), project.owner.name, obj.organisation_name, ""),
            (
                gettext("ESF-stöd (kr)"),
                kronor(project.esf_grant),
                obj.amount_written,
                kronor(grant_after),
            ),
            (
                gettext("Total budget (kr)"),
                kronor(project.total_budget),
                obj.total_budget_written,
                kronor(obj.total_budget) if obj.total_budget else "",
            ),
            (
                gettext("Slutdatum"),
                project.end_date.isoformat(),
                obj.new_end_date.isoformat() if obj.new_end_date else "",
                (obj.new_end_date or project.end_date).isoformat(),
            ),
        ]
        header = format_html(
            "<tr><th></th><th>{}</th><th>{}</th><th>{}</th></tr>",
            gettext("Projektet nu"),
            gettext("Texten"),
            gettext("Efter beslutet"),
        )
        return format_html(
            '<table id="proposal-comparison">{}{}</table>',
            header,
            format_html_join("", "<tr><th>{}</th><td>{}</td><td>{}</td><td>{}</td></tr>", rows),
        )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as error:
            self.message_user(request, refusal_text(error), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request, obj, form, change):
        action = form.cleaned_data.get("action")
        note = form.cleaned_data.get("review_note", "")
        if action == REJECT:
            proposal_services.reject_proposal(proposal=obj, user=request.user, note=note)
            return
        if action != ACCEPT:
            obj._change_reason = "Rättat"
            obj.save()
            return
        cleaned = form.cleaned_data
        project = cleaned.get("project")
        decision = proposal_services.accept_proposal(
            proposal=obj,
            user=request.user,
            decided_on=cleaned["decided_on"],
            kind=cleaned["kind"],
            decided_by=cleaned.get("decided_by") or "",
            esf_grant_change=cleaned.get("esf_grant_change"),
            total_budget_change=cleaned.get("total_budget_change"),
            new_end_date=cleaned.get("new_end_date"),
            amounts_confirmed=cleaned.get("amounts_confirmed", False),
            project=project,
            new_project=None if project is not None else form.new_project(),
            note=note,
            partners=cleaned.get("partners_confirmed") or [],
        )
        messages.info(
            request,
            gettext("Beslutet registrerades på %(project)s: ESF-stöd %(grant)s kr.")
            % {
                "project": decision.project.identifier,
                "grant": kronor(decision.project.esf_grant),
            },
        )


@admin.register(ProjectOrganisation)
class ProjectOrganisationAdmin(admin.ModelAdmin):
    """Organisations' roles in projects; partners come in through accepted proposals."""

    list_display = ["project", "organisation", "role", "source", "created_at"]
    list_filter = ["role"]
    list_select_related = ["project", "organisation"]
    search_fields = ["project__diary_number", "project__name", "organisation__name"]
    autocomplete_fields = ["project", "organisation"]
    show_full_result_count = False
