"""Every public page type renders in Chromium, in Swedish and English, at desktop and phone width.

With --screenshots the pages are saved to screenshots/ for looking at before a change is done.
"""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from projects.models import Organisation, Project

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_data(reference_data):
    call_command("generate_demo", projects=400, seed=1)


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_public_pages_render_without_horizontal_scrolling(page, demo_data, snap, prefix):
    project = Project.objects.order_by("diary_number").first()
    organisation = Organisation.objects.order_by("id").first()
    pages = {
        "landing": "/",
        "list": "/projects/",
        "list-filtered": "/projects/?region=SE21&programme_area=2&status=finished&sort=-grant",
        "detail": project.get_absolute_url().removeprefix("/en"),
        "organisation": organisation.get_absolute_url().removeprefix("/en"),
        "organisations": "/organisations/",
        "county": "/lan/SE213/",
        "about": "/om-data/",
        "not-found": "/projects/finns-inte/",
    }
    lang = "en" if prefix else "sv"
    for name, url in pages.items():
        page.goto(prefix + url)
        expect(page.locator("h1")).to_have_count(1)
        assert page.locator("html").get_attribute("lang") == lang
        snap(page, f"{name}-{lang}")
        page.set_viewport_size({"width": 320, "height": 800})
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= 320, f"{name} scrolls sideways at 320 px ({scroll} px)"
        page.set_viewport_size({"width": 1440, "height": 900})


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_phones_show_the_money_of_every_row_without_sideways_scrolling(page, demo_data, prefix):
    """At 390 px the tables become cards: every cell of a row, the ESF support and budget
    included, lies inside the screen, with its column's name above it."""
    project = Project.objects.filter(decisions__isnull=False).order_by("diary_number").first()
    organisation = project.owner
    page.set_viewport_size({"width": 390, "height": 844})
    tables = {
        "/projects/": "table.projects",
        project.get_absolute_url().removeprefix("/en"): "#decisions-caption >> xpath=..",
        organisation.get_absolute_url().removeprefix("/en"): "table.stack",
        "/organisations/": "table.stack",
        "/": "[aria-labelledby=latest-heading] table",
        "/#per-period": "#period-caption >> xpath=..",
        "/lan/SE213/": "table.stack",
    }
    for url, selector in tables.items():
        page.goto(prefix + url)
        table = page.locator(selector).first
        cells = table.locator("tbody tr").first.locator("td")
        assert cells.count() >= 3, url
        for index in range(cells.count()):
            box = cells.nth(index).bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, (url, index, box)
        labelled = table.locator("tbody tr").first.locator("td[data-label]")
        before = labelled.first.evaluate("cell => getComputedStyle(cell, '::before').content")
        assert before not in ("none", "normal", '""'), (url, before)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, url
        # the table is still a table to assistive technology
        assert table.get_attribute("role") == "table"


def test_phones_break_no_date_or_name_in_the_middle(page, demo_data):
    """At 390 px a period breaks between its dates, an organisation number stays whole and the
    decision maker's long name gets the card's full width ("Strukturfondspartnerskapet")."""
    project = Project.objects.filter(decisions__isnull=False).order_by("diary_number").first()
    page.set_viewport_size({"width": 390, "height": 844})

    page.goto(project.owner.get_absolute_url())
    dates = page.locator("table.stack tbody td[data-label] .nowrap")
    assert dates.count() >= 2
    for index in range(min(dates.count(), 6)):
        lines = dates.nth(index).evaluate("span => span.getClientRects().length")
        assert lines == 1, dates.nth(index).text_content()

    page.goto(project.get_absolute_url())
    number = page.locator(".facts .nowrap", has_text=project.owner.org_number[:6])
    assert number.evaluate("span => span.getClientRects().length") == 1
    decided_by = page.locator("#decisions-caption >> xpath=..").locator("td.stack__wide").first
    box = decided_by.bounding_box()
    assert box and box["width"] > 300, box
