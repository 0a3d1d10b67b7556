"""What a county official does in a day, in a real browser, mouse and keyboard."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_data(reference_data):
    call_command("generate_demo", projects=400, seed=1)


def test_official_filters_opens_a_project_and_its_owner_in_both_languages(page, demo_data, snap):
    page.goto("/projects/")
    filters = page.locator("#project-filter")
    filters.get_by_label("Småland och Öarna").check()
    filters.get_by_label("2 — Öka övergångarna").check()
    filters.get_by_label("Avslutat").check()
    filters.get_by_role("button", name="Visa projekt").first.click()

    expect(page).to_have_url(re.compile(r"region=SE21.*programme_area=2.*status=finished"))
    summary = page.locator(".summary").inner_text()
    count = int(re.match(r"(\d+)", summary.replace("\xa0", "")).group(1))
    rows = page.locator("table.projects tbody tr")
    assert count > 0 and rows.count() == min(count, 50)
    for region in rows.locator("td:nth-child(3)").all_inner_texts():
        assert region == "Småland och Öarna"
    snap(page, "journey-list-filtered-sv")

    filtered_url = page.url
    rows.first.locator("td:first-child a").click()
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator(".facts")).to_contain_text("Småland och Öarna")
    page.locator(".facts a").first.click()  # the project owner
    expect(page).to_have_url(re.compile(r"/organisations/\d+/$"))
    expect(page.locator("table")).to_contain_text(re.compile(r"\d{4}/\d{5}|\d\d-\d{3}-S\d\d"))

    page.goto(filtered_url)
    page.get_by_role("link", name="In English").click()
    expect(page).to_have_url(re.compile(r"/en/projects/\?region=SE21.*status=finished"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".summary")).to_contain_text(f"{count} project")
    page.get_by_role("link", name="På svenska").click()
    expect(page).to_have_url(re.compile(r"^[^?]*/projects/\?region=SE21.*status=finished"))
    expect(page.locator(".summary")).to_contain_text(f"{count} projekt")


def test_keyboard_only_skip_link_focus_and_filter_form(page, demo_data):
    page.goto("/projects/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Hoppa till innehållet"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # visible focus
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"

    # Tab reaches the search box, and Enter there submits the filter form.
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "id_q":
            break
    else:
        pytest.fail("the search box is not reachable with Tab")
    page.keyboard.type("kompetens")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"q=kompetens"))

    # Every link, button and form control can get focus and shows it.
    unreachable = page.evaluate(
        """() => [...document.querySelectorAll('a[href], button, input, select, summary')]
            .filter(el => el.offsetParent !== null && el.tabIndex < 0)
            .map(el => el.outerHTML.slice(0, 80))"""
    )
    assert unreachable == []


def test_pages_work_at_200_percent_zoom(page, demo_data):
    # 200 % zoom of a 1280 px window is a 640 px viewport at device scale 2.
    page.set_viewport_size({"width": 640, "height": 800})
    for url in ["/", "/projects/?region=SE21", "/organisations/"]:
        page.goto(url)
        assert page.evaluate("document.documentElement.scrollWidth") <= 640, url
        expect(page.locator("main h1")).to_be_visible()


def test_analyst_downloads_the_filtered_csv_from_the_list(page, demo_data):
    import csv
    import io
    from pathlib import Path

    page.goto("/projects/?region=SE21&programme=2014-2020")
    summary = page.locator(".summary").inner_text().replace("\xa0", "")
    count = int(re.match(r"(\d+)", summary).group(1))
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Ladda ner CSV").click()
    download = download_info.value
    assert re.match(r"esf-projekt-\d{4}-\d\d-\d\d-.*SE21.*\.csv$", download.suggested_filename)
    text = Path(download.path()).read_text(encoding="utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][0] == "Diarienummer"
    assert len(rows) - 1 == count
    assert all("/" in row[0] for row in rows[1:])  # 2014–2020 diary numbers only
