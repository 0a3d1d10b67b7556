"""Caseworkers' writes in the admin: refused ones say why, none is lost or half-done."""

import datetime
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from projects import services
from projects.admin import DecisionInline, current_version
from projects.models import Decision, Project
from tests.factories import ProjectFactory, UserFactory
from tests.test_admin import caseworker_client, change_form  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def granted_project(**kwargs) -> Project:
    """A project entered as the admin enters one: through its grant."""
    template = ProjectFactory.build(**kwargs)
    owner = template.owner
    owner.save()
    template.owner = owner
    return services.create_project(
        project=template,
        grant=Decision(
            kind=Decision.Kind.GRANT,
            decided_on=template.start_date - datetime.timedelta(days=30),
            esf_grant_change=template.esf_grant,
            total_budget_change=template.total_budget,
            new_end_date=template.end_date,
        ),
    )


def change(project, **fields) -> Decision:
    return Decision(
        project=project,
        kind=Decision.Kind.CHANGE,
        decided_on=project.start_date + datetime.timedelta(days=10),
        **fields,
    )


def assert_invariants_hold():
    call_command("check_invariants", stdout=io.StringIO())


@pytest.fixture
def superuser_client(client, settings):
    """Caseworkers may not delete; an administrator may, and the rules still apply."""
    client.force_login(UserFactory(is_superuser=True))
    return client


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# --- a decision stays with its project -------------------------------------------------------
def test_a_decision_cannot_be_moved_to_another_project(caseworker_client):  # noqa: F811
    first, second = granted_project(), granted_project()
    decision = services.apply_decision(decision=change(first, esf_grant_change=-1_000_000))
    decision = first.decisions.get(kind=Decision.Kind.CHANGE)
    url = reverse("admin:projects_decision_change", args=[decision.pk])
    page = caseworker_client.get(url).content.decode()
    assert 'name="project"' not in page  # shown, not editable

    caseworker_client.post(
        url,
        {
            "project": second.pk,
            "kind": "change",
            "decided_on": decision.decided_on.isoformat(),
            "esf_grant_change": "-1000000",
            "version": current_version(decision),
        },
    )

    decision.refresh_from_db()
    assert decision.project_id == first.pk
    assert_invariants_hold()


def test_the_service_refuses_to_move_a_decision():
    first, second = granted_project(), granted_project()
    decision = first.decisions.get()
    decision.project = second
    with pytest.raises(ValidationError, match="flyttas"):
        services.apply_decision(decision=decision)
    assert first.decisions.count() == 1 and not second.decisions.exclude(kind="grant").exists()
    assert_invariants_hold()


# --- changed since you opened it -------------------------------------------------------------
def test_saving_a_project_form_opened_before_an_import_changed_it_is_refused(
    caseworker_client,  # noqa: F811
):
    project = granted_project(name="Fortsatt SLA")
    opened = change_form(project, [])  # the form as the caseworker opened it
    # Meanwhile an import (or another caseworker) changes the project.
    Project.objects.get(pk=project.pk).history  # noqa: B018
    imported = Project.objects.get(pk=project.pk)
    imported.name = "Fortsatt SLA – Samverkan leder till arbete"
    imported.save()

    opened["name"] = "Fortsatt SLA (ändrat för hand)"
    response = caseworker_client.post(
        reverse("admin:projects_project_change", args=[project.pk]), opened
    )

    assert response.status_code == 200  # the form again, with the reason
    assert "har ändrats sedan du öppnade sidan" in response.content.decode()
    project.refresh_from_db()
    assert project.name == "Fortsatt SLA – Samverkan leder till arbete"


