"""The portfolio roll-up: kept in step by the database on every write, read by the list and the
dashboard when the filter touches only what it keeps, moved forward with the day, checked by
check_invariants and rebuilt by rebuild_rollup. (Every test that writes also ends with
check_invariants, so every write path the suite takes is compared with a recount.)"""

import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Sum
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from projects import aggregates, queries, rollups
from projects.filters import ProjectFilter
from projects.models import (
    Decision,
    DecisionRollup,
    Organisation,
    OwnerRollup,
    OwnerTotalRollup,
    PortfolioAllYearsRollup,
    PortfolioCodesRollup,
    PortfolioRollup,
    ProgrammeArea,
    Project,
    RateRollup,
    Region,
    RollupState,
    SizeRollup,
    YearRollup,
)
from tests.factories import DecisionFactory, ProjectFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def stored(**filters) -> dict[str, int]:
    rows = PortfolioRollup.objects.filter(projects__gt=0, **filters)
    return {
        "projects": sum(row.projects for row in rows),
        "esf_grant_sum": sum(row.esf_grant_sum for row in rows),
    }


@pytest.fixture
def portfolio():
    stockholm = Region.objects.get(code="SE11")
    return [
        ProjectFactory(start_date=datetime.date(2019, 3, 1)),
        ProjectFactory(region=stockholm, esf_grant=1_000_000, total_budget=2_000_000),
        ProjectFactory(planned_participants=None, start_date=TODAY + datetime.timedelta(days=40)),
    ]


def test_every_write_keeps_the_rollup_equal_to_a_recount(portfolio):
    first, second, third = portfolio
    assert rollups.differences() == []
    assert stored() == {
        "projects": 3,
        "esf_grant_sum": sum(p.esf_grant for p in portfolio),
    }
    DecisionFactory(project=first, kind=Decision.Kind.CHANGE, esf_grant_change=-1000)
    assert rollups.differences() == []
    second.region = Region.objects.get(code="SE21")
    second.save()
    Organisation.objects.filter(pk=third.owner_id).update(legal_form="8")  # reaches its projects
    Project.objects.filter(pk=first.pk).update(planned_participants=5)  # a raw UPDATE
    assert rollups.differences() == []
    assert stored(region_key=Region.objects.get(code="SE11").pk)["projects"] == 0
    assert stored(owner_legal_form="8")["projects"] == 1
    third.delete()
    assert rollups.differences() == []
    assert stored()["projects"] == 2
    assert not PortfolioRollup.objects.filter(projects=0).exists()  # emptied rows go


def test_generate_demo_and_its_replacement_keep_it_in_step():
    call_command("generate_demo", projects=300, seed=2)
    call_command("generate_demo", projects=120, seed=3)  # replaces the 300
    assert rollups.differences() == []
    assert stored()["projects"] == 120


@pytest.mark.breaks_invariants
def test_differences_finds_a_tampered_row(portfolio):
    PortfolioRollup.objects.filter(projects__gt=0).update(esf_grant_sum=1)
    found = rollups.differences()
    assert found and {measure for _key, measure, _want, _have in found} == {"esf_grant_sum"}


@pytest.mark.breaks_invariants
def test_check_invariants_reports_a_stale_rollup_and_rebuild_mends_it(portfolio, capsys):
    PortfolioRollup.objects.all().delete()
    with pytest.raises(CommandError):
        call_command("check_invariants")
    assert "FAIL  rollup_matches_projects" in capsys.readouterr().out
    call_command("rebuild_rollup")
    assert "rebuilt" in capsys.readouterr().out
    assert rollups.differences() == []
    call_command("check_invariants")


def filterset(query: str) -> ProjectFilter:
    return ProjectFilter(QueryDict(query), queryset=Project.objects.all())


