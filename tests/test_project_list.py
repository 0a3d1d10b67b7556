"""/projects/: ProjectFilter, facet counts, search, sorting, pagination, bad parameters."""

import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects.filters import ProjectFilter
from projects.models import InterventionField, Programme, ProgrammeArea, Project, Region
from tests.factories import OrganisationFactory, ProjectFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
URL = reverse("projects:list")


def make(diary: str, **fields) -> Project:
    return ProjectFactory(diary_number=diary, **fields)


@pytest.fixture
def portfolio():
    return six_projects()


def six_projects() -> list[Project]:
    """Six projects spread over both periods, three regions, statuses and amounts."""
    esf = Programme.objects.get(period="2014-2020")
    plus = Programme.objects.get(period="2021-2027")
    # 1 and 2 of 2014–2020 (2007–2013 has areas 1 and 2 too), A and B of ESF+
    later = ProgrammeArea.objects.exclude(programme__period="2007-2013")
    area = {code: later.get(code=code) for code in ["1", "2", "A", "B"]}
    region = {code: Region.objects.get(code=code) for code in ["SE21", "SE33", "SE11"]}
    municipality = OrganisationFactory(name="Kalmar kommun", org_number="2120000415")
    company = OrganisationFactory(name="Kompetens AB", org_number="5560360793")
    year = datetime.timedelta(days=365)
    return [
        make("2015/00001", programme=esf, programme_area=area["1"], region=region["SE21"],
             owner=municipality, name="Kompetenslyft i vården", total_budget=10_000_000,
             esf_grant=5_000_000, planned_participants=100, start_date=datetime.date(2015, 3, 1),
             end_date=datetime.date(2017, 3, 1), cofinancing_rate=Decimal("50")),
        make("2019/00419", programme=esf, programme_area=area["2"], region=region["SE33"],
             owner=company, name="Vägar till egenförsörjning", total_budget=29_815_599,
             esf_grant=19_895_809, planned_participants=210, city="Östersund",
             start_date=datetime.date(2020, 2, 1), end_date=datetime.date(2022, 6, 30),
             description="Insatser för dem som står långt från arbetsmarknaden."),
        make("2020/00152", programme=esf, programme_area=area["2"], region=region["SE21"],
             owner=municipality, name="Fortsatt SLA", total_budget=36_619_373,
             esf_grant=17_207_538, planned_participants=446,
             start_date=datetime.date(2020, 8, 17), end_date=datetime.date(2022, 12, 31)),
        make("22-005-S01", programme=plus, programme_area=area["A"], region=region["SE21"],
             owner=municipality, name="SIA", total_budget=None, esf_grant=None,
             planned_participants=584, start_date=TODAY - year, end_date=TODAY + year,
             cofinancing_rate=Decimal("40")),
        make("23-010-S02", programme=plus, programme_area=area["B"], region=region["SE11"],
             owner=company, name="Unga in", total_budget=4_000_000, esf_grant=1_840_000,
             planned_participants=None, start_date=TODAY + year, end_date=TODAY + 2 * year,
             cofinancing_rate=Decimal("46")),
        make("23-010-S03", programme=plus, programme_area=area["A"], region=region["SE33"],
             owner=company, name="Digital kompetens", total_budget=8_000_000,
             esf_grant=3_680_000, planned_participants=60, start_date=TODAY - 2 * year,
             end_date=TODAY + year, cofinancing_rate=Decimal("46")),
    ]  # fmt: skip


def diaries(response) -> list[str]:
    return [project.diary_number for project in response.context["page"].object_list]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("programme=2014-2020", {"2015/00001", "2019/00419", "2020/00152"}),
        ("region=SE21", {"2015/00001", "2020/00152", "22-005-S01"}),
        ("region=SE21&region=SE11", {"2015/00001", "2020/00152", "22-005-S01", "23-010-S02"}),
        ("programme_area=A", {"22-005-S01", "23-010-S03"}),
        ("legal_form=5", {"2019/00419", "23-010-S02", "23-010-S03"}),
        ("status=ongoing", {"22-005-S01", "23-010-S03"}),
        ("status=upcoming", {"23-010-S02"}),
        ("status=finished", {"2015/00001", "2019/00419", "2020/00152"}),
        ("start_year_min=2020&start_year_max=2020", {"2019/00419", "2020/00152"}),
        ("esf_grant_min=5000000", {"2015/00001", "2019/00419", "2020/00152"}),
        ("esf_grant_max=4000000", {"23-010-S02", "23-010-S03"}),
        ("total_budget_min=30000000", {"2020/00152"}),
        ("participants_min=200&participants_max=500", {"2019/00419", "2020/00152"}),
        ("rate_max=45", {"22-005-S01"}),
        ("q=SLA", {"2020/00152"}),
        ("q=Kompetens", {"2015/00001", "2019/00419", "23-010-S02", "23-010-S03"}),
        ("q=Östersund", {"2019/00419"}),
        ("region=SE21&programme=2014-2020&status=finished", {"2015/00001", "2020/00152"}),
        ("region=SE33&programme_area=A&status=ongoing", {"23-010-S03"}),
    ],
)
def test_each_filter_alone_and_combined(client, portfolio, query, expected):
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200
    assert set(diaries(response)) == expected
    assert not response.context["problems"]


