"""History pages are for reading: nobody writes through them, whatever their rights."""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from projects import permissions, services
from projects.admin_history import linked_reason
from projects.models import Decision, Organisation, Project, Region
from tests.factories import OrganisationFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


def staff(group: str | None):
    if group is None:
        return UserFactory(is_superuser=True)
    user = UserFactory()
    user.groups.add(Group.objects.get(name=group))
    return user


def extended_project() -> Project:
    """A project with a grant and an extension: two versions of its money to go back between."""
    project = ProjectFactory()  # with its grant
    services.apply_decision(
        decision=Decision(
            project=project,
            kind=Decision.Kind.EXTENSION,
            decided_on=project.start_date.replace(year=project.start_date.year + 1),
            esf_grant_change=1_000_000,
            total_budget_change=2_000_000,
        )
    )
    project.refresh_from_db()
    return project


def oldest_version(obj):
    return obj.history.order_by("history_date", "history_id").first()


def version_url(obj, version) -> str:
    opts = obj._meta
    return reverse(
        f"admin:{opts.app_label}_{opts.model_name}_simple_history",
        args=[obj.pk, version.history_id],
    )


def post_of_the_old_version(client, obj, version, **changes):
    """What the history form would send: the old version's fields, with some changed."""
    url = version_url(obj, version)
    data = {**changes, "_save": "Återställ"}
    return client.post(url, data)


ROLES = [permissions.READER, permissions.CASEWORKER, None]  # None: a superuser


@pytest.mark.parametrize("role", ROLES)
def test_nobody_renames_a_project_through_its_history(client, role):
    project = extended_project()
    original_name, grant, budget = project.name, project.esf_grant, project.total_budget
    client.force_login(staff(role))

    response = post_of_the_old_version(
        client,
        project,
        oldest_version(project),
        name="Omdöpt via historiken",
        diary_number=project.diary_number,
        programme=project.programme_id,
        owner=project.owner_id,
        start_date=project.start_date.isoformat(),
    )

    assert response.status_code == 403
    project.refresh_from_db()
    assert (project.name, project.esf_grant, project.total_budget) == (original_name, grant, budget)
    call_command("check_invariants", stdout=io.StringIO())


@pytest.mark.parametrize("role", ROLES)
def test_nobody_changes_a_decisions_amount_through_its_history(client, role):
    project = extended_project()
    decision = project.decisions.get(kind=Decision.Kind.EXTENSION)
    services.apply_decision(decision=decision)  # a second version of the decision
    client.force_login(staff(role))

    response = post_of_the_old_version(
        client,
        decision,
        oldest_version(decision),
        project=project.pk,
        kind="extension",
        decided_on=decision.decided_on.isoformat(),
        esf_grant_change="9000000",
    )

    assert response.status_code == 403
    decision.refresh_from_db()
    project.refresh_from_db()
    assert decision.esf_grant_change == 1_000_000
    assert project.esf_grant == 29_815_599 // 2 + 1_000_000


@pytest.mark.parametrize("role", ROLES)
def test_nobody_renames_an_organisation_or_a_region_through_their_history(client, role):
    organisation = OrganisationFactory(name="Växjö kommun")
    organisation.name = "Växjö kommun, Arbetsmarknad"
    organisation.save()
    region = Region.objects.get(code="SE21")
    region_name = region.name_sv
    region.save()  # a version to open
    client.force_login(staff(role))

    for obj, data in [
        (organisation, {"name": "Omdöpt", "org_number": organisation.org_number}),
        (region, {"code": "SE21", "name_sv": "Omdöpt"}),
    ]:
        response = post_of_the_old_version(client, obj, oldest_version(obj), **data)
        assert response.status_code == 403, obj

    assert Organisation.objects.get(pk=organisation.pk).name == "Växjö kommun, Arbetsmarknad"
    assert Region.objects.get(pk=region.pk).name_sv == region_name


@pytest.mark.parametrize("role", [permissions.READER, permissions.CASEWORKER])
def test_an_old_version_is_shown_read_only(client, role):
    project = extended_project()
    client.force_login(staff(role))

    response = client.get(version_url(project, oldest_version(project)))

    assert response.status_code == 200
    page = response.content.decode()
    assert project.name in page
    assert 'name="_save"' not in page  # no "Återställ" (revert) button
    assert 'name="name"' not in page  # and no field to type into
    assert 'name="diary_number"' not in page


def test_the_history_list_still_shows_who_changed_what(client):
    project = extended_project()
    client.force_login(staff(permissions.READER))

    response = client.get(reverse("admin:projects_project_history", args=[project.pk]))

    assert response.status_code == 200
    assert version_url(project, oldest_version(project)) in response.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/admin/projects/project/abc/history/",
        "/admin/projects/project/1%00/history/",
        "/admin/projects/project/{pk}/history/abc/",
        "/admin/projects/project/{pk}/history/1%00/",
        "/admin/projects/decision/-1/history/",
        "/admin/projects/organisation/{pk}/history/99999999/",
        "/admin/projects/region/١/history/",  # an Arabic-Indic digit is no id either
    ],
)
def test_bad_ids_in_history_addresses_are_404(client, path):
    project = ProjectFactory()
    client.force_login(staff(permissions.READER))

    response = client.get(path.format(pk=project.pk))

    assert response.status_code == 404