@pytest.mark.parametrize(
    "query",
    [
        "",
        "region=SE21",
        "region=SE11&region=SE21&status=ongoing",
        "programme=2014-2020&programme_area=2&start_year_min=2020",
        "county=none&demo=exclude&legal_form=2",
        "start_year_max=2019&sort=-grant",
        "status=upcoming",
    ],
)
def test_the_rollup_answers_as_the_projects_do(portfolio, query):
    chosen = filterset(query)
    rows = rollups.matching(chosen)
    assert rows is not None
    totals = rollups.summary(rows)
    start_years = totals.pop("start_years")
    assert totals == queries.summary(chosen.qs, today=TODAY)
    by_year = {}
    for year in chosen.qs.values_list("start_date__year", flat=True):
        by_year[year] = by_year.get(year, 0) + 1
    assert {year: n for year, n in start_years.items() if n} == by_year
    reference = chosen.reference
    names = [*queries.FACET_KEYS, "legal_form"]
    assert queries.code_counts(rows, reference=reference, names=names) == queries.code_counts(
        chosen.qs, reference=reference, names=names
    )
    assert in_order(aggregates.portfolio_rows(rows)) == in_order(
        aggregates.portfolio_rows(chosen.qs)
    )
    # without start years wanted, the roll-up without them where the filter has none, and
    # without legal forms wanted either, the one without both where it chose no legal form
    every_year = rollups.portfolio(chosen, per_year=False)
    expected = PortfolioRollup if "start_year" in query else PortfolioAllYearsRollup
    assert every_year.model is expected
    every_year_totals = rollups.summary(every_year)
    assert every_year_totals.pop("start_years") == (
        None if expected is PortfolioAllYearsRollup else start_years
    )
    assert every_year_totals == totals
    assert in_order(aggregates.portfolio_rows(every_year)) == in_order(
        aggregates.portfolio_rows(chosen.qs)
    )
    assert queries.code_counts(every_year, reference=reference, names=names) == queries.code_counts(
        chosen.qs, reference=reference, names=names
    )
    codes = rollups.portfolio(chosen, per_year=False, legal_form=False)
    if "start_year" in query:
        assert codes.model is PortfolioRollup
    elif "legal_form" in query:
        assert codes.model is PortfolioAllYearsRollup
    else:
        assert codes.model is PortfolioCodesRollup
    codes_totals = rollups.summary(codes)
    codes_totals.pop("start_years")
    assert codes_totals == totals
    assert in_order(aggregates.portfolio_rows(codes)) == in_order(
        aggregates.portfolio_rows(chosen.qs)
    )
    code_names = list(queries.FACET_KEYS)
    assert queries.code_counts(codes, reference=reference, names=code_names) == (
        queries.code_counts(chosen.qs, reference=reference, names=code_names)
    )


def in_order(portfolio: list[dict]) -> list[dict]:
    """The rows in one order: PostgreSQL gives rows of several groupings whose keys are all
    None (each grouping's total) in no set order."""
    return sorted(portfolio, key=repr)


@pytest.mark.parametrize(
    "query",
    ["q=arbete", "esf_grant_min=100", "rate_max=40", "participants_min=1", "owner=OWNER"],
)
def test_a_filter_on_what_the_rollup_does_not_keep_reads_the_projects(portfolio, query):
    query = query.replace("OWNER", str(portfolio[0].owner_id))
    assert rollups.matching(filterset(query)) is None
    assert queries.counted(filterset(query)).model is Project


def test_a_narrower_starting_set_reads_the_projects(portfolio):
    narrow = ProjectFilter(QueryDict(""), queryset=Project.objects.filter(pk=portfolio[0].pk))
    assert rollups.matching(narrow) is None


def test_the_status_moves_forward_with_the_day(portfolio):
    """Filed as of an earlier day, the rows move the projects that started or ended since."""
    ProjectFactory(start_date=TODAY, end_date=TODAY + datetime.timedelta(days=300))
    ProjectFactory(
        start_date=TODAY - datetime.timedelta(days=400), end_date=TODAY - datetime.timedelta(days=1)
    )
    rollups.rebuild(today=TODAY - datetime.timedelta(days=3))
    assert rollups.differences() == []  # as of the earlier day
    before = {status: stored(status=status)["projects"] for status in Project.Status.values}
    assert before == {"upcoming": 2, "ongoing": 1, "finished": 2}
    assert rollups.current(TODAY) is True
    assert RollupState.objects.get().as_of == TODAY
    assert rollups.differences() == []
    after = {status: stored(status=status)["projects"] for status in Project.Status.values}
    assert after == {"upcoming": 1, "ongoing": 1, "finished": 3}
    totals = rollups.summary(rollups.matching(filterset("")))
    totals.pop("start_years")
    assert totals == queries.summary(Project.objects.all(), today=TODAY)


def test_a_day_before_the_rollups_reads_the_projects(portfolio):
    RollupState.objects.update(as_of=TODAY + datetime.timedelta(days=1))
    assert rollups.current(TODAY) is False
    assert rollups.matching(filterset("region=SE21")) is None
    RollupState.objects.update(as_of=TODAY)


def test_another_day_than_today_reads_the_projects(portfolio):
    other = ProjectFilter(
        QueryDict(""), queryset=Project.objects.all(), today=TODAY - datetime.timedelta(days=9)
    )
    assert rollups.matching(other) is None


