"""The decision service: money and end date are the sum / latest of a project's decisions."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from projects import services
from projects.models import Decision, Programme, Project
from tests.factories import OrganisationFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def kronoberg_project() -> Project:
    """Etableringssamverkan Kronoberg as the 2020 news item tells it (figures before extension)."""
    project = Project(
        diary_number="2017/00123",
        programme=Programme.objects.get(period="2014-2020"),
        name="Etableringssamverkan Kronoberg",
        owner=OrganisationFactory(name="Växjö kommun", org_number="2120000688"),
        start_date=datetime.date(2017, 9, 1),
        end_date=datetime.date(2020, 8, 31),
    )
    grant = Decision(
        kind=Decision.Kind.GRANT,
        decided_on=datetime.date(2017, 6, 1),
        decided_by="Strukturfondspartnerskapet Småland och Öarna",
        esf_grant_change=24_000_000,
        total_budget_change=50_000_000,
    )
    return services.create_project(project=project, grant=grant)


def test_creating_a_project_records_its_grant_as_the_first_decision():
    project = kronoberg_project()
    assert project.esf_grant == 24_000_000
    assert project.total_budget == 50_000_000
    (grant,) = project.decisions.all()
    assert grant.kind == Decision.Kind.GRANT
    assert grant.new_end_date == datetime.date(2020, 8, 31)


def test_extension_adds_money_and_moves_the_end_date():
    # "drygt 17 miljoner kronor … innebär det en förlängning till oktober 2021"
    project = kronoberg_project()
    services.apply_decision(
        decision=Decision(
            project=project,
            kind=Decision.Kind.EXTENSION,
            decided_on=datetime.date(2020, 10, 12),
            decided_by="Strukturfondspartnerskapet Småland och Öarna",
            esf_grant_change=17_000_000,
            total_budget_change=34_000_000,
            new_end_date=datetime.date(2021, 10, 31),
        )
    )
    project.refresh_from_db()
    assert project.esf_grant == 41_000_000
    assert project.total_budget == 84_000_000
    assert project.end_date == datetime.date(2021, 10, 31)
    assert (project.decision_count, project.last_decision_date) == (2, datetime.date(2020, 10, 12))
    assert services.aggregate_decisions(project) == {
        "esf_grant": 41_000_000,
        "total_budget": 84_000_000,
    }


def test_reduction_lowers_the_totals_and_keeps_the_end_date():
    project = kronoberg_project()
    services.apply_decision(
        decision=Decision(
            project=project,
            kind=Decision.Kind.CHANGE,
            decided_on=datetime.date(2018, 3, 1),
            esf_grant_change=-4_000_000,
            total_budget_change=-8_000_000,
        )
    )
    project.refresh_from_db()
    assert (project.esf_grant, project.total_budget) == (20_000_000, 42_000_000)
    assert project.end_date == datetime.date(2020, 8, 31)


def test_latest_decision_sets_the_end_date_even_when_it_shortens_the_project():
    project = kronoberg_project()
    services.apply_decision(
        decision=Decision(
            project=project,
            kind=Decision.Kind.CHANGE,
            decided_on=datetime.date(2019, 1, 10),
            new_end_date=datetime.date(2019, 12, 31),
        )
    )
    project.refresh_from_db()
    assert project.end_date == datetime.date(2019, 12, 31)


def _unchanged(project: Project) -> tuple:
    project.refresh_from_db()
    return (project.esf_grant, project.total_budget, project.end_date, project.decisions.count())


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"esf_grant_change": 30_000_000}, "esf_grant_change", "överstiga total budget"),
        ({"new_end_date": datetime.date(2017, 1, 1)}, "new_end_date", "före projektets startdatum"),
        (
            {"esf_grant_change": -25_000_000, "total_budget_change": -1_000_000},
            "esf_grant_change",
            "negativt",
        ),
        ({"decided_on": None}, "decided_on", "Ange beslutsdatum"),
    ],
    ids=["esf-above-budget", "end-before-start", "negative-grant", "undated"],
)
def test_invalid_decision_is_refused_and_nothing_changes(changes, field, message):
    project = kronoberg_project()
    before = _unchanged(project)
    decision = Decision(
        project=project,
        kind=Decision.Kind.CHANGE,
        **{"decided_on": datetime.date(2019, 5, 1), **changes},
    )
    with pytest.raises(ValidationError) as caught:
        services.apply_decision(decision=decision)
    assert message in " ".join(caught.value.message_dict[field])
    assert _unchanged(project) == before


def test_deleting_a_decision_recomputes_the_project():
    project = kronoberg_project()
    extension = Decision(
        project=project,
        kind=Decision.Kind.EXTENSION,
        decided_on=datetime.date(2020, 10, 12),
        esf_grant_change=17_000_000,
        total_budget_change=34_000_000,
        new_end_date=datetime.date(2021, 10, 31),
    )
    services.apply_decision(decision=extension)
    services.delete_decision(decision=extension)
    project.refresh_from_db()
    assert (project.esf_grant, project.end_date) == (24_000_000, datetime.date(2020, 8, 31))
    assert project.decision_count == 1
    assert project.last_decision_date == project.decisions.get().decided_on


def test_deleting_the_decision_that_holds_the_budget_up_is_refused():
    project = kronoberg_project()
    budget_only = Decision(
        project=project,
        kind=Decision.Kind.CHANGE,
        decided_on=datetime.date(2018, 1, 1),
        total_budget_change=10_000_000,
    )
    services.apply_decision(decision=budget_only)
    services.apply_decision(
        decision=Decision(
            project=project,
            kind=Decision.Kind.CHANGE,
            decided_on=datetime.date(2018, 2, 1),
            esf_grant_change=30_000_000,
        )
    )
    with pytest.raises(ValidationError):
        services.delete_decision(decision=budget_only)
    assert Decision.objects.filter(pk=budget_only.pk).exists()


def test_unknown_figures_stay_unknown():
    """ESF+ pages state no budget: decisions without amounts leave the totals empty."""
    project = Project(
        diary_number="22-005-S01",
        programme=Programme.objects.get(period="2021-2027"),
        name="SIA",
        owner=OrganisationFactory(org_number="8025185011"),
        start_date=datetime.date(2023, 2, 1),
        end_date=datetime.date(2026, 1, 31),
    )
    grant = Decision(kind=Decision.Kind.SNAPSHOT)
    project = services.create_project(project=project, grant=grant)
    assert project.esf_grant is None
    assert project.total_budget is None


def test_every_change_is_in_the_history():
    project = kronoberg_project()
    services.apply_decision(
        decision=Decision(
            project=project,
            kind=Decision.Kind.EXTENSION,
            decided_on=datetime.date(2020, 10, 12),
            esf_grant_change=17_000_000,
            total_budget_change=34_000_000,
            new_end_date=datetime.date(2021, 10, 31),
        )
    )
    grants = list(project.history.order_by("history_date").values_list("esf_grant", flat=True))
    assert grants[-1] == 41_000_000
    assert 24_000_000 in grants
    assert Decision.history.filter(project_id=project.pk).count() == 2


def test_a_decision_dated_after_today_is_refused_with_the_reason():
    project = ProjectFactory()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    decision = Decision(
        project=project, kind=Decision.Kind.EXTENSION, decided_on=tomorrow, esf_grant_change=1
    )

    with pytest.raises(ValidationError) as refused:
        services.apply_decision(decision=decision)

    assert "ligger efter i dag" in " ".join(refused.value.message_dict["decided_on"])
    assert project.decisions.count() == 1


def test_applying_a_decision_is_a_handful_of_queries(django_assert_max_num_queries):
    project = ProjectFactory()
    decision = Decision(
        project=project,
        kind=Decision.Kind.EXTENSION,
        decided_on=datetime.date(2022, 1, 10),
        esf_grant_change=100_000,
        total_budget_change=200_000,
        new_end_date=datetime.date(2023, 6, 30),
    )
    # lock and read the project, read its decisions once, insert the decision and its history
    # row, update the project and its history row (and a savepoint around them)
    with django_assert_max_num_queries(8):
        services.apply_decision(decision=decision)
    assert project.history.count() == 2


def test_creating_a_project_writes_one_history_row_for_it_and_one_for_its_grant():
    owner = OrganisationFactory()
    project = Project(
        diary_number="2020/00152",
        programme=Programme.objects.get(period="2014-2020"),
        name="Fortsatt SLA",
        owner=owner,
        start_date=datetime.date(2020, 8, 17),
        end_date=datetime.date(2022, 12, 31),
    )
    grant = Decision(
        kind=Decision.Kind.GRANT,
        decided_on=datetime.date(2020, 6, 10),
        esf_grant_change=17_207_538,
        total_budget_change=36_619_373,
    )

    services.create_project(project=project, grant=grant)

    assert project.history.count() == 1 and grant.history.count() == 1
    project.refresh_from_db()
    assert (project.esf_grant, project.total_budget, project.decision_count) == (
        17_207_538,
        36_619_373,
        1,
    )
