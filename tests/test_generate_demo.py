"""generate_demo: realistic, deterministic, consistent with the decision rule, and fast in bulk."""

import datetime

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Max, Sum

from projects.models import Decision, Organisation, Project, Region
from projects.validators import diary_number_period
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

FIELDS = [
    "diary_number", "slug", "programme__period", "name", "owner__name", "owner__org_number",
    "region__code", "start_date", "end_date", "total_budget", "esf_grant", "cofinancing_rate",
    "programme_area__code", "specific_objective__code", "intervention_field__code",
    "planned_participants", "participant_goal", "city", "postcode",
]  # fmt: skip


def snapshot() -> tuple[list, list]:
    projects = list(Project.objects.order_by("diary_number").values_list(*FIELDS))
    decisions = list(
        Decision.objects.order_by("project__diary_number", "decided_on", "kind").values_list(
            "project__diary_number",
            "kind",
            "decided_on",
            "esf_grant_change",
            "total_budget_change",
            "new_end_date",
        )  # fmt: skip
    )
    return projects, decisions


def test_same_seed_gives_the_same_data():
    call_command("generate_demo", projects=300, seed=7, stdout=None)
    first = snapshot()
    call_command("generate_demo", projects=300, seed=7)
    assert snapshot() == first
    assert Project.objects.count() == 300


def test_another_seed_gives_other_data():
    call_command("generate_demo", projects=100, seed=1)
    first = snapshot()
    call_command("generate_demo", projects=100, seed=2)
    assert snapshot() != first


def test_demo_rows_replace_earlier_demo_rows_and_leave_real_ones():
    real = ProjectFactory(diary_number="2020/00152")
    call_command("generate_demo", projects=200, seed=1)
    call_command("generate_demo", projects=50, seed=1)
    assert Project.objects.filter(is_demo=True).count() == 50
    assert Project.objects.filter(pk=real.pk).exists()
    assert Organisation.objects.filter(is_demo=True, projects=None).count() == 0


def test_demo_projects_follow_the_decision_rule_and_the_constraints():
    call_command("generate_demo", projects=500, seed=3)
    sums = Project.objects.annotate(
        grant_sum=Sum("decisions__esf_grant_change"),
        budget_sum=Sum("decisions__total_budget_change"),
        latest_end=Max("decisions__new_end_date"),
    )
    assert not sums.exclude(esf_grant=F("grant_sum")).exists()
    assert not sums.exclude(total_budget=F("budget_sum")).exists()
    assert not Project.objects.filter(esf_grant__gt=F("total_budget")).exists()
    assert not Project.objects.filter(end_date__lt=F("start_date")).exists()
    assert Decision.objects.filter(kind=Decision.Kind.EXTENSION).exists()
    assert Decision.objects.filter(kind=Decision.Kind.CHANGE, esf_grant_change__lt=0).exists()
    for project in Project.objects.all()[:50]:
        assert diary_number_period(project.diary_number) == project.programme.period
        project.full_clean()  # every validator, including the organisation number's Luhn check
        project.owner.full_clean()


def test_demo_data_covers_every_region_and_both_periods():
    call_command("generate_demo", projects=2000, seed=1)
    regions = set(Project.objects.values_list("region__code", flat=True))
    assert regions == set(Region.objects.values_list("code", flat=True))
    periods = dict(
        Project.objects.values_list("programme__period").annotate(n=Count("id")).order_by()
    )
    assert set(periods) == {"2014-2020", "2021-2027"}
    areas = set(Project.objects.values_list("programme__period", "programme_area__code"))
    assert {("2014-2020", "1"), ("2014-2020", "2"), ("2021-2027", "A"), ("2021-2027", "E")} <= areas


def test_new_rows_after_demo_data_get_fresh_ids():
    """Explicit ids in the bulk insert must not leave the id sequence behind (PostgreSQL)."""
    call_command("generate_demo", projects=20, seed=1)
    project = ProjectFactory()
    assert project.pk > Project.objects.filter(is_demo=True).aggregate(Max("pk"))["pk__max"]


def test_diary_numbers_spill_into_the_next_year_instead_of_overflowing():
    from projects.demo import DemoBuilder

    builder = DemoBuilder(seed=1)
    builder.serials[("2021-2027", 2025)] = DemoBuilder.CAPACITY["2021-2027"] - 1
    start = datetime.date(2026, 3, 1)
    assert builder.diary_number("2021-2027", start) == "25-999-S99"
    assert builder.diary_number("2021-2027", start) == "26-100-S01"
    builder.serials[("2014-2020", 2020)] = DemoBuilder.CAPACITY["2014-2020"]
    assert builder.diary_number("2014-2020", datetime.date(2021, 5, 1)) == "2014/10000"