@pytest.mark.breaks_invariants
def test_list_and_dashboard_read_the_rollup(client, portfolio):
    """The pages' counts come from the roll-up: rows changed behind the triggers' back show."""
    PortfolioRollup.objects.filter(projects__gt=0).update(projects=7)
    in_sweden_east = PortfolioRollup.objects.filter(
        projects__gt=0, region_key=Region.objects.get(code="SE21").pk
    ).count()
    response = client.get("/projects/", {"region": "SE21"})
    assert response.context["summary"]["projects"] == 7 * in_sweden_east
    # the dashboard reads the roll-up without start years and legal forms for a filter on
    # neither, and the one with legal forms for a legal form
    in_region = {"projects__gt": 0, "region_key": Region.objects.get(code="SE21").pk}
    PortfolioCodesRollup.objects.filter(projects__gt=0).update(projects=3)
    codes = PortfolioCodesRollup.objects.filter(**in_region).count()
    dashboard = client.get("/dashboard/", {"region": "SE21"})
    assert dashboard.context["figures"]["projects"] == 3 * codes
    PortfolioAllYearsRollup.objects.filter(projects__gt=0).update(projects=5)
    legal_form = Project.objects.filter(region__code="SE21").values_list(
        "owner_legal_form", flat=True
    )[0]
    every_year = PortfolioAllYearsRollup.objects.filter(
        **in_region, owner_legal_form=legal_form
    ).count()
    dashboard = client.get("/dashboard/", {"region": "SE21", "legal_form": legal_form})
    assert dashboard.context["figures"]["projects"] == 5 * every_year
    dashboard = client.get("/dashboard/", {"region": "SE21", "start_year_min": "2000"})
    assert dashboard.context["figures"]["projects"] == 7 * in_sweden_east
    searched = client.get("/projects/", {"q": "Projekt", "region": "SE21"})  # the projects
    assert searched.context["summary"]["projects"] == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="statement triggers: PostgreSQL")
def test_bulk_writes_fire_one_statement_trigger(portfolio):
    Project.objects.update(planned_participants=11)
    assert rollups.differences() == []
    assert sum(r.participants_sum for r in PortfolioRollup.objects.all()) == 33


def test_without_its_state_row_the_rollup_is_off(portfolio):
    """After a flush the state row is gone: reads use the projects until a rebuild."""
    RollupState.objects.all().delete()
    cache.clear()
    assert rollups.matching(filterset("")) is None
    ProjectFactory()  # the triggers add nothing while off
    assert rollups.differences() == []
    rollups.rebuild()
    cache.clear()
    assert rollups.matching(filterset("")) is not None
    assert stored()["projects"] == 4


@pytest.mark.parametrize("sort", ["", "-start", "start"])
@pytest.mark.parametrize(
    "query",
    [
        "programme=2014-2020",
        "programme=2021-2027&status=ongoing",
        "status=finished",
        "programme=2014-2020&esf_grant_min=2000000",  # the roll-up's counts are of a superset
        "status=ongoing&q=arbete",
    ],
)
def test_a_start_sorted_page_within_the_rollups_start_dates_has_the_same_rows(query, sort):
    """The page's start-date window (`rollups.start_dates`) changes how PostgreSQL finds the
    rows, never which: every page of every size, sorted either way, is the one without it."""
    call_command("generate_demo", projects=400, seed=5)
    filterset = ProjectFilter(QueryDict(f"{query}&sort={sort}"), queryset=Project.objects.all())
    matching = filterset.qs
    total = matching.count()
    assert total > 60
    if filterset.effective_sort.lstrip("-") != "start":  # a search is sorted by relevance
        assert queries.page_window(filterset, offset=0, limit=50) is None
        return
    rows = rollups.matching(filterset)  # the summary's counts per start year, if it answers
    start_years = None if rows is None else rollups.summary(rows)["start_years"]
    for size in (7, 50):
        for offset in range(0, total + size, size):
            window = queries.page_window(
                filterset, offset=offset, limit=size, start_years=start_years
            )
            assert window is not None
            ids = matching.values_list("pk", flat=True)
            page = list(ids.filter(window)[offset : offset + size])
            assert page == list(ids[offset : offset + size])


