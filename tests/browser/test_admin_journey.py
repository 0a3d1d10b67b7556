"""An admin logs in, enters a project and an extension, and sees the totals and the history."""

import re

import pytest
from playwright.sync_api import expect

from projects.models import Programme, Project
from tests.browser.helpers import choose_autocomplete, log_in
from tests.factories import DecisionFactory, OrganisationFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_admin_enters_a_project_and_an_extension_and_sees_the_totals(page, admin_user, snap):
    OrganisationFactory(name="Kommunförbundet Kalmar län", org_number="8025185011")
    log_in(page)
    expect(page.get_by_role("heading", name="Registret")).to_be_visible()
    snap(page, "admin-index-sv")

    page.goto("/admin/projects/project/add/")
    page.get_by_label("Diarienummer").fill("2020/00152")
    programme = Programme.objects.get(period="2014-2020")
    page.get_by_label(re.compile(r"^Program:?$")).select_option(str(programme.pk))
    page.get_by_label(re.compile(r"^Namn:?$")).fill("Fortsatt SLA")
    choose_autocomplete(page, "owner", "Kommunförbundet")
    page.get_by_label("Beslutsdatum").fill("2020-06-10")
    page.get_by_label("Startdatum").fill("2020-08-17")
    page.get_by_label("Slutdatum").fill("2022-12-31")
    page.get_by_label("Total projektbudget (kr)").fill("36619373")
    page.get_by_label("Beviljat ESF-stöd (kr)").fill("40000000")  # more than the budget
    snap(page, "admin-project-add-sv")
    page.get_by_role("button", name="Spara", exact=True).click()
    expect(page.locator(".errorlist")).to_contain_text("får inte överstiga total projektbudget")
    snap(page, "admin-project-add-error-sv")

    page.get_by_label("Beviljat ESF-stöd (kr)").fill("17207538")
    page.get_by_label("Beslutsdatum").fill("2020-06-10")
    page.get_by_role("button", name="Spara och fortsätt redigera").click()
    expect(page.locator(".messagelist")).to_contain_text("Lade till projekt")

    row = page.locator("#decisions-group tr.form-row:not(.empty-form)").last
    row.locator("select[name$='-kind']").select_option("extension")
    row.locator("input[name$='-decided_on']").fill("2022-06-01")
    row.locator("input[name$='-esf_grant_change']").fill("5000000")
    row.locator("input[name$='-total_budget_change']").fill("10000000")
    row.locator("input[name$='-new_end_date']").fill("2023-06-30")
    page.get_by_role("button", name="Spara och fortsätt redigera").click()
    expect(page.locator(".messagelist")).to_contain_text("22\xa0207\xa0538")
    snap(page, "admin-project-change-sv")

    project = Project.objects.get(diary_number="2020/00152")
    assert (project.esf_grant, project.total_budget) == (22_207_538, 46_619_373)
    assert project.end_date.isoformat() == "2023-06-30"

    page.get_by_role("link", name="Historik").click()
    expect(page.locator("#change-history")).to_contain_text("admin")
    snap(page, "admin-project-history-sv")

    page.goto(project.get_absolute_url())
    expect(page.locator("main")).to_contain_text("22\xa0207\xa0538 kr")


def test_admin_in_english(page, admin_user, snap):
    log_in(page, "/en")
    page.goto("/en/admin/projects/project/add/")
    expect(page.get_by_label("Diary number")).to_be_visible()
    snap(page, "admin-project-add-en")

    project = DecisionFactory(project__name="Fortsatt SLA", kind="extension").project
    page.goto(f"/en/admin/projects/project/{project.pk}/change/")
    expect(page.locator("#decisions-group")).to_contain_text("Extension")
    snap(page, "admin-project-change-en")
    page.get_by_role("link", name="History").click()
    expect(page.locator("#change-history")).to_be_visible()
    snap(page, "admin-project-history-en")


def test_an_autocomplete_box_is_named_by_its_label(page, admin_user):
    """Select2 names its box after the chosen value only; the admin's script adds the label."""
    OrganisationFactory(name="Kommunförbundet Kalmar län", org_number="8025185011")
    log_in(page)
    page.goto("/admin/projects/project/add/")
    expect(page.get_by_role("combobox", name=re.compile(r"^Projektägare:?$"))).to_have_count(1)
    choose_autocomplete(page, "owner", "Kommunförbundet")
    chosen = re.compile(r"^Projektägare:? Kommunförbundet Kalmar län \(8025185011\)$")
    expect(page.get_by_role("combobox", name=chosen)).to_have_count(1)


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_the_change_form_and_history_fit_a_phone(page, admin_user, prefix):
    """At 390 px the decisions and the history entries stack: every input and value is on the
    screen, under its name, and nothing scrolls sideways."""
    project = DecisionFactory(project__name="Fortsatt SLA", kind="extension").project
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, prefix)
    page.goto(f"{prefix}/admin/projects/project/{project.pk}/change/")
    inputs = page.locator("#decisions-group tr.form-row:not(.empty-form) td:not(.hidden)").locator(
        "input:not([type=hidden]), select, textarea"
    )
    assert inputs.count() >= 3 * 7
    for index in range(inputs.count()):
        box = inputs.nth(index).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, (index, box)
    label = page.locator("label[for=id_decisions-0-decided_on]")
    expect(label).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.goto(f"{prefix}/admin/projects/project/{project.pk}/history/")
    changes = page.locator("#change-history td[data-label]").first
    before = changes.evaluate("cell => getComputedStyle(cell, '::before').content")
    assert before not in ("none", "normal", '""'), before
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # still a table to assistive technology
    assert page.locator("#change-history").get_attribute("role") == "table"