def test_a_project_form_saves_when_nothing_changed_in_between(caseworker_client):  # noqa: F811
    project = granted_project(name="Fortsatt SLA")
    data = change_form(project, [])
    data["name"] = "Fortsatt SLA 2"
    response = caseworker_client.post(
        reverse("admin:projects_project_change", args=[project.pk]), data
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.name == "Fortsatt SLA 2"


def test_saving_a_decision_form_opened_before_another_change_is_refused(
    caseworker_client,  # noqa: F811
):
    project = granted_project()
    services.apply_decision(decision=change(project, esf_grant_change=-1_000_000))
    decision = project.decisions.get(kind=Decision.Kind.CHANGE)
    url = reverse("admin:projects_decision_change", args=[decision.pk])
    page = caseworker_client.get(url).content.decode()
    opened_version = re.search(r'name="version" value="(\d+)"', page)[1]
    decision.note = "Rättat av någon annan"
    services.apply_decision(decision=decision)

    response = caseworker_client.post(
        url,
        {
            "kind": "change",
            "decided_on": decision.decided_on.isoformat(),
            "esf_grant_change": "-2000000",
            "version": opened_version,
        },
    )

    assert response.status_code == 200
    assert "har ändrats sedan du öppnade sidan" in response.content.decode()
    decision.refresh_from_db()
    assert (decision.esf_grant_change, decision.note) == (-1_000_000, "Rättat av någon annan")


# --- a project with many decisions stays editable --------------------------------------------
def test_a_project_with_a_hundred_decisions_can_still_be_saved(caseworker_client):  # noqa: F811
    project = granted_project(name="Långt projekt")
    for day in range(105):
        decision = change(project, esf_grant_change=1, note=f"Beslut {day}")
        decision.decided_on = project.start_date + datetime.timedelta(days=day)
        services.apply_decision(decision=decision)
    project.refresh_from_db()
    url = reverse("admin:projects_project_change", args=[project.pk])

    page = caseworker_client.get(url)

    formset = page.context["inline_admin_formsets"][0].formset
    assert len(formset.initial_forms) == DecisionInline.shown
    text = page.content.decode()
    assert "106 beslut; de 20 senaste visas nedan." in text
    assert f"?project__id__exact={project.pk}" in text
    shown = [form.instance for form in formset.initial_forms]
    assert max(d.decided_on for d in shown) == project.last_decision_date

    data = change_form(project, [])
    for key in [key for key in data if key.startswith("decisions-")]:
        del data[key]
    data |= {
        "decisions-TOTAL_FORMS": str(len(shown)),
        "decisions-INITIAL_FORMS": str(len(shown)),
        "decisions-MIN_NUM_FORMS": "0",
        "decisions-MAX_NUM_FORMS": "1000",
    }
    for index, decision in enumerate(shown):
        prefix = f"decisions-{index}-"
        data |= {
            prefix + "id": str(decision.pk),
            prefix + "project": str(project.pk),
            prefix + "kind": decision.kind,
            prefix + "decided_on": decision.decided_on.isoformat(),
            prefix + "esf_grant_change": str(decision.esf_grant_change),
            prefix + "note": decision.note,
        }
    data["name"] = "Långt projekt, nytt namn"

    response = caseworker_client.post(url, data)

    assert response.status_code == 302
    project.refresh_from_db()
    assert project.name == "Långt projekt, nytt namn"
    assert project.decisions.count() == 106
    assert_invariants_hold()


# --- refusals are messages -------------------------------------------------------------------
def test_deleting_the_grant_that_a_change_needs_is_a_message_not_a_500(superuser_client):
    project = granted_project()
    services.apply_decision(decision=change(project, esf_grant_change=-1_000_000))
    grant = project.decisions.get(kind=Decision.Kind.GRANT)
    url = reverse("admin:projects_decision_delete", args=[grant.pk])

    response = superuser_client.post(url, {"post": "yes"}, follow=True)

    assert response.status_code == 200
    assert any("negativt" in message for message in messages_of(response))
    assert Decision.objects.filter(pk=grant.pk).exists()
    assert_invariants_hold()


def test_a_bulk_delete_keeps_what_the_rules_need_and_says_so(superuser_client):
    project = granted_project()
    services.apply_decision(decision=change(project, esf_grant_change=-1_000_000))
    grant = project.decisions.get(kind=Decision.Kind.GRANT)
    other = granted_project()
    services.apply_decision(decision=change(other, note="Bara en anteckning"))
    removable = other.decisions.get(kind=Decision.Kind.CHANGE)

    response = superuser_client.post(
        reverse("admin:projects_decision_changelist"),
        {"action": "delete_selected", "_selected_action": [grant.pk, removable.pk], "post": "yes"},
        follow=True,
    )

    assert response.status_code == 200
    assert any(project.diary_number in message for message in messages_of(response))
    assert Decision.objects.filter(pk=grant.pk).exists()
    assert not Decision.objects.filter(pk=removable.pk).exists()
    assert_invariants_hold()


def test_a_refusal_at_saving_time_is_a_message_and_nothing_is_saved(
    caseworker_client,  # noqa: F811
    monkeypatch,
):
    """What a caseworker sees when another writer got in between: the reason, no traceback."""
    project = granted_project()

    def refuse(**kwargs):
        raise ValidationError({"esf_grant_change": "Beviljat ESF-stöd skulle bli negativt."})

    monkeypatch.setattr(services, "apply_decision", refuse)
    response = caseworker_client.post(
        reverse("admin:projects_decision_add"),
        {"project": project.pk, "kind": "change", "decided_on": "2020-03-01", "note": "x"},
        follow=True,
    )

    assert response.status_code == 200
    assert any("Inget sparades" in message for message in messages_of(response))
    assert project.decisions.count() == 1


def test_the_admin_refuses_a_decision_dated_after_today(caseworker_client):  # noqa: F811
    project = granted_project()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    response = caseworker_client.post(
        reverse("admin:projects_decision_add"),
        {"project": project.pk, "kind": "extension", "decided_on": tomorrow.isoformat()},
    )

    assert response.status_code == 200
    assert "ligger efter i dag" in " ".join(response.context["adminform"].form.errors["decided_on"])
    assert project.decisions.count() == 1