def test_facet_counts_equal_a_brute_force_count(client, portfolio):
    response = client.get(f"{URL}?programme=2014-2020")
    shown = [p for p in portfolio if p.programme.period == "2014-2020"]
    facets = {facet.name: facet for facet in response.context["facets"]}
    expected_regions = {}
    for project in shown:
        expected_regions[project.region.code] = expected_regions.get(project.region.code, 0) + 1
    counted = {c.value: c.count for c in facets["region"].choices if c.count}
    assert counted == expected_regions
    areas = {c.value: c.count for c in facets["programme_area"].choices}
    assert areas == {"1": 1, "2": 2}
    legal = {c.value: c.count for c in facets["legal_form"].choices}
    assert legal == {"2": 2, "5": 1}
    status = {c.value: c.count for c in facets["status"].choices}
    assert status == {"upcoming": 0, "ongoing": 0, "finished": 3}
    # the programme facet is counted without its own choice: what choosing the other adds
    programme = {c.value: c.count for c in facets["programme"].choices}
    esf_plus = sum(1 for p in portfolio if p.programme.period == "2021-2027")
    assert esf_plus and programme == {"2007-2013": 0, "2014-2020": 3, "2021-2027": esf_plus}


def brute_count(projects, **conditions) -> int:
    return sum(
        1
        for p in projects
        if all(
            (p.status() == v if k == "status" else getattr(p, k).code in v)
            for k, v in conditions.items()
        )
    )


def test_each_facet_is_counted_without_its_own_choice(client, portfolio):
    """Choices within a facet are OR-ed: each facet's counts take every other facet's filter
    but not its own, so the other choices say what adding them would give."""
    response = client.get(URL, {"region": "SE21", "programme_area": "2", "status": "ongoing"})
    facets = {facet.name: {c.value: c.count for c in facet.choices} for facet in
              response.context["facets"]}  # fmt: skip
    for region, count in facets["region"].items():
        assert count == brute_count(
            portfolio, region=[region], programme_area=["2"], status="ongoing"
        ), region
    for status, count in facets["status"].items():
        assert count == brute_count(
            portfolio, region=["SE21"], programme_area=["2"], status=status
        ), status
    assert facets["status"]["finished"] > 0  # the way out the page can show
    for area, count in facets["programme_area"].items():
        assert count == brute_count(
            portfolio, region=["SE21"], programme_area=[area], status="ongoing"
        ), area
    # a facet without a choice is counted inside the whole selection
    legal = {c.value: c.count for c in next(f for f in response.context["facets"]
                                            if f.name == "legal_form").choices}  # fmt: skip
    assert sum(legal.values()) == response.context["summary"]["projects"]


def test_summary_line_sums_the_filtered_set(client, portfolio):
    response = client.get(f"{URL}?region=SE21")
    summary = response.context["summary"]
    assert summary["projects"] == 3
    assert summary["esf_grant"] == 5_000_000 + 17_207_538
    assert summary["participants"] == 100 + 446 + 584
    text = response.content.decode()
    assert "22\xa0207\xa0538\xa0kr" in text  # Swedish grouping with no-break spaces


def test_english_formats_numbers_the_english_way(client, portfolio):
    response = client.get(f"/en{URL}?region=SE21")
    assert "SEK\xa022,207,538" in response.content.decode()


@pytest.mark.parametrize("query", ["2020/00152", "2020-00152", " 2020-00152 "])
def test_exact_diary_number_goes_straight_to_the_project(client, portfolio, query):
    response = client.get(URL, {"q": query})
    assert response.status_code == 302
    assert response["Location"] == "/projects/2020-00152/"


