"""axe-core (bundled by axe-playwright-python) finds no WCAG 2.0/2.1 A or AA violation on any
page type, in Swedish or English."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django.urls import reverse

from projects.models import Organisation, Project
from tests.browser.helpers import log_in

pytestmark = pytest.mark.django_db(transaction=True)

WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def violations(page) -> list[str]:
    """One line per violated rule: id, impact, and the first offending elements."""
    results = Axe().run(page, options=WCAG_AA)
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes'][:3]]}"
        for v in results.response["violations"]
    ]


@pytest.fixture
def demo_data(reference_data):
    call_command("generate_demo", projects=200, seed=1)


def test_the_check_can_fail(page):
    """A page with an unlabelled input and poor contrast is caught, so a pass means something."""
    page.set_content(
        '<html lang="sv"><head><title>t</title></head><body><main><h1>t</h1>'
        '<input type="text"><p style="color:#bbb;background:#fff">grått</p></main></body></html>'
    )
    found = " ".join(violations(page))
    assert "label" in found
    assert "color-contrast" in found


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_public_pages_have_no_wcag_violations(page, demo_data, prefix):
    project = Project.objects.order_by("diary_number").first()
    organisation = Organisation.objects.order_by("id").first()
    pages = [
        "/",
        "/projects/",
        "/projects/?region=SE21&programme_area=2&status=finished&esf_grant_min=x",
        "/projects/?q=kompetens",
        project.get_absolute_url().removeprefix("/en"),
        organisation.get_absolute_url().removeprefix("/en"),
        "/organisations/",
        "/lan/SE213/",
        "/lan/SE214/",  # a county without projects in the demo data, or with few
        "/om-data/",
        "/tillganglighet/",
        "/dashboard/",
        "/dashboard/?region=SE33",
        "/projects/finns-inte/",
    ]
    found = {}
    for url in pages:
        page.goto(prefix + url)
        page.wait_for_load_state("networkidle")
        if problems := violations(page):
            found[prefix + url] = problems
    assert not found, found


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_the_dashboards_tables_stacked_on_a_phone_have_no_wcag_violations(page, demo_data, prefix):
    """The pages' check sees the dashboard with its tables closed; here they are open, at
    390 px, where each row is a card."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{prefix}/dashboard/")
    page.wait_for_load_state("networkidle")
    page.evaluate("document.querySelectorAll('details.chart-table').forEach(d => d.open = true)")
    assert violations(page) == []


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_admin_login_has_no_wcag_violations(page, prefix):
    page.goto(f"{prefix}/admin/login/")
    assert violations(page) == []


@pytest.mark.parametrize("prefix", ["", "/en"])
@pytest.mark.parametrize("width", [390, 1440])
def test_admin_pages_have_no_wcag_violations(page, demo_data, admin_user, prefix, width):
    """The caseworkers' pages: both lists, the project's change and add forms, the import page
    and a project's history, at phone and desktop width."""
    project = Project.objects.filter(decisions__isnull=False).order_by("diary_number").first()
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, prefix)
    pages = [
        reverse("admin:projects_project_changelist"),
        reverse("admin:projects_decision_changelist"),
        reverse("admin:projects_project_change", args=[project.pk]),
        reverse("admin:projects_project_add"),
        reverse("admin:projects_project_import"),
        reverse("admin:projects_project_history", args=[project.pk]),
    ]
    found = {}
    for url in pages:
        page.goto(prefix + url)
        page.wait_for_load_state("networkidle")
        if problems := violations(page):
            found[prefix + url] = problems
    assert not found, "\n".join(f"{url}: {problem}" for url in found for problem in found[url])
