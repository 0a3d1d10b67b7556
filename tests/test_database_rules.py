"""Rules that span tables hold in the database itself, whatever writes to it."""

import pytest
from django.db import IntegrityError, connection, transaction

from projects import services
from projects.models import (
    Decision,
    InterventionField,
    ProgrammeArea,
    Project,
    SpecificObjective,
)
from tests.factories import OrganisationFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def refused(write) -> bool:
    try:
        with transaction.atomic():
            write()
    except IntegrityError:
        return True
    return False


@pytest.fixture
def project():
    return ProjectFactory(diary_number="2020/00152")


def other_programmes_area(project) -> ProgrammeArea:
    """An area of another programme with a code the project's programme does not use, so that
    moving a row to that programme clashes with no code (2007–2013 also has areas 1 and 2)."""
    own = ProgrammeArea.objects.filter(programme=project.programme).values("code")
    return ProgrammeArea.objects.exclude(programme=project.programme).exclude(code__in=own).first()


def test_a_programme_area_of_the_other_programme_is_refused(project):
    area = other_programmes_area(project)
    assert refused(lambda: Project.objects.filter(pk=project.pk).update(programme_area=area))
    with connection.cursor() as cursor:
        statement = "UPDATE projects_project SET programme_area_id = %s WHERE id = %s"
        assert refused(lambda: cursor.execute(statement, [area.pk, project.pk]))
    project.refresh_from_db()
    assert project.programme_area.programme_id == project.programme_id


def test_an_intervention_field_of_the_other_programme_is_refused(project):
    field = InterventionField.objects.exclude(programme=project.programme).first()
    own = InterventionField.objects.filter(programme=project.programme).first()
    assert refused(lambda: Project.objects.filter(pk=project.pk).update(intervention_field=field))
    assert not refused(lambda: Project.objects.filter(pk=project.pk).update(intervention_field=own))


def test_a_specific_objective_of_another_area_is_refused(project):
    elsewhere = SpecificObjective.objects.exclude(programme_area=project.programme_area).first()
    own = SpecificObjective.objects.filter(programme_area=project.programme_area).first()
    update = Project.objects.filter(pk=project.pk).update
    assert refused(lambda: update(specific_objective=elsewhere))
    assert not refused(lambda: update(specific_objective=own))


def test_the_diary_number_must_have_the_format_of_the_projects_programme(project):
    update = Project.objects.filter(pk=project.pk).update
    assert refused(lambda: update(diary_number="22-005-S01"))  # an ESF+ number
    assert not refused(lambda: update(diary_number="2019/00419"))
    # An insert past every check, as a bulk import or a restore would write it.
    row = ProjectFactory.build(diary_number="22-005-S02", owner=project.owner)  # 2014–2020
    assert refused(lambda: Project.objects.bulk_create([row]))


def test_a_code_row_cannot_move_to_another_programme_while_projects_use_it(project):
    area = project.programme_area
    other = other_programmes_area(project).programme
    assert refused(lambda: ProgrammeArea.objects.filter(pk=area.pk).update(programme=other))
    unused = ProgrammeArea.objects.filter(programme=project.programme).exclude(pk=area.pk).first()
    assert not refused(lambda: ProgrammeArea.objects.filter(pk=unused.pk).update(programme=other))


def test_a_grant_decision_cannot_reduce_the_grant(project):
    def negative_grant():
        Decision.objects.create(
            project=project, kind="grant", decided_on="2020-01-15", esf_grant_change=-1
        )

    assert refused(negative_grant)
    change = Decision(project=project, kind="change", decided_on="2020-06-01", esf_grant_change=-1)
    assert not refused(lambda: services.apply_decision(decision=change))


# --- what a project keeps of its owner (migration 0016) -----------------------------------------
def owner_form(project) -> str:
    return Project.objects.values_list("owner_legal_form", flat=True).get(pk=project.pk)


def test_the_project_keeps_its_owners_legal_form_whoever_writes(project):
    assert project.owner.legal_form and owner_form(project) == project.owner.legal_form
    municipality = OrganisationFactory(name="Kalmar kommun", org_number="2120000415")
    company = OrganisationFactory(name="Bolaget AB", org_number="5561234567")
    assert (municipality.legal_form, company.legal_form) == ("2", "5")
    Project.objects.filter(pk=project.pk).update(owner=municipality)
    assert owner_form(project) == "2"
    with connection.cursor() as cursor:  # a raw write, as an import's bulk path might make
        cursor.execute(
            "UPDATE projects_project SET owner_id = %s WHERE id = %s", [company.pk, project.pk]
        )
    assert owner_form(project) == "5"
    project.refresh_from_db()
    project.owner_legal_form = "9"  # a stale copy in memory does not win over the owner's form
    project.save()
    assert owner_form(project) == "5"
    company.org_number = "8025185011"  # the owner's number, and with it its form, changes
    company.save()
    assert company.legal_form == "8" and owner_form(project) == "8"
    created = ProjectFactory(owner=municipality, programme=project.programme)
    assert owner_form(created) == "2"


def test_the_legal_form_facet_and_filter_read_the_projects_copy(client, project):
    OrganisationFactory(name="Ett annat bolag", org_number="5569999906")  # owns nothing
    listed = client.get("/projects/", {"legal_form": project.owner.legal_form})
    assert listed.context["summary"]["projects"] == 1
    facet = next(f for f in listed.context["facets"] if f.name == "legal_form")
    assert [(c.value, c.count) for c in facet.choices] == [(project.owner.legal_form, 1)]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text search is PostgreSQL's")
def test_a_search_finds_the_owners_name_in_the_projects_own_document(project):
    organisation = project.owner
    organisation.name = "Gnosjö kommun"
    organisation.save()
    assert list(Project.objects.search("gnosjö")) == [project]
    organisation.name = "Vaggeryds kommun"
    organisation.save()
    assert not Project.objects.search("gnosjö").exists()
    assert list(Project.objects.search("vaggeryd")) == [project]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN SELECT id FROM projects_project WHERE "
                       "search_document @@ to_tsquery('simple', 'vaggeryd:*')")  # fmt: skip
        plan = " ".join(row[0] for row in cursor.fetchall())
    assert "projects_organisation" not in plan