def test_an_unknown_diary_number_searches_instead(client, portfolio):
    response = client.get(URL, {"q": "2020/99999"})
    assert response.status_code == 200
    assert diaries(response) == []


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("grant", ["23-010-S02", "23-010-S03", "2015/00001", "2020/00152", "2019/00419",
                   "22-005-S01"]),
        ("-grant", ["2019/00419", "2020/00152", "2015/00001", "23-010-S03", "23-010-S02",
                    "22-005-S01"]),
        ("name", ["23-010-S03", "2020/00152", "2015/00001", "22-005-S01", "23-010-S02",
                  "2019/00419"]),
        ("-participants", ["22-005-S01", "2020/00152", "2019/00419", "2015/00001",
                           "23-010-S03", "23-010-S02"]),
        ("diary_number", ["2015/00001", "2019/00419", "2020/00152", "22-005-S01",
                          "23-010-S02", "23-010-S03"]),
    ],
)  # fmt: skip
def test_sorting_puts_unknown_figures_last(client, portfolio, sort, expected):
    assert diaries(client.get(URL, {"sort": sort})) == expected


def test_default_sort_is_newest_start_first(client, portfolio):
    starts = [p.start_date for p in client.get(URL).context["page"].object_list]
    assert starts == sorted(starts, reverse=True)


def test_pagination_shows_the_range_and_total(client):
    ProjectFactory.create_batch(30)
    response = client.get(URL, {"size": 25, "page": 2, "sort": "diary_number"})
    page = response.context["page"]
    assert (page.start_index(), page.end_index(), page.paginator.count) == (26, 30, 30)
    assert "Visar 26–30 av 30" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("esf_grant_min=12x", "Beviljat ESF-stöd (kr): 12x ignorerades"),
        ("region=SE99", "Region: SE99 ignorerades"),
        ("page=99999", "Sidan 99999 finns inte"),
        ("page=abc", "page: abc är inte ett heltal"),
        ("sort=foo", "Sortering: foo ignorerades"),
        ("size=7", "Sidstorlek 7 finns inte"),
        ("esf_grant_min=99999999999999999999999", "Beviljat ESF-stöd (kr)"),
        ("participants_max=-5", "Planerade deltagare: -5 ignorerades"),
        ("start_year_min=1e400", "Startår: 1e400 ignorerades"),
        ("status=someday", "Status i dag: someday ignorerades"),
    ],
)
def test_invalid_parameters_give_the_valid_part_and_a_message(client, portfolio, query, message):
    response = client.get(f"{URL}?region=SE21&{query}")
    assert response.status_code == 200
    assert any(message in problem for problem in response.context["problems"])
    if "region=SE99" not in query:
        assert set(diaries(response)) == {"2015/00001", "2020/00152", "22-005-S01"}


def test_an_unknown_value_beside_a_known_one_keeps_the_known_one(client, portfolio):
    response = client.get(f"{URL}?region=SE33&region=XX")
    assert set(diaries(response)) == {"2019/00419", "23-010-S03"}