def test_the_history_is_swedish_and_links_each_change_of_totals_to_its_decision(client):
    from django.urls import reverse

    from projects import services
    from projects.models import Decision
    from tests.factories import ProjectFactory, UserFactory

    client.force_login(UserFactory(is_superuser=True))
    project = ProjectFactory()
    decision = Decision(
        kind=Decision.Kind.CHANGE,
        decided_on=project.start_date,
        esf_grant_change=1_000_000,
        total_budget_change=2_000_000,
    )
    services.apply_decisions(project_id=project.pk, save=[decision])
    url = reverse("admin:projects_project_history", args=[project.pk])
    body = client.get(url).content.decode()
    assert "Historik:" in body and "View history" not in body
    assert "Change reason" not in body and "Orsak" in body
    link = reverse("admin:projects_decision_change", args=[decision.pk])
    assert f'Beslut nr <a href="{link}">{decision.pk}</a>' in body
    assert "None" not in body


def decisions_saved_and_deleted(project: Project) -> tuple[int, int, int]:
    """Two decisions saved at once, both deleted while a third is saved, then the third deleted:
    the three ids, and reasons "Beslut nr a, b", "Beslut nr c; borttaget beslut a, b" and
    "borttaget beslut c"."""

    def change() -> Decision:
        return Decision(
            kind=Decision.Kind.CHANGE,
            decided_on=project.start_date,
            esf_grant_change=1_000,
            total_budget_change=2_000,
        )

    first, second, third = change(), change(), change()
    services.apply_decisions(project_id=project.pk, save=[first, second])
    saved_first = first.pk, second.pk  # delete() forgets them
    services.apply_decisions(project_id=project.pk, save=[third], delete=[first, second])
    ids = (*saved_first, third.pk)
    services.apply_decisions(project_id=project.pk, delete=[third])
    return ids


@pytest.mark.parametrize(
    ("language", "saved", "deleted_one", "deleted_many"),
    [
        ("sv", "Beslut nr", "borttaget beslut", "borttagna beslut"),
        ("en", "Decision no.", "deleted decision", "deleted decisions"),
    ],
)
def test_the_reasons_of_totals_are_in_the_pages_language_with_the_saved_decisions_linked(
    client, language, saved, deleted_one, deleted_many
):
    client.force_login(UserFactory(is_superuser=True))
    project = ProjectFactory()
    first, second, third = decisions_saved_and_deleted(project)
    # the stored reasons stay as `totals_reason` wrote them, in Swedish
    reasons = project.history.order_by("-history_id").values_list("history_change_reason")
    assert [reason for (reason,) in reasons[:3]] == [
        f"borttaget beslut {third}",
        f"Beslut nr {third}; borttaget beslut {first}, {second}",
        f"Beslut nr {first}, {second}",
    ]
    with translation.override(language):
        url = reverse("admin:projects_project_history", args=[project.pk])
        link = {
            pk: f'<a href="{reverse("admin:projects_decision_change", args=[pk])}">{pk}</a>'
            for pk in (first, second, third)
        }

    body = client.get(url).content.decode()

    assert url.startswith("/en/admin/" if language == "en" else "/admin/")
    cell = '<td role="cell" data-label="{}">'.format(
        "Change reason" if language == "en" else "Orsak"
    )
    assert f"{cell}{saved} {link[first]}, {link[second]}</td>" in body
    assert f"{cell}{saved} {link[third]}; {deleted_many} {first}, {second}</td>" in body
    assert f"{cell}{deleted_one} {third}</td>" in body
    if language == "en":
        assert "Beslut nr" not in body and "borttag" not in body


@pytest.mark.parametrize("language", ["sv", "en"])
def test_other_reasons_are_shown_as_stored_and_escaped(language):
    with translation.override(language):
        link = reverse("admin:projects_decision_change", args=[7])
        assert linked_reason("fill_counties: län från postnummer") == (
            "fill_counties: län från postnummer"
        )
        assert linked_reason("Import: Projektbanken, beslut nr 5 & <b>") == (
            "Import: Projektbanken, beslut nr 5 &amp; &lt;b&gt;"
        )
        assert linked_reason("Beslut nr 5 ändrat") == "Beslut nr 5 ändrat"
        assert linked_reason(None) == "–"
        # a reason the project already had, then the totals' own
        saved = "Decision no." if language == "en" else "Beslut nr"
        assert linked_reason("Godkänt; Beslut nr 7") == f'Godkänt; {saved} <a href="{link}">7</a>'


def test_the_count_says_how_many_saves_without_a_visible_change_are_not_listed(client):
    client.force_login(UserFactory(is_superuser=True))
    project = ProjectFactory()
    Project.objects.get(pk=project.pk).save()  # a save that changes nothing shown
    url = reverse("admin:projects_project_history", args=[project.pk])

    body = client.get(url).content.decode()

    assert body.count('<tr role="row">') == 2  # the header and the first version
    assert "2 poster; 1 sparning utan synlig ändring visas inte" in " ".join(body.split())
