"""Demo data can never be mistaken for real data, nor change or remove it."""

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from projects import demo
from projects.importers import operations_csv, projectbank, save
from projects.models import Decision, Organisation, Project

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "fixtures" / "projectbank"
OPERATIONS = ROOT / "fixtures" / "operations"


def import_seeds():
    results = [result for result in projectbank.parse_path(SEEDS)]
    report = save.import_pages(results)
    assert not report.failed, report.text_lines()
    return report


@pytest.fixture
def mixed():
    """The real seed pages beside 60 demo projects."""
    import_seeds()
    demo.generate(projects=60, seed=3)
    return Project.objects.filter(is_demo=False).count(), Project.objects.filter(is_demo=True)


# --- generate_demo leaves real rows alone -----------------------------------------------------
def test_generate_demo_never_changes_or_deletes_real_rows():
    import_seeds()
    real = {
        p.diary_number: (p.name, p.esf_grant, p.total_budget, p.end_date, p.updated_at)
        for p in Project.objects.all()
    }
    real_decisions = set(Decision.objects.values_list("id", "esf_grant_change"))
    real_owners = set(Organisation.objects.values_list("id", "name", "org_number"))

    demo.generate(projects=80, seed=1)
    demo.generate(projects=40, seed=2)  # replaces the earlier demo rows

    after = {
        p.diary_number: (p.name, p.esf_grant, p.total_budget, p.end_date, p.updated_at)
        for p in Project.objects.filter(is_demo=False)
    }
    assert after == real
    assert real_decisions <= set(Decision.objects.values_list("id", "esf_grant_change"))
    assert real_owners <= set(Organisation.objects.values_list("id", "name", "org_number"))
    assert Project.objects.filter(is_demo=True).count() == 40


def test_demo_numbers_never_take_a_real_projects_number():
    import_seeds()
    builder = demo.DemoBuilder(seed=1)
    real = set(Project.objects.values_list("diary_number", flat=True))
    builder.taken |= {"2014/10000", "2014/10001"}  # as if real projects used the demo series

    numbers = {
        builder.diary_number("2014-2020", demo.PERIOD_STARTS["2014-2020"][0]) for _ in range(5)
    }

    assert not numbers & (real | {"2014/10000", "2014/10001"})


def test_generated_decisions_are_never_dated_after_the_reference_day():
    demo.generate(projects=400, seed=1)
    latest = Decision.objects.order_by("-decided_on").values_list("decided_on", flat=True).first()
    assert latest <= demo.AS_OF


# --- a real record with a demo number becomes real --------------------------------------------
def test_a_real_row_with_a_demo_projects_number_makes_a_real_project():
    demo.generate(projects=30, seed=1)
    taken = Project.objects.filter(is_demo=True, programme__period="2021-2027").first()
    text = (OPERATIONS / "forteckning_over_insatser_esfplus.csv").read_text(encoding="utf-8-sig")
    text = text.replace("23-901-S01;", f"{taken.diary_number};", 1)
    parsed = operations_csv.parse_file(io.BytesIO(text.encode("utf-8")), source="lista.csv")

    report = save.import_operations([parsed])

    assert not report.failed, report.text_lines()
    project = Project.objects.get(diary_number=taken.diary_number)
    assert not project.is_demo
    assert project.name == "Vägen in – Exempelstad (exempel)"
    assert not project.owner.is_demo
    assert taken.region is not None and project.region is None  # the list states no region
    assert list(project.decisions.values_list("kind", flat=True)) == ["snapshot"]
    assert any("fanns som demoprojekt" in note.message for note in report.warnings)

    demo.generate(projects=30, seed=1)  # the next demo run leaves it alone
    assert Project.objects.filter(diary_number=taken.diary_number, is_demo=False).exists()


# --- demo rows are marked wherever they show --------------------------------------------------
def test_every_page_says_that_demo_data_is_there(client, mixed):
    for url in ["/", "/projects/", "/dashboard/", "/organisations/", "/om-data/", "/en/"]:
        page = client.get(url).content.decode()
        assert 'class="demo-notice"' in page, url


def test_no_notice_without_demo_data(client):
    import_seeds()
    assert 'class="demo-notice"' not in client.get("/projects/").content.decode()


def test_the_list_marks_demo_projects_and_filters_them(client, mixed):
    real_count, demo_projects = mixed
    page = client.get("/projects/", {"size": 200}).content.decode()
    assert page.count('class="tag tag--demo"') == demo_projects.count()

    excluded = client.get("/projects/", {"demo": "exclude", "size": 200})
    only = client.get("/projects/", {"demo": "only", "size": 200})

    assert excluded.context["summary"]["projects"] == real_count
    assert 'class="tag tag--demo"' not in excluded.content.decode()
    assert only.context["summary"]["projects"] == demo_projects.count()
    # counted without its own choice: the other choice says what choosing it gives
    facet = next(f for f in excluded.context["facets"] if f.name == "demo")
    assert {c.value: c.count for c in facet.choices} == {
        "exclude": real_count,
        "only": demo_projects.count(),
    }
    facet = next(f for f in client.get("/projects/").context["facets"] if f.name == "demo")
    assert {c.value: c.count for c in facet.choices} == {
        "exclude": real_count,
        "only": demo_projects.count(),
    }


def test_the_detail_and_organisation_pages_mark_demo_projects(client, mixed):
    _real, demo_projects = mixed
    project = demo_projects.first()
    assert "tag--demo" in client.get(project.get_absolute_url()).content.decode()
    assert "tag--demo" in client.get(project.owner.get_absolute_url()).content.decode()
    real = Project.objects.filter(is_demo=False).first()
    assert "tag--demo" not in client.get(real.get_absolute_url()).content.decode()


def test_the_dashboard_filters_demo_data(client, mixed):
    real_count, _demo = mixed
    response = client.get("/dashboard/", {"demo": "exclude"})
    assert response.status_code == 200
    assert response.context["figures"]["projects"] == real_count


def test_the_landing_figures_say_how_many_are_demo(client, mixed):
    _real, demo_projects = mixed
    page = client.get("/").content.decode()
    assert f"varav {demo_projects.count()} demoprojekt" in page


def test_exports_have_the_demo_flag_and_the_filter(client, mixed):
    real_count, demo_projects = mixed
    body = b"".join(client.get("/projects/export.csv").streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    demo = rows[0].index("Demodata")
    assert {row[demo] for row in rows[1:]} == {"Ja", "Nej"}
    assert sum(row[demo] == "Ja" for row in rows[1:]) == demo_projects.count()

    document = json.loads(
        b"".join(client.get("/projects/export.json", {"demo": "exclude"}).streaming_content)
    )
    assert document["count"] == real_count
    assert {p["is_demo"] for p in document["projects"]} == {False}


def test_about_tells_the_truth(client, mixed):
    page = client.get("/om-data/").content.decode()
    assert 'id="demo"' in page and "demo=exclude" in page and "is_demo" in page


def test_check_invariants_passes_after_generate_demo_next_to_real_rows(mixed):
    call_command("check_invariants", stdout=io.StringIO())


def test_the_dashboards_owner_table_marks_demo_organisations(client, mixed):
    page = client.get("/dashboard/").content.decode()
    assert "(Demo)" in page
    real = client.get("/dashboard/", {"demo": "exclude"}).content.decode()
    assert "(Demo)" not in real