def test_a_window_skips_what_the_filter_leaves_out_and_only_where_there_is_something_to_skip():
    call_command("generate_demo", projects=80, seed=5)

    def window(query: str):
        filterset = ProjectFilter(QueryDict(query), queryset=Project.objects.all())
        rows = rollups.matching(filterset)
        start_years = None if rows is None else rollups.summary(rows)["start_years"]
        return queries.page_window(filterset, offset=0, limit=50, start_years=start_years)

    assert window("") is None  # unfiltered: the index walk finds the page at once
    assert window("q=arbete&sort=-start") is None  # nothing the roll-up keeps: nothing to skip
    assert window("esf_grant_min=1000000") is None
    assert window("programme=2014-2020&sort=grant") is None
    # the newest 2014–2020 projects are found without passing any ESF+ project
    for query in ["programme=2014-2020", "programme=2014-2020&esf_grant_min=1000000"]:
        newer = Project.objects.filter(window(query), programme__period="2021-2027")
        assert not newer.exists(), query
        assert Project.objects.filter(window(query), programme__period="2014-2020").exists()


# --- the dashboard's years, sizes and rates ------------------------------------------------
@pytest.fixture
def shaped_portfolio(portfolio):
    """Projects in several size buckets, rates (one unknown) and start and end years."""
    upper_norrland = Region.objects.get(code="SE33")
    return [
        *portfolio,
        ProjectFactory(esf_grant=60_000_000, total_budget=120_000_000),
        ProjectFactory(cofinancing_rate=Decimal("62.50"), esf_grant=400_000, total_budget=640_000),
        ProjectFactory(cofinancing_rate=None, region=upper_norrland),
        ProjectFactory(
            start_date=datetime.date(2016, 5, 1),
            end_date=datetime.date(2021, 4, 30),
            esf_grant=7_000_000,
            total_budget=14_000_000,
            region=upper_norrland,
        ),
        ProjectFactory(region=None, esf_grant=5_000_000, total_budget=10_000_000),
    ]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "region=SE33",
        "region=SE21&status=finished",
        "programme=2014-2020&programme_area=2&start_year_max=2019",
        "region=none&demo=exclude",
        "start_year_min=2020&start_year_max=2020",
        "status=upcoming",
    ],
)
def test_the_shape_rollups_answer_as_the_projects_do(shaped_portfolio, query):
    chosen = filterset(query)
    shaped = rollups.shapes(chosen)
    assert shaped is not None
    years, distribution = aggregates.shape_rows(chosen.qs, shaped)
    want_years, want_distribution = aggregates.shape_rows(chosen.qs)
    assert years == want_years
    assert aggregates.size_distribution(distribution) == aggregates.size_distribution(
        want_distribution
    )
    assert aggregates.median_rate(distribution) == aggregates.median_rate(want_distribution)
    decided = aggregates.decision_year_rows(chosen.qs, shaped)
    assert decided == aggregates.decision_year_rows(chosen.qs)
    if not query:  # the fixture's rates and sizes all show up
        assert aggregates.median_rate(distribution) == Decimal("50.00")
        buckets = {row["bucket"] for row in aggregates.size_distribution(distribution)}
        assert {0, 3, 5} <= buckets


@pytest.mark.parametrize(
    "query",
    [
        "specific_objective=2.1",
        "intervention_field=102",
        "legal_form=2",
        "q=arbete",
        "esf_grant_min=100",
    ],
)
def test_a_filter_the_shape_rollups_do_not_keep_reads_the_projects(shaped_portfolio, query):
    assert rollups.shapes(filterset(query)) is None


def test_the_dashboard_reads_its_years_and_sizes_from_the_rollups(client, shaped_portfolio):
    """The page's years, sizes and median rate are the roll-ups' (no pass over the projects
    for them) and what the projects hold."""
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/dashboard/", {"region": "SE33"})
    assert response.status_code == 200
    sql = [query["sql"] for query in captured.captured_queries]
    assert any("projects_yearrollup" in q and "projects_raterollup" in q for q in sql)
    assert any("projects_portfoliocodesrollup" in q for q in sql)  # no start years, legal form
    assert not any("cofinancing_rate" in q and "GROUP BY" in q for q in sql)
    _years, distribution = aggregates.shape_rows(filterset("region=SE33").qs)
    # SE33's two projects: 50 % and an unknown rate
    assert response.context["figures"]["median_rate"] == Decimal("50.00")
    assert aggregates.median_rate(distribution) == Decimal("50.00")


@pytest.mark.breaks_invariants
def test_differences_finds_a_tampered_shape_row(shaped_portfolio):
    YearRollup.objects.filter(projects__gt=0).update(projects=7)
    SizeRollup.objects.filter(projects__gt=0).update(esf_grant_sum=1)
    DecisionRollup.objects.filter(decisions__gt=0).update(decisions=9)
    found = rollups.differences()
    assert {(key[0], measure) for key, measure, _want, _have in found} == {
        ("year_rollup", "projects"),
        ("size_rollup", "esf_grant_sum"),
        ("decision_rollup", "decisions"),
    }


