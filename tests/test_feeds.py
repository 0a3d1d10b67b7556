"""Atom feeds of decisions: filtered like the list, per organisation and per project."""

import datetime

import feedparser
import pytest
from django.urls import reverse

from projects.models import Decision, Region
from tests.factories import DecisionFactory, OrganisationFactory, ProjectFactory

pytestmark = pytest.mark.django_db
FEED = "/beslut/feed.atom"


@pytest.fixture
def decisions():
    owner = OrganisationFactory(name="Kalmar kommun & <Co>")
    kalmar = ProjectFactory(diary_number="2020/00152", name="Fortsatt SLA", owner=owner)
    north = ProjectFactory(
        diary_number="2019/00419",
        name="Vägar till egenförsörjning",
        region=Region.objects.get(code="SE33"),
    )
    DecisionFactory(project=kalmar, decided_on=datetime.date(2021, 3, 1), note="=SUM(A1)")
    DecisionFactory(
        project=north,
        kind=Decision.Kind.WITHDRAWAL,
        decided_on=datetime.date(2022, 5, 2),
        esf_grant_change=-500_000,
        total_budget_change=-1_000_000,
    )
    return kalmar, north


def parse(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def test_the_feed_parses_and_lists_the_latest_decision_first(client, decisions):
    feed = parse(client, FEED)
    titles = [entry.title for entry in feed.entries]
    assert titles[0] == "Återkallelse: Vägar till egenförsörjning (2019/00419)"
    assert len(titles) == 4  # two grants, a change, a withdrawal
    assert "ESF-stöd −500\xa0000 kr" in feed.entries[0].summary
    assert feed.entries[0].link == "http://testserver/projects/2019-00419/"
    assert len({entry.id for entry in feed.entries}) == 4
    assert feed.feed.updated


def test_the_feed_takes_the_lists_filters_and_the_decision_filters(client, decisions):
    feed = parse(client, FEED + "?region=SE21")
    assert {entry.title.rsplit("(", 1)[1] for entry in feed.entries} == {"2020/00152)"}
    feed = parse(client, FEED + "?kind=withdrawal")
    assert [entry.title.split(":")[0] for entry in feed.entries] == ["Återkallelse"]
    feed = parse(client, FEED + "?decided_on_min=2021-01-01&decided_on_max=2021-12-31")
    assert [entry.title.split(":")[0] for entry in feed.entries] == ["Ändring"]


def test_ignored_values_are_named_in_the_subtitle(client, decisions):
    feed = parse(client, FEED + "?region=XX&kind=edict")
    assert "XX" in feed.feed.subtitle and "edict" in feed.feed.subtitle
    assert len(feed.entries) == 4


def test_the_feed_is_english_under_en(client, decisions):
    feed = parse(client, "/en" + FEED)
    assert feed.entries[0].title.startswith("Withdrawal: ")
    assert feed.entries[0].link == "http://testserver/en/projects/2019-00419/"


def test_the_organisation_and_project_feeds(client, decisions):
    kalmar, _north = decisions
    feed = parse(client, reverse("projects:organisation_feed", args=[kalmar.owner_id]))
    assert "Kalmar kommun & <Co>" in feed.feed.title
    assert {entry.link for entry in feed.entries} == {"http://testserver/projects/2020-00152/"}
    assert len(feed.entries) == 2
    feed = parse(client, reverse("projects:project_feed", args=[kalmar.slug]))
    assert len(feed.entries) == 2
    assert client.get("/projects/2099-00001/feed.atom").status_code == 404


def test_the_pages_point_to_their_feeds(client, decisions):
    kalmar, _north = decisions
    listed = client.get("/projects/?region=SE21&sort=name").content.decode()
    assert (
        '<link rel="alternate" type="application/atom+xml" title="Nya beslut (Atom)" '
        'href="/beslut/feed.atom?region=SE21">' in listed
    )
    detail = client.get(kalmar.get_absolute_url()).content.decode()
    assert 'type="application/atom+xml"' in detail and "/projects/2020-00152/feed.atom" in detail
    owner = client.get(kalmar.owner.get_absolute_url()).content.decode()
    assert f"/organisations/{kalmar.owner_id}/feed.atom" in owner


def test_the_feed_query_count_is_constant(client, decisions, django_assert_num_queries):
    # the code lists (6), the decisions with their projects and programmes
    with django_assert_num_queries(7):
        client.get(FEED + "?region=SE21")


def test_links_with_an_organisation_id_are_not_grouped_like_numbers(client, settings):
    from projects.models import Organisation

    owner = OrganisationFactory()
    Organisation.objects.filter(pk=owner.pk).update(id=12345)
    ProjectFactory(owner_id=12345)
    body = client.get("/organisations/12345/").content.decode()
    assert 'href="/projects/?owner=12345"' in body
    assert "/organisations/12345/feed.atom" in body