def test_hostile_text_is_escaped_not_reflected(client, portfolio):
    response = client.get(URL, {"q": "<script>alert(1)</script>", "region": "<b>x</b>"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert(1)" not in body
    assert "<b>x</b>" not in body


# fewer projects than the page of 200 holds, and more than a page
@pytest.mark.parametrize("n_projects", [10, 250])
def test_query_count_does_not_grow_with_projects_or_page_size(
    client, django_assert_num_queries, n_projects
):
    ProjectFactory.create_batch(n_projects)
    # 6 reference lists (programmes, regions, counties, areas, objectives, interventions), 1
    # check that the portfolio roll-up is as of today, 1 summary aggregate of the roll-up (whose
    # count feeds the paginator and whose status counts feed that facet), the page's ids and
    # then those rows with every foreign key joined (2), the facet counts of the roll-up
    # (PostgreSQL: 1 query with GROUPING SETS; SQLite: 7 GROUP BYs), 1 footer date and 1 "any
    # demo data?" probe (the last three cached afterwards).
    facet_queries = 1 if connection.vendor == "postgresql" else 7
    with django_assert_num_queries(12 + facet_queries):
        response = client.get(URL, {"size": 200})
    assert response.status_code == 200
    assert len(diaries(response)) == min(n_projects, 200)


@pytest.mark.parametrize("n_projects", [3, 30])
def test_a_filtered_list_sorted_by_start_finds_its_window_without_a_query_more(
    client, django_assert_num_queries, n_projects
):
    """The page's start-date window (`queries.page_window`) comes from the counts per start
    year that the roll-up's summary query gives; with a filter the roll-up keeps only in part
    (an amount) it costs a query of the roll-up and, once per registry version and day, the
    check that the roll-up is as of today."""
    ProjectFactory.create_batch(n_projects)
    with CaptureQueriesContext(connection) as by_grant:
        client.get(URL, {"size": 200, "programme": "2014-2020", "sort": "grant"})
    cache.clear()
    with django_assert_num_queries(len(by_grant)):
        response = client.get(URL, {"size": 200, "programme": "2014-2020"})
    assert len(diaries(response)) == n_projects
    cache.clear()
    with CaptureQueriesContext(connection) as by_grant:
        client.get(URL, {"programme": "2014-2020", "esf_grant_min": "1", "sort": "grant"})
    cache.clear()
    with django_assert_num_queries(len(by_grant) + 2):
        client.get(URL, {"programme": "2014-2020", "esf_grant_min": "1"})


@pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text search is PostgreSQL's")
def test_swedish_stemming_finds_other_forms_of_a_word(client, portfolio):
    ProjectFactory(diary_number="2018/00001", description="Ut på arbetsmarknad och i studier.")
    for query in ["arbetsmarknaden", "arbetsmarknad", "Arbetsmarknadens"]:
        response = client.get(URL, {"q": query})
        assert set(diaries(response)) == {"2018/00001", "2019/00419"}, query


@pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text search is PostgreSQL's")
def test_search_matches_the_start_of_compound_words_and_ignores_stop_words(client, portfolio):
    response = client.get(URL, {"q": "kompetens och"})
    assert set(diaries(response)) == {"2015/00001", "2019/00419", "23-010-S02", "23-010-S03"}


@pytest.mark.parametrize("query", ["!!!", "' OR 1=1 --", "& | ! :* <->", "%", "_", "\\"])
def test_search_text_is_never_query_syntax(client, portfolio, query):
    """Neither tsquery operators (PostgreSQL) nor LIKE wildcards (SQLite) reach the database
    as syntax: the text matches as text, and no project holds these characters."""
    response = client.get(URL, {"q": query})
    assert response.status_code == 200
    assert diaries(response) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text search is PostgreSQL's")
def test_a_stop_word_alone_is_not_tsquery_syntax(client, portfolio):
    assert client.get(URL, {"q": "och"}).status_code == 200


@pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text search is PostgreSQL's")
def test_search_ranks_name_matches_above_description_matches(client, portfolio):
    ProjectFactory(diary_number="2018/00001", name="Arbetsmarknaden i fokus")
    response = client.get(URL, {"q": "arbetsmarknad"})
    assert diaries(response) == ["2018/00001", "2019/00419"]
    assert response.context["filter"].effective_sort == "relevance"


def test_search_finds_projects_by_owner_name(client, portfolio):
    response = client.get(
        URL, {"q": "Kalmar kommun" if connection.vendor != "sqlite" else "Kalmar"}
    )
    assert set(diaries(response)) == {"2015/00001", "2020/00152", "22-005-S01"}


def test_every_filter_state_is_a_plain_link(client, portfolio):
    response = client.get(f"{URL}?region=SE21&status=finished")
    body = response.content.decode()
    assert 'href="/dashboard/?region=SE21&amp;status=finished"' in body
    # a facet chip removes its own value and keeps the rest
    assert 'href="?status=finished"' in body


def test_intervention_and_objective_facets_list_only_codes_in_use(client, portfolio):
    Project.objects.filter(diary_number="2020/00152").update(
        intervention_field=InterventionField.objects.get(code="109")
    )
    facets = {f.name: f for f in client.get(URL).context["facets"]}
    assert [c.value for c in facets["intervention_field"].choices] == ["109"]


def test_a_submitted_form_redirects_to_a_clean_address(client):
    response = client.get(
        URL, {"q": "", "region": ["SE21", "SE21"], "esf_grant_min": "", "size": "50", "sort": ""}
    )
    assert response.status_code == 302
    assert response["Location"] == "/projects/?region=SE21"
    response = client.get(URL, {"q": "", "size": "50"})
    assert response["Location"] == "/projects/"


def test_searching_from_a_sorted_list_keeps_the_chosen_sort_but_defaults_to_relevance(client):
    body = client.get(URL).content.decode()
    assert '<option value="" selected>' in body  # the sort select sends nothing by default


def test_the_chosen_sort_is_shown_even_when_another_parameter_is_invalid(client, portfolio):
    response = client.get(URL, {"sort": "-grant", "esf_grant_min": "x"})
    assert response.context["filter"].effective_sort == "-grant"
    assert '<option value="-grant" selected>' in response.content.decode()


def test_every_chip_of_the_list_removes_its_filter_and_keeps_sort_and_page_size(client, portfolio):
    response = client.get(
        URL,
        {"region": "SE21", "esf_grant_min": "1000", "esf_grant_max": "50000000", "sort": "name",
         "size": "25", "programme_area": "nonsense"},
    )  # fmt: skip
    chips = {label.replace("\xa0", " "): url for label, url in response.context["chips"]}
    assert set(chips) == {"Region: Småland och Öarna", "Beviljat ESF-stöd (kr): 1 000–50 000 000"}
    # the range chip removes both bounds; the ignored area code is not repeated
    assert chips["Beviljat ESF-stöd (kr): 1 000–50 000 000"] == "?region=SE21&sort=name&size=25"
    assert chips["Region: Småland och Öarna"] == (
        "?esf_grant_min=1000&esf_grant_max=50000000&sort=name&size=25"
    )
    assert f'href="{chips["Region: Småland och Öarna"].replace("&", "&amp;")}"' in (
        response.content.decode()
    )


def test_a_start_year_chip_writes_years_without_grouping(client, portfolio):
    response = client.get(URL, {"start_year_min": "2018", "start_year_max": "2020"})
    assert [label for label, _ in response.context["chips"]] == ["Startår: 2018–2020"]


def test_an_empty_result_says_which_choices_would_find_projects(client, portfolio):
    params = {"region": "SE21", "programme_area": "2", "status": "upcoming"}
    assert brute_count(portfolio, region=["SE21"], programme_area=["2"], status="upcoming") == 0
    response = client.get(URL, params)
    assert response.context["summary"]["projects"] == 0
    ways = dict(response.context["ways_out"])
    finished = brute_count(portfolio, region=["SE21"], programme_area=["2"], status="finished")
    (link,) = [chip for chip in ways["Status i dag"] if chip.label.startswith("Avslutat")]
    assert link.label == f"Avslutat ({finished})"
    # the link keeps the other filters and finds exactly that many
    followed = client.get(URL + link.url)
    assert followed.context["summary"]["projects"] == finished
    assert "Visar 0–0" not in response.content.decode()
    assert f'href="{link.url.replace("&", "&amp;")}"' in response.content.decode()
    assert client.get(URL, {"region": "SE21"}).context["ways_out"] == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="NULLS LAST indexes are PostgreSQL's")
@pytest.mark.parametrize(
    "sort", ["grant", "-grant", "budget", "-budget", "-participants", "-rate", "name"]
)
def test_a_sorted_page_is_read_from_an_index_in_order(portfolio, sort):
    page = ProjectFilter(QueryDict(f"sort={sort}"), queryset=Project.objects.all()).qs
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_sort = off")  # the plan without a sort, if any exists
        cursor.execute("SET LOCAL enable_incremental_sort = off")
    plan = page.values_list("pk")[:50].explain()
    assert "Index Scan" in plan and "Sort" not in plan, plan


@pytest.mark.django_db
def test_a_start_year_range_compares_dates_so_the_start_date_index_serves_it():
    """Both bounds of a start-year range become dates (from 1 January, to 31 December): the
    edges are kept and no project's year is extracted, so an index on start_date can serve it."""
    starts = ["2019-12-31", "2020-01-01", "2020-12-31", "2021-01-01"]
    for start in starts:
        day = datetime.date.fromisoformat(start)
        ProjectFactory(start_date=day, end_date=day + datetime.timedelta(days=400))
    filterset = ProjectFilter(
        QueryDict("start_year_min=2020&start_year_max=2020"), queryset=Project.objects.all()
    )
    found = sorted(str(day) for day in filterset.qs.values_list("start_date", flat=True))
    assert found == ["2020-01-01", "2020-12-31"]
    sql = str(filterset.qs.query).upper()
    assert "EXTRACT" not in sql and "DJANGO_DATE_EXTRACT" not in sql, sql


@pytest.mark.parametrize(
    "query",
    ["", "q=Kompetens", "esf_grant_min=5000000", "q=Kompetens&status=finished", "q=zzzyx", "q=+"],
)
def test_summary_and_facets_in_one_pass_equal_the_two_queries(portfolio, query):
    from django.utils import timezone

    from projects import queries

    filterset = ProjectFilter(QueryDict(query), queryset=Project.objects.all())
    today = timezone.localdate()
    names = queries.unchosen(filterset)
    reference = filterset.reference
    totals, counts = queries.summary_and_counts(
        filterset.qs, reference=reference, names=names, today=today
    )
    assert totals == queries.summary(filterset.qs, today=today)
    assert counts == queries.code_counts(filterset.qs, reference=reference, names=names)
    assert all(type(value) is int for value in totals.values()), totals