@pytest.mark.breaks_invariants  # raw updates of decisions, past the services' sums
def test_decisions_entered_moved_and_deleted_keep_the_decisions_rollup(shaped_portfolio):
    """A decision's own change, its project's change of keys and the project's deletion (its
    decisions first, as Django deletes them) each keep the roll-up equal to a recount."""
    project = shaped_portfolio[3]
    DecisionFactory.create_batch(2, project=project)
    assert rollups.differences() == []
    project.programme_area = ProgrammeArea.objects.get(programme=project.programme, code="1")
    project.save()
    assert rollups.differences() == []
    decision = project.decisions.exclude(kind=Decision.Kind.GRANT).first()
    Decision.objects.filter(pk=decision.pk).update(decided_on=datetime.date(2018, 1, 5))
    assert rollups.differences() == []
    assert DecisionRollup.objects.filter(decided_year=2018, decisions__gt=0).exists()
    # an undated one (an imported snapshot) leaves it
    Decision.objects.filter(pk=decision.pk).update(kind=Decision.Kind.SNAPSHOT, decided_on=None)
    assert rollups.differences() == []
    shaped_portfolio[0].delete()
    assert rollups.differences() == []
    total = DecisionRollup.objects.aggregate(n=Sum("decisions"))["n"]
    assert total == Decision.objects.exclude(decided_on=None).count()


def test_a_project_moved_between_keys_moves_in_every_rollup(shaped_portfolio):
    project = shaped_portfolio[-1]
    project.region = Region.objects.get(code="SE11")
    project.cofinancing_rate = Decimal("40.00")
    project.save()
    Project.objects.filter(pk=shaped_portfolio[0].pk).update(start_date=datetime.date(2017, 6, 1))
    assert rollups.differences() == []
    assert RateRollup.objects.filter(rate=Decimal("40.00"), projects__gt=0).exists()


# --- the largest owners ----------------------------------------------------------------------
@pytest.mark.parametrize("query", ["", "status=ongoing", "demo=exclude&status=finished"])
def test_the_owners_rollup_names_the_same_largest_owners(shaped_portfolio, query):
    chosen = filterset(query)
    owners = rollups.matching(chosen, rollup=rollups.OWNERS)
    assert owners is not None
    rolled = aggregates.top_organisations(chosen.qs, owners=owners, limit=3)
    assert rolled == aggregates.top_organisations(chosen.qs, limit=3)
    if not query:
        assert [row["esf_grant_sum"] for row in rolled][0] == 60_000_000


@pytest.mark.parametrize(
    ("query", "model"),
    [("", OwnerTotalRollup), ("status=ongoing", OwnerRollup), ("demo=only", OwnerRollup)],
)
def test_the_unfiltered_page_reads_the_owners_totals_and_a_status_the_owners_rollup(
    shaped_portfolio, query, model
):
    chosen = filterset(query)
    owners = rollups.owners(chosen)
    assert owners is not None and owners.model is model
    assert aggregates.top_organisations(chosen.qs, owners=owners, limit=4) == (
        aggregates.top_organisations(chosen.qs, limit=4)
    )


def test_owners_with_equal_grants_come_in_the_same_order_from_the_totals(shaped_portfolio):
    """Ties break by owner id on both paths, so the page is the same whichever one it read."""
    ProjectFactory.create_batch(3, esf_grant=3_300_000, total_budget=6_600_000)  # three owners
    chosen = filterset("")
    every = aggregates.top_organisations(chosen.qs, limit=100)
    assert [row["esf_grant_sum"] for row in every].count(3_300_000) >= 3
    assert aggregates.top_organisations(chosen.qs, owners=rollups.owners(chosen), limit=100) == (
        every
    )


@pytest.mark.parametrize("query", ["region=SE21", "programme=2014-2020", "q=arbete"])
def test_a_narrower_filter_groups_the_projects_by_owner(shaped_portfolio, query):
    assert rollups.matching(filterset(query), rollup=rollups.OWNERS) is None
    assert rollups.owners(filterset(query)) is None


def test_the_unfiltered_dashboard_reads_its_owners_from_the_rollup(client, shaped_portfolio):
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/dashboard/")
    assert response.status_code == 200
    assert any("projects_ownertotalrollup" in query["sql"] for query in captured.captured_queries)
    assert not any(
        "GROUP BY" in query["sql"] and '"projects_project"."owner_id"' in query["sql"]
        for query in captured.captured_queries
    )
