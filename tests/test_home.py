"""The landing page: key figures, entry points into the list, latest decisions."""

import datetime

import pytest
from django.urls import reverse

from projects import services
from projects.models import Decision, Programme
from tests.factories import DecisionFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def test_landing_shows_key_figures_by_period_and_entry_points(client):
    ProjectFactory(esf_grant=5_000_000, planned_participants=100)
    ProjectFactory(diary_number="22-005-S01", programme=Programme.objects.get(period="2021-2027"),
                   programme_area=None, esf_grant=1_000_000, planned_participants=50)  # fmt: skip
    response = client.get(reverse("projects:home"))
    body = response.content.decode()
    assert response.context["totals"] == {
        "projects": 2, "esf_grant": 6_000_000, "participants": 150, "demo": 0,
    }  # fmt: skip
    assert 'href="/projects/?region=SE21"' in body
    assert 'href="/projects/?programme=2014-2020&amp;programme_area=2"' in body


def test_latest_decisions_are_listed_newest_first(client):
    project = ProjectFactory(start_date=datetime.date(2019, 3, 1))  # granted 2019-01-30
    older = DecisionFactory(project=project, decided_on=datetime.date(2020, 1, 1))
    newer = DecisionFactory(project=project, decided_on=datetime.date(2021, 1, 1))
    latest = client.get(reverse("projects:home")).context["latest"]
    assert [d.pk for d in latest] == [newer.pk, older.pk, project.decisions.get(kind="grant").pk]


def test_landing_figures_are_cached_until_the_registry_changes(client, django_assert_num_queries):
    project = ProjectFactory(total_budget=None, esf_grant=None)
    client.get(reverse("projects:home"))
    with django_assert_num_queries(0):  # figures and footer date both cached
        client.get(reverse("projects:home"))
    services.apply_decision(
        decision=Decision(project=project, kind="grant", decided_on=datetime.date(2020, 1, 1),
                          esf_grant_change=7_000_000, total_budget_change=14_000_000)
    )  # fmt: skip
    response = client.get(reverse("projects:home"))
    assert response.context["totals"]["esf_grant"] == 7_000_000
