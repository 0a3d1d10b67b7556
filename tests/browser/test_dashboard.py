"""The dashboard in Chromium: charts draw, tables toggle, a bar opens the filtered list, the
page fits a phone, works under a strict Content-Security-Policy and without JavaScript."""

import json
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)

DESKTOP = {"width": 1440, "height": 900}
# No inline script, no eval, nothing from elsewhere: what production should be able to send.
# Styles need 'unsafe-inline': Plotly adds its hover and modebar rules at run time (with
# style-src 'self' the charts still draw, but the console fills with refusals).
STRICT_CSP = (
    "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; "
    "img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'"
)


@pytest.fixture
def demo_data(reference_data):
    call_command("generate_demo", projects=300, seed=1)


def wait_for_charts(page) -> int:
    """Number of charts on the page, once Plotly has drawn every one of them (SVG present)."""
    charts = page.locator("[data-chart]")
    count = charts.count()
    assert count >= 11
    expect(page.locator(".chart--drawn")).to_have_count(count)
    for index in range(count):
        expect(charts.nth(index).locator("svg.main-svg").first).to_be_attached()
    return count


def figure(page, chart_id: str) -> dict:
    return json.loads(page.locator(f"#{chart_id}-data").text_content())


@pytest.mark.parametrize(("prefix", "lang"), [("", "sv"), ("/en", "en")])
def test_charts_draw_in_both_languages_and_fit_a_phone(page, demo_data, snap, prefix, lang):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{prefix}/dashboard/")
    assert page.locator("html").get_attribute("lang") == lang
    wait_for_charts(page)
    # the cartogram: a tile with its name and value for each region and the national level
    expect(page.locator("#region-map .heatmaplayer text")).to_have_count(9)
    snap(page, f"dashboard-{lang}")
    page.set_viewport_size({"width": 320, "height": 800})
    page.wait_for_timeout(300)  # Plotly's responsive redraw
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= 320, f"the dashboard scrolls sideways at 320 px ({scroll} px)"
    page.set_viewport_size(DESKTOP)
    assert errors == []


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_phones_show_each_tables_names_and_money_without_sideways_scrolling(
    page, demo_data, prefix
):
    """At 390 px every table under a chart stacks its rows as the project list does: no table
    is wider than the screen or scrolls in a box of its own, and each cell of a row (ESF
    support, budget, project count) lies on the screen, whole, under its column's name."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{prefix}/dashboard/")
    wait_for_charts(page)
    page.evaluate("document.querySelectorAll('details.chart-table').forEach(d => d.open = true)")
    tables = page.locator(".chart-table table")
    assert tables.count() >= 11
    for index in range(tables.count()):
        table = tables.nth(index)
        box = table.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, (index, box)
        scroll = table.locator("xpath=..")  # the table's scroll box, which must not scroll
        assert scroll.evaluate("box => box.scrollWidth <= box.clientWidth"), index
        row = table.locator("tbody tr").first
        expect(row.locator("th[scope=row]")).to_be_visible()
        cells = row.locator("td")
        assert cells.count() >= 2, index
        for number in range(cells.count()):
            cell = cells.nth(number)
            expect(cell).to_be_visible()
            box = cell.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, (index, number, box)
            # the value on one line (nothing broken inside an amount), its column's name above
            lines = cell.evaluate(
                """cell => { const range = document.createRange();
                             range.selectNodeContents(cell);
                             return new Set([...range.getClientRects()].map(r => r.top)).size; }"""
            )
            assert lines == 1, (index, number, cell.text_content())
            label = cell.evaluate("cell => getComputedStyle(cell, '::before').content")
            assert label not in ("none", "normal", '""'), (index, number, label)
        # still a table to assistive technology
        assert table.get_attribute("role") == "table"
    money = page.locator("#region-money tbody tr").first.locator("td")
    expect(money.nth(1)).to_contain_text("kr" if not prefix else "SEK")  # ESF support
    expect(money.nth(2)).to_contain_text("kr" if not prefix else "SEK")  # total budget
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


@pytest.mark.parametrize("width", [700, 1250, 1440])
def test_no_table_scrolls_inside_its_card_between_phone_and_desktop(page, demo_data, width):
    """A table is laid out by the width of its card, not of the screen: where a card is too
    narrow for the columns (a tablet, or a laptop with two cards abreast) its rows stack as on a
    phone; where the columns fit (1440 px, two abreast) it stays a table. No table scrolls in a
    box of its own at any of these widths."""
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/dashboard/")
    wait_for_charts(page)
    page.evaluate("document.querySelectorAll('details.chart-table').forEach(d => d.open = true)")
    tables = page.locator(".chart-table table")
    assert tables.count() >= 11
    stacked = 0
    for index in range(tables.count()):
        box = tables.nth(index).locator("xpath=..")
        assert box.evaluate("box => box.scrollWidth <= box.clientWidth"), (width, index)
        stacked += tables.nth(index).evaluate("t => getComputedStyle(t).display") == "block"
    if width == 1440:
        assert stacked == 0, "at 1440 px every table fits its card as a table"
    if width == 1250:
        assert stacked >= 1, "two cards abreast at 1250 px are too narrow for the widest tables"
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_show_as_table_opens_and_closes_the_same_numbers(page, demo_data):
    page.goto("/dashboard/")
    wait_for_charts(page)
    card = page.locator("#region-money")
    table = card.locator("table")
    expect(table).to_be_hidden()
    card.get_by_text("Visa som tabell").click()
    expect(table).to_be_visible()
    expect(table.locator("caption")).to_have_text("ESF-stöd och total budget per region")
    regions = figure(page, "region-money")["data"][0]["y"]
    expect(table.locator("tbody th[scope=row]")).to_have_text(regions)
    card.get_by_text("Visa som tabell").click()
    expect(table).to_be_hidden()


def test_clicking_a_region_bar_opens_the_filtered_list(page, demo_data):
    page.goto("/dashboard/?programme=2014-2020")
    wait_for_charts(page)
    data = figure(page, "region-money")["data"][0]
    expected = data["customdata"][0][0]  # the top bar: the region with the largest grant
    assert re.fullmatch(r"/projects/\?programme=2014-2020&region=SE\d\d", expected)
    bar = page.locator("#region-money .trace.bars").first.locator(".point path").first
    box = bar.bounding_box()
    # Plotly listens on its drag layer above the bars, so click where the bar is drawn.
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page).to_have_url(re.compile(re.escape(expected) + "$"))
    region = expected.rsplit("=", 1)[1]
    expect(page.locator(".chips")).to_contain_text(data["y"][0])
    assert region in page.url


def test_clicking_a_map_tile_opens_the_list_for_that_region(page, demo_data):
    page.goto("/en/dashboard/")
    wait_for_charts(page)
    page.evaluate(
        """() => {
          const chart = document.querySelector('#region-map [data-chart]');
          chart.emit('plotly_click', {points: [{customdata: ['/en/projects/?region=SE33', 1]}]});
        }"""
    )
    expect(page).to_have_url(re.compile(r"/en/projects/\?region=SE33$"))


@pytest.mark.parametrize(("prefix", "lang"), [("", "sv"), ("/en", "en")])
def test_the_county_map_draws_every_county_and_a_click_opens_its_list(
    page, demo_data, snap, prefix, lang
):
    page.goto(f"{prefix}/dashboard/?programme=2014-2020")
    wait_for_charts(page)
    tiles = page.locator("#county-map .heatmaplayer text")
    expect(tiles).to_have_count(21)
    expect(tiles.first).to_contain_text("mnkr" if lang == "sv" else "SEK")
    snap(page, f"dashboard-counties-{lang}", "#lan")
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(300)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    data = figure(page, "county-map")["data"][0]["customdata"]
    urls = {cell[2]: cell[0] for line in data for cell in line if cell}
    assert urls["Kalmar län" if lang == "sv" else "Kalmar County"].endswith("county=SE213")
    tile = tiles.filter(has_text="Kalmar")
    tile.scroll_into_view_if_needed()
    kalmar = tile.bounding_box()
    # Plotly listens on its drag layer above the tiles, so click where the tile is drawn.
    page.mouse.click(kalmar["x"] + kalmar["width"] / 2, kalmar["y"] + kalmar["height"] / 2)
    expect(page).to_have_url(re.compile(rf"{prefix}/projects/\?programme=2014-2020&county=SE213$"))
    expect(page.locator(".chips")).to_contain_text("Kalmar")


def test_the_county_page_reads_well_in_both_languages(page, demo_data, snap):
    for prefix, lang in (("", "sv"), ("/en", "en")):
        page.goto(f"{prefix}/lan/SE213/" if not prefix else "/en/counties/SE213/")
        expect(page.locator("h1")).to_have_text("Kalmar län" if lang == "sv" else "Kalmar County")
        snap(page, f"county-{lang}")


def test_the_map_switches_measure_with_its_buttons(page, demo_data):
    page.goto("/dashboard/")
    wait_for_charts(page)
    tiles = page.locator("#region-map .heatmaplayer text")
    expect(tiles.first).to_contain_text("mnkr")
    measures = page.get_by_role("group", name="Mått: Karta: regionerna som rutor")
    grant = measures.get_by_role("button", name="ESF-stöd")
    projects = measures.get_by_role("button", name="Projekt")
    expect(grant).to_have_attribute("aria-pressed", "true")
    expect(projects).to_have_attribute("aria-pressed", "false")
    # Plotly's own SVG buttons are gone: these are the only ones
    expect(page.locator("#region-map .updatemenu-button")).to_have_count(0)

    projects.focus()
    page.keyboard.press("Enter")  # a keyboard reaches and presses them
    expect(tiles.first).not_to_contain_text("mnkr")
    texts = tiles.all_text_contents()  # name then number of projects, e.g. "ÖvreNorrland229"
    assert len(texts) == 9 and all(re.search(r"[^\d\xa0]\d[\d\xa0]*$", t) for t in texts), texts
    expect(projects).to_have_attribute("aria-pressed", "true")
    expect(grant).to_have_attribute("aria-pressed", "false")

    def looks(button) -> dict:
        return button.evaluate(
            """b => ({weight: getComputedStyle(b).fontWeight,
                      tick: getComputedStyle(b, '::before').content})"""
        )

    # the chosen one is told apart by more than colour: bold and ticked
    assert looks(projects)["weight"] == "700" and "✓" in looks(projects)["tick"]
    assert looks(grant)["weight"] == "400" and looks(grant)["tick"] in ("none", "normal")

    # a redraw for a phone's width keeps the measure chosen
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(300)
    expect(tiles.first).not_to_contain_text("mnkr")
    expect(projects).to_have_attribute("aria-pressed", "true")


def test_the_map_measures_are_named_in_english(page, demo_data):
    page.goto("/en/dashboard/")
    wait_for_charts(page)
    # one group per map, each named after its map
    for title in ("Map: the regions as tiles", "Map: the counties as tiles"):
        measures = page.get_by_role("group", name=f"Measure: {title}")
        expect(measures.get_by_role("button")).to_have_count(4)
        expect(measures.get_by_role("button", pressed=True)).to_have_count(1)


def test_a_click_never_leaves_the_site(page, demo_data):
    page.goto("/dashboard/")
    wait_for_charts(page)
    page.evaluate(
        """() => document.querySelector('#region-money [data-chart]')
                   .emit('plotly_click', {points: [{customdata: ['//example.org/', 1]}]})"""
    )
    page.wait_for_timeout(300)
    assert page.url.endswith("/dashboard/")


def test_charts_draw_under_a_strict_content_security_policy(page, demo_data):
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )

    def with_csp(route):
        response = route.fetch()
        headers = {**response.headers, "content-security-policy": STRICT_CSP}
        route.fulfill(response=response, headers=headers)

    page.route(re.compile(r".*/dashboard/.*"), with_csp)
    page.goto("/dashboard/")
    wait_for_charts(page)
    assert violations == []


def test_without_javascript_the_tables_and_form_still_work(chromium, live_server, demo_data):
    context = chromium.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/dashboard/")
        expect(page.locator(".chart-fallback").first).to_be_visible()
        expect(page.locator("#top-organisations table")).to_be_visible()  # open by default
        page.locator("#region-money").get_by_text("Visa som tabell").click()
        expect(page.locator("#region-money table")).to_be_visible()
        page.get_by_text("Ändra urval här").click()
        form = page.locator(".dash-filters__form")
        form.get_by_label("Övre Norrland").check()
        form.get_by_role("button", name="Visa översikt").click()
        expect(page).to_have_url(re.compile(r"/dashboard/\?.*region=SE33"))
        expect(page.locator(".chips")).to_contain_text("Övre Norrland")
    finally:
        context.close()
