"""`manage.py check_invariants`: the registry's rules checked in SQL, violations listed, exit 1."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import F

from projects import demo, services
from projects.models import Decision, Project
from tests.factories import OrganisationFactory, Project2007Factory, ProjectFactory

pytestmark = [pytest.mark.django_db, pytest.mark.breaks_invariants]  # checks the check itself


def check_invariants() -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("check_invariants", stdout=out)
    except CommandError as error:
        return error.returncode, out.getvalue() + str(error)
    return 0, out.getvalue()


@pytest.fixture
def demo_registry():
    demo.generate(projects=150, seed=1)
    return Project.objects.order_by("diary_number")


def test_generated_demo_data_passes(demo_registry):
    code, output = check_invariants()
    assert code == 0, output
    assert "All invariants hold." in output
    assert output.count("ok    ") == 9


def test_projects_and_decisions_entered_through_the_services_pass():
    project = services.create_project(
        project=ProjectFactory.build(diary_number="2020/00152", owner=OrganisationFactory()),
        grant=Decision(
            kind=Decision.Kind.GRANT,
            decided_on=datetime.date(2020, 6, 10),
            esf_grant_change=1_000_000,
            total_budget_change=2_000_000,
        ),
    )
    services.apply_decision(
        decision=Decision(
            project=project,
            kind=Decision.Kind.EXTENSION,
            decided_on=datetime.date(2022, 6, 1),
            esf_grant_change=-100_000,
            new_end_date=datetime.date(2023, 6, 30),
        )
    )
    # An undated snapshot counts from the day it was recorded: later than both decisions.
    services.apply_decision(
        decision=Decision(
            project=project, kind=Decision.Kind.SNAPSHOT, new_end_date=datetime.date(2023, 3, 31)
        )
    )
    # A project without any decision and without money is consistent too.
    ProjectFactory(total_budget=None, esf_grant=None)

    code, output = check_invariants()
    assert code == 0, output


def test_a_grant_changed_behind_the_services_back_is_reported(demo_registry):
    project = demo_registry.filter(esf_grant__gt=0).first()
    Project.objects.filter(pk=project.pk).update(esf_grant=F("esf_grant") - 1)

    code, output = check_invariants()

    assert code == 1
    assert "FAIL  money_is_sum_of_decisions: 1 project(s)" in output
    assert f"{project.diary_number}: ESF {project.esf_grant - 1} vs decisions" in output
    assert "1 invariant violation(s)" in output


def test_a_budget_set_where_the_decisions_state_none_is_reported():
    project = ProjectFactory(total_budget=None, esf_grant=None)  # a grant stating no money
    Project.objects.filter(pk=project.pk).update(esf_grant=None, total_budget=5)

    code, output = check_invariants()

    assert code == 1
    assert f"{project.diary_number}: ESF None vs decisions None, budget 5 vs decisions None" in (
        output
    )


def test_a_budget_missing_where_the_decisions_state_one_is_reported():
    project = ProjectFactory(esf_grant=None, total_budget=3_000_000)
    Project.objects.filter(pk=project.pk).update(esf_grant=None, total_budget=None)

    code, output = check_invariants()

    assert code == 1
    assert "budget None vs decisions 3000000" in output


def test_a_decision_count_or_date_behind_the_decisions_is_reported(demo_registry):
    counted, dated = demo_registry[0], demo_registry[1]
    Project.objects.filter(pk=counted.pk).update(decision_count=F("decision_count") + 1)
    Project.objects.filter(pk=dated.pk).update(last_decision_date=None)

    code, output = check_invariants()

    assert code == 1
    assert "FAIL  decision_count_and_date: 2 project(s)" in output
    assert counted.diary_number in output and dated.diary_number in output


def test_an_end_date_that_is_not_the_latest_decisions_is_reported(demo_registry):
    project = demo_registry.exclude(decisions__new_end_date=None).first()
    Project.objects.filter(pk=project.pk).update(end_date=F("end_date") + datetime.timedelta(1))

    code, output = check_invariants()

    assert code == 1
    assert "FAIL  end_date_is_latest_decisions: 1 project(s)" in output
    assert project.diary_number in output


def test_many_violations_are_counted_and_the_first_listed(demo_registry):
    Project.objects.filter(esf_grant__gt=0).update(esf_grant=F("esf_grant") - 1)
    broken = Project.objects.filter(esf_grant__gte=0).count()

    code, output = check_invariants()

    assert code == 1
    assert f"money_is_sum_of_decisions: {broken} project(s)" in output
    assert f"… and {broken - 20} more" in output


def test_the_check_is_twenty_seven_queries_when_the_data_is_clean(
    demo_registry, django_assert_num_queries
):
    # grant > budget, end < start, sums of decisions, their count and date, latest end date,
    # decisions after today, the owner's legal form, organisation numbers; the roll-ups: their
    # day, and per roll-up (portfolio per start year, without, and without the legal form
    # too, years, sizes, rates, decisions, owners, owners' totals) the recount and its rows
    with django_assert_num_queries(8 + 1 + 9 * 2):
        assert check_invariants()[0] == 0


def test_an_organisation_number_with_a_wrong_check_digit_is_reported():
    right = OrganisationFactory(name="Växjö kommun", org_number="8025185011")
    wrong = OrganisationFactory(name="Felaktiga kommunen")
    type(wrong).objects.filter(pk=wrong.pk).update(org_number="8025185012")
    assert right.org_number == "8025185011"

    code, output = check_invariants()

    assert code == 1
    assert "org_number_checksum: 1 organisation(s)" in output
    assert "Felaktiga kommunen: 8025185012 fails the Luhn check" in output
    assert "Växjö kommun" not in output


def test_a_decision_dated_after_today_is_reported():
    project = ProjectFactory(diary_number="2020/00152")
    decision = project.decisions.get()
    Decision.objects.filter(pk=decision.pk).update(decided_on=datetime.date(2031, 1, 1))

    code, output = check_invariants()

    assert code == 1
    assert "FAIL  decisions_not_in_the_future: 1 project(s)" in output
    assert "2020/00152: decision dated 2031-01-01, after today" in output


@pytest.mark.parametrize(
    "make",
    [lambda: ProjectFactory(diary_number="2020/00152"), Project2007Factory],
    ids=["diary number", "2007-2013, named by its slug"],
)
def test_a_project_whose_copy_of_its_owners_legal_form_is_stale_is_reported(make):
    project = make()
    with connection.cursor() as cursor:  # as if a trigger were missing (rolled back after)
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending checks before ALTER
            cursor.execute("ALTER TABLE projects_project DISABLE TRIGGER project_owner_facts")
        else:
            cursor.execute("DROP TRIGGER project_owner_legal_form_update")
        cursor.execute(
            "UPDATE projects_project SET owner_legal_form = '9' WHERE id = %s", [project.pk]
        )

    code, output = check_invariants()

    assert code == 1
    assert "FAIL  owner_legal_form_is_the_owners: 1 project(s)" in output
    name = project.diary_number or project.slug
    assert f"{name}: legal form '9', owner's '{project.owner.legal_form}'" in output
