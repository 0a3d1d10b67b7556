"""The list's summary and every facet's counts, each facet counted without its own choice
(`queries.summary_and_facets`: from the roll-up's rows or the projects), against the rule done
by hand: the projects every other filter keeps, counted per code in Python."""

import datetime
from collections import Counter

import pytest
from django.http import QueryDict

from projects import demo, queries
from projects.dimensions import BY_NAME, DIMENSIONS, NONE
from projects.filters import ProjectFilter
from projects.models import Project, Region
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry():
    demo.generate(projects=240, seed=3)
    national = Region.objects.get(code="SE21")
    ProjectFactory.create_batch(2, region=None, county=None)  # real, without region or county
    ProjectFactory(region=national, county=None, start_date=datetime.date(2016, 3, 1))
    return Project.objects.all()


def by_hand(filterset) -> tuple[dict, dict[str, Counter]]:
    """The summary of the set and, per facet, the counts over the set without its own choice."""
    today = filterset.today
    selected = filterset.selected()
    counts: dict[str, Counter] = {}
    for name in queries.FACET_NAMES:
        others = filterset.without(name) if selected.get(name) else filterset
        projects = others.qs.select_related(*(d.name for d in DIMENSIONS))
        counted: Counter = Counter()
        for project in projects:
            if name in BY_NAME:
                row = getattr(project, name)
                if row is not None:
                    counted[getattr(row, BY_NAME[name].code_field)] += 1
                elif BY_NAME[name].none_label:  # a choice only where the facet offers one
                    counted[NONE] += 1
            elif name == "legal_form":
                counted[project.owner_legal_form] += 1
            elif name == "status":
                counted[project.status(today)] += 1
            else:
                counted[queries.DEMO_ONLY if project.is_demo else queries.DEMO_EXCLUDE] += 1
        counts[name] = counted
    return queries.summary(filterset.qs, today=today), counts


def nonzero(counts: dict) -> dict:
    return {code: count for code, count in counts.items() if count}


@pytest.mark.parametrize(
    "query",
    [
        "",
        "region=SE21",
        "region=SE21&region=none&county=SE211&county=none",
        "programme=2014-2020&programme_area=1&status=ongoing",
        "programme_area=1",  # a code both programmes' lists have
        "programme=2021-2027&specific_objective=A1&intervention_field=150&legal_form=2",
        "legal_form=2&legal_form=8&demo=exclude",
        "demo=only&status=finished&start_year_min=2015&start_year_max=2020",
        "status=upcoming&region=SE33",
        "q=arbete",  # a search: the projects, not the roll-up
        "q=arbete&region=SE22&region=SE23&status=finished",
        "esf_grant_min=1000000&county=SE212&legal_form=5&demo=only",
        "esf_grant_max=2000000&programme=2007-2013&programme_area=2",
        "region=SE99",  # a bad code, ignored
        "q=zzzzqqq",  # matches nothing
    ],
)
def test_one_pass_counts_each_facet_without_its_own_choice(registry, query):
    filterset = ProjectFilter(QueryDict(query), queryset=Project.objects.all())
    summary, counts = queries.summary_and_facets(
        filterset, reference=filterset.reference, today=filterset.today
    )
    start_years = summary.pop("start_years")
    want_summary, want_counts = by_hand(filterset)
    assert summary == want_summary
    for name in queries.FACET_NAMES:
        assert nonzero(counts[name]) == dict(want_counts[name]), name
    if start_years is not None:  # from the roll-up: the set's projects per start year
        assert start_years == dict(Counter(p.start_date.year for p in filterset.qs))


def test_the_list_shows_the_one_pass_counts(client, registry):
    response = client.get("/projects/", {"region": "SE21", "status": "ongoing"})
    facets = {facet.name: facet for facet in response.context["facets"]}
    filterset = ProjectFilter(QueryDict("region=SE21&status=ongoing"), queryset=Project.objects)
    _summary, want = by_hand(filterset)
    shown = {choice.value: choice.count for choice in facets["region"].choices if choice.count}
    assert shown == dict(want["region"])
    ongoing = [choice for choice in facets["status"].choices if choice.value == "ongoing"]
    assert ongoing[0].count == want["status"]["ongoing"]
