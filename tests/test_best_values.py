"""Imports keep the best value of each field and say where it came from."""

import io
from pathlib import Path

import pytest

from projects.importers import operations_csv, projectbank, save
from projects.models import Project

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
SLA = ROOT / "fixtures" / "projectbank" / "001_1edcad09a78b9a57.txt"
ESF_PLUS = ROOT / "fixtures" / "operations" / "forteckning_over_insatser_esfplus.csv"
LIST_2014 = ROOT / "fixtures" / "operations" / "forteckning_over_insatser_2014-2020_cp1252.csv"


def import_page(path: Path, text: str | None = None):
    data = text.encode("utf-8") if text is not None else path.read_bytes()
    report = save.import_pages([projectbank.parse_bytes(data, source=path.name)])
    assert not report.failed, report.text_lines()


def import_list(text: str, name: str = "forteckning.csv"):
    parsed = operations_csv.parse_file(io.BytesIO(text.encode("utf-8")), source=name)
    report = save.import_operations([parsed])
    assert not report.failed, report.text_lines()
    return report


def list_with_sla_summary(summary: str, english: str) -> str:
    text = LIST_2014.read_bytes().decode("cp1252")
    old = '17207538,00",,,2020-08-17'
    assert old in text
    return text.replace(old, f'17207538,00","{summary}","{english}",2020-08-17')


def test_a_one_sentence_summary_does_not_replace_the_pages_description():
    import_page(SLA)
    full = Project.objects.get(diary_number="2020/00152").description
    assert len(full) > 1000

    import_list(list_with_sla_summary("Ett kort projekt.", "A short project about work."))

    project = Project.objects.get(diary_number="2020/00152")
    assert project.description == full
    assert project.description_en == "A short project about work."  # "Sammanfattning engelsk"
    assert project.field_sources["description"].startswith("Projektbanken, 001_")
    assert project.field_sources["description_en"].startswith("Förteckning över insatser, ")


def test_a_city_written_in_capitals_does_not_replace_a_well_cased_one():
    page = SLA.read_text(encoding="utf-8").replace(
        "Stödmottagare postnr:\n39127", "Stödmottagare postnr:\n39127\nStödmottagare ort:\nKalmar"
    )
    import_page(SLA, page)
    assert Project.objects.get(diary_number="2020/00152").city == "Kalmar"

    import_list(LIST_2014.read_bytes().decode("cp1252"))  # its Ort is "KALMAR"

    assert Project.objects.get(diary_number="2020/00152").city == "Kalmar"


def test_a_well_cased_city_replaces_one_in_capitals():
    import_list(LIST_2014.read_bytes().decode("cp1252"))
    assert Project.objects.get(diary_number="2020/00152").city == "KALMAR"  # the list's Ort
    page = SLA.read_text(encoding="utf-8").replace(
        "Stödmottagare postnr:\n39127", "Stödmottagare postnr:\n39127\nStödmottagare ort:\nKalmar"
    )
    import_page(SLA, page)

    assert Project.objects.get(diary_number="2020/00152").city == "Kalmar"


def test_the_english_pages_show_the_english_description_and_mark_the_swedish_one(client):
    import_page(SLA)
    url = "/en/projects/2020-00152/"
    page = client.get(url).content.decode()
    assert 'class="description" lang="sv"' in page  # no English text yet: Swedish, marked

    import_list(list_with_sla_summary("Ett kort projekt.", "A short project about work."))

    page = client.get(url).content.decode()
    assert "A short project about work." in page
    assert "Fortsatt Samverkan leder till arbete syftar" not in page
    swedish = client.get("/projects/2020-00152/").content.decode()
    assert "Fortsatt Samverkan leder till arbete syftar" in swedish


def test_a_project_shows_its_sources_by_name_and_day_never_a_path(client):
    import_page(SLA)
    import_list(ESF_PLUS.read_text(encoding="utf-8-sig"), name="/srv/import/lista.csv")

    page = client.get("/projects/2020-00152/").content.decode()

    assert 'id="sources-heading"' in page
    assert "Projektbanken, 001_1edcad09a78b9a57.txt, hämtad" in page
    assert "/srv/import" not in client.get("/projects/22-005-S01/").content.decode()
    assert "Förteckning över insatser, lista.csv, hämtad" in (
        client.get("/projects/22-005-S01/").content.decode()
    )
