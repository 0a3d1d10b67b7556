"""The project-bank page parser: seed pages, labels and layout, format detection, rules across
fields (pure Python: no database, no Django)."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from projects.importers.projectbank import (
    SKIP_NOT_PROJECT,
    ParseResult,
    parse_bytes,
    parse_path,
    split_owner,
)
from projects.importers.records import Rejection
from projects.importers.text import SKIP_EMPTY
from tests.projectbank_pages import (
    DATA,
    DESCRIPTION,
    FIELDS_2014,
    FIELDS_ESF_PLUS,
    NEWS_ITEMS,
    SEED_2014,
    SEED_ESF_PLUS,
    SEED_WITH_GOAL,
    SEEDS,
    TITLE,
    page_of,
    page_text,
    parse_fields,
    parse_file,
    parsed_page,
    single_rejection,
    value_line,
    with_value,
)

# --- Seed pages -------------------------------------------------------------------------------


def test_seed_2014_page_gives_every_field():
    page = page_of(SEED_2014)

    assert page.source == str(SEED_2014)
    assert page.period == "2014-2020"
    assert page.diary_number == "2020/00152"
    assert page.name == "Fortsatt SLA"
    assert page.owner_name == "Kommunförbundet Kalmar län"
    assert page.owner_unit == ""
    assert page.org_number is None
    assert page.region_name == "Småland & Öarna"
    assert page.nuts_code is None
    assert page.planned_participants == 446
    assert page.start_date == date(2020, 8, 17)
    assert page.end_date == date(2022, 12, 31)
    assert page.total_budget == 36619373
    assert page.esf_grant == 17207538
    assert page.contact_name == "Matilda Svensson"
    assert page.contact_email == "matilda.svensson@kfkl.se"
    assert page.postcode == "39127"
    assert page.city == ""
    assert page.address == ""
    assert page.country == ""
    assert page.programme_area_code == "2"
    assert page.specific_objective_code == "2.3"
    assert page.cofinancing_rate == Decimal("50")
    assert page.intervention_code == "109"
    assert page.participant_goal is None
    assert page.fund == "ESF"
    assert page.programme_cci == ""
    assert page.child_poverty_theme is None
    assert page.strategic_importance is None
    assert page.unknown_labels == {}
    assert page.warnings == []


def test_seed_2014_description_keeps_its_three_paragraphs():
    description = page_of(SEED_2014).description

    paragraphs = description.split("\n\n")
    assert len(paragraphs) == 3
    assert paragraphs[0].startswith("Fortsatt Samverkan leder till arbete syftar till")
    assert paragraphs[2].endswith("samt Företagarna och Samordningsför-bundet.")
    assert "Interventionstyp" not in description


def test_seed_esf_plus_page_gives_every_field():
    page = page_of(SEED_ESF_PLUS)

    assert page.period == "2021-2027"
    assert page.diary_number == "22-005-S01"
    assert page.name == "Samverkan, inkludering och anställningsbarhet - Kalmar län (SIA)"
    assert page.org_number == "8025185011"
    assert page.owner_name == "KOMMUNFÖRBUNDET KALMAR LÄN"
    assert page.owner_unit == ""
    assert page.start_date == date(2023, 2, 1)
    assert page.end_date == date(2026, 1, 31)
    assert page.cofinancing_rate == Decimal("40")
    assert page.programme_area_code == "A"
    assert page.specific_objective_code == "A2A"
    assert page.child_poverty_theme is False
    assert page.region_name == "Småland & Öarna"
    assert page.nuts_code == "SE21"
    assert page.postcode == "39127"
    assert page.city == "KALMAR"
    assert page.intervention_code == "140"
    assert page.planned_participants == 584
    assert page.strategic_importance is False
    assert page.fund == "ESF+"
    assert page.programme_cci == "2021SE05SFPR"
    assert page.country == "Sverige"
    assert page.participant_goal == 350
    assert page.total_budget is None
    assert page.esf_grant is None
    assert page.contact_name == ""
    assert page.contact_email == ""
    assert page.address == ""
    assert page.unknown_labels == {}
    assert page.warnings == []
    assert len(page.description.split("\n\n")) == 7
    assert page.description.startswith("Problemet som projektet vill lösa")


def test_seed_2014_page_with_unit_and_empty_address_gives_every_field():
    page = page_of(SEED_WITH_GOAL)

    assert page.period == "2014-2020"
    assert page.diary_number == "2019/00419"
    assert page.name == "144587Vägartillegenförsörjning"
    assert page.owner_name == "Region Jämtland Härjedalen"
    assert page.owner_unit == "Välfärd och klimat"
    assert page.region_name == "Mellersta Norrland"
    assert page.planned_participants == 210
    assert page.start_date == date(2020, 2, 1)
    assert page.end_date == date(2022, 6, 30)
    assert page.total_budget == 29815599
    assert page.esf_grant == 19895809
    assert page.contact_name == "Ulrika Winberg"
    assert page.contact_email == "ulrika.winberg@regionjh.se"
    assert page.postcode == "83127"
    assert page.address == ""
    assert page.programme_area_code == "2"
    assert page.specific_objective_code == "2.1"
    assert page.cofinancing_rate == Decimal("50")
    assert page.intervention_code == "102"
    assert page.participant_goal == 125
    assert page.fund == "ESF"
    assert page.unknown_labels == {}
    assert page.warnings == ["Fältet 'Stödmottagarens address' saknar värde."]


def test_description_sentence_ending_in_colon_stays_in_description():
    page = page_of(SEED_WITH_GOAL)

    assert "De övergripande målen är att:\n\n• Bidra till att personer" in page.description
    assert page.description.endswith("stödja individerna genom processen.")
    assert "\n• Bidra till minskade utgifter för försörjningsstöd\n" in page.description


@pytest.mark.parametrize("news_item", NEWS_ITEMS, ids=lambda path: path.name)
def test_news_items_are_skipped_as_not_project_pages(news_item):
    result = parse_file(news_item)

    assert result == ParseResult(str(news_item), None, SKIP_NOT_PROJECT, [])


# --- HTML -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("html_name", "seed"),
    [
        ("001_fortsatt_sla_dl.html", SEED_2014),
        ("002_sia_table.html", SEED_ESF_PLUS),
        ("003_vagar_divs.html", SEED_WITH_GOAL),
    ],
)
def test_html_variant_gives_the_same_page_as_the_text_form(html_name, seed):
    from_html = page_of(DATA / html_name)
    from_text = page_of(seed)

    assert from_html.source == str(DATA / html_name)
    # The saved pages may say when they were last updated; the text copies do not.
    assert replace(from_html, source="", as_of=None) == replace(from_text, source="")


def test_a_page_says_what_day_its_figures_are_as_of():
    assert page_of(DATA / "001_fortsatt_sla_dl.html").as_of == date(2020, 11, 9)
    assert page_of(SEED_2014).as_of is None  # the text copy states no date


def test_html_news_item_is_skipped():
    html = b"<html><body><h1>Nyhet</h1><p>Projektet har beviljats 17 miljoner.</p></body></html>"

    result = parse_bytes(html, source="nyhet.html")

    assert result.skipped == SKIP_NOT_PROJECT
    assert result.page is None


# --- Directory walking ------------------------------------------------------------------------


def test_parse_path_walks_a_directory_recursively_in_sorted_order(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "page.HTML").write_bytes(SEED_2014.read_bytes())
    (tmp_path / "a.txt").write_bytes(SEED_ESF_PLUS.read_bytes())
    (tmp_path / "c.htm").write_bytes(b"")
    (tmp_path / "notes.md").write_bytes(SEED_2014.read_bytes())

    results = parse_path(tmp_path)

    assert [r.source for r in results] == [
        str(tmp_path / "a.txt"),
        str(tmp_path / "b" / "page.HTML"),
        str(tmp_path / "c.htm"),
    ]
    assert [r.page.diary_number for r in results[:2]] == ["22-005-S01", "2020/00152"]
    assert results[2].skipped == SKIP_EMPTY


def test_parse_path_on_the_seed_directory_returns_its_three_pages():
    results = parse_path(SEEDS)

    assert [r.page.diary_number if r.page else r.skipped for r in results] == [
        "2020/00152",
        "22-005-S01",
        "2019/00419",
    ]


def test_parse_path_skips_each_news_text_in_a_directory_as_not_a_project_page():
    results = parse_path(NEWS_ITEMS[0].parent)

    assert [r.skipped for r in results] == [SKIP_NOT_PROJECT, SKIP_NOT_PROJECT]


def test_parse_path_on_a_missing_path_raises():
    with pytest.raises(FileNotFoundError):
        parse_path(SEEDS / "finns-inte.txt")


# --- Diary number and name --------------------------------------------------------------------


def test_page_without_diary_number_is_rejected():
    result = parse_file(DATA / "missing_diary_number.txt")

    assert result.page is None
    assert result.rejections == [
        Rejection(
            source=str(DATA / "missing_diary_number.txt"),
            line=None,
            field="Diarienummer",
            value="",
            reason="Diarienummer saknas: sidan har projektfält men inget diarienummer.",
        )
    ]


def test_projektnummer_disagreeing_with_diarienummer_is_rejected():
    fields = with_value(FIELDS_2014, "Projektnummer", "2020/00153")

    rejection = single_rejection(fields)

    assert rejection == Rejection(
        source="test.txt",
        line=value_line(fields, "Projektnummer"),
        field="Projektnummer",
        value="2020/00153",
        reason="Diarienumren stämmer inte överens: Projektnummer anger 2020/00153 "
        "men Diarienummer anger 2020/00152.",
    )


def test_title_disagreeing_with_diarienummer_is_rejected():
    rejection = single_rejection(FIELDS_2014, title="2020/00999 - Fortsatt SLA")

    assert rejection.field == "Rubrik"
    assert rejection.line == 1
    assert rejection.value == "2020/00999 - Fortsatt SLA"
    assert rejection.reason == (
        "Diarienumren stämmer inte överens: Rubriken anger 2020/00999 "
        "men Diarienummer anger 2020/00152."
    )


def test_diary_number_and_name_fall_back_to_the_title_line():
    fields = [f for f in FIELDS_2014 if f[0] not in ("Diarienummer", "Projektnummer", "Namn")]

    page = parsed_page(fields, title="2020/00152 – Fortsatt SLA")

    assert page.diary_number == "2020/00152"
    assert page.name == "Fortsatt SLA"
    assert page.period == "2014-2020"


def test_name_is_split_from_the_title_at_the_first_dash_only():
    fields = [f for f in FIELDS_ESF_PLUS if f[0] != "Namn"]

    page = parsed_page(fields, title="22-005-S01 - Samverkan - Kalmar län (SIA)")

    assert page.name == "Samverkan - Kalmar län (SIA)"


def test_text_before_the_fields_other_than_the_title_is_reported():
    page = parsed_page(FIELDS_2014, title="Projektbanken\n" + TITLE)

    assert page.warnings == ["Text före fälten ignorerades (rad 1): 'Projektbanken'."]


# --- Labels and layout ------------------------------------------------------------------------


def test_labels_in_another_order_give_the_same_page():
    in_order = parsed_page(FIELDS_2014)
    reversed_order = parsed_page(list(reversed(FIELDS_2014)))

    assert reversed_order == in_order


def test_labels_match_regardless_of_case_spacing_and_dash_kind():
    fields = [
        *FIELDS_ESF_PLUS,
        ("SEKUNDÄRTEMA – MOTVERKA BARNFATTIGDOM ", "Ja"),
        ("insats av  strategisk betydelse", "ja"),
        ("Nuts-2 kod", "SE21"),
    ]

    page = parsed_page(fields)

    assert page.child_poverty_theme is True
    assert page.strategic_importance is True
    assert page.nuts_code == "SE21"
    assert page.unknown_labels == {}


def test_label_on_the_same_line_as_its_value_is_read_for_known_labels():
    text = "Diarienummer: 2020/00152\nProjektperiod: 2020-08-17 – 2022-12-31\n\nText."

    page = parse_bytes(text.encode(), source="inline.txt").page

    assert page is not None
    assert page.diary_number == "2020/00152"
    assert page.end_date == date(2022, 12, 31)
    assert page.description == "Text."


def test_unknown_label_is_kept_with_its_value():
    fields = [*FIELDS_2014[:5], ("Kommun", "Kalmar"), *FIELDS_2014[5:]]

    page = parsed_page(fields)

    assert page.unknown_labels == {"Kommun": "Kalmar"}
    assert page.total_budget == 36619373


def test_empty_label_value_leaves_the_field_empty_with_a_warning():
    fields = [*FIELDS_2014[:11], ("Stödmottagarens adress", ""), *FIELDS_2014[11:]]

    page = parsed_page(fields)

    assert page.address == ""
    assert page.postcode == "39127"
    assert page.warnings == ["Fältet 'Stödmottagarens adress' saknar värde."]


def test_empty_numeric_value_is_none_without_rejection():
    fields = [*FIELDS_2014[:7], ("Total projektbudget", ""), *FIELDS_2014[8:]]

    page = parsed_page(fields)

    assert page.total_budget is None
    assert page.esf_grant == 17207538


def test_duplicate_label_with_differing_values_keeps_the_first_and_warns():
    page = parsed_page([*FIELDS_2014, ("Region", "Sydsverige")])

    assert page.region_name == "Småland & Öarna"
    assert page.warnings == [
        "Fältet 'Region' förekommer flera gånger med olika värden; 'Småland & Öarna' används."
    ]


def test_value_spread_over_two_lines_is_joined_with_a_warning():
    text = page_text(FIELDS_2014).replace(
        "Fortsatt SLA\nProjektnummer", "Fortsatt\nSLA\nProjektnummer"
    )

    page = parse_bytes(text.encode(), source="x").page

    assert page is not None
    assert page.name == "Fortsatt SLA"
    assert page.warnings == ["Fältet 'Namn' har ett värde på flera rader; raderna slogs ihop."]


def test_blank_line_between_label_groups_does_not_end_the_field_block():
    text = page_text(FIELDS_2014[:8]).replace("\n\n" + DESCRIPTION, "")
    text += "\n\n" + page_text(FIELDS_2014[8:], title="")

    page = parse_bytes(text.encode(), source="x").page

    assert page is not None
    assert page.esf_grant == 17207538
    assert page.intervention_code == "109"
    assert page.description == DESCRIPTION


def test_short_line_ending_in_colon_inside_the_description_is_not_a_label():
    description = "Projektet startar nu.\n\nMålen är att:\n• fler får arbete"

    page = parsed_page(FIELDS_2014, description=description)

    assert page.unknown_labels == {}
    assert page.description == description


def test_description_boilerplate_at_the_end_is_removed():
    description = (
        "Första stycket.\n\n  Andra   stycket.  \n\nSkriv ut\nSenast uppdaterad: 8 juni 2020"
    )

    page = parsed_page(FIELDS_2014, description=description)

    assert page.description == "Första stycket.\n\nAndra stycket."


def test_page_with_only_generic_labels_is_not_a_project_page():
    text = (
        "Nyhet om ett projekt\n\nKontaktperson:\nAnna Andersson\nE-post:\nanna@example.se\n\nText."
    )

    assert parse_bytes(text.encode(), source="x").skipped == SKIP_NOT_PROJECT


# --- Format detection -------------------------------------------------------------------------


def test_esf_plus_is_detected_from_its_labels_without_a_title():
    page = parsed_page(FIELDS_ESF_PLUS, title="")

    assert page.period == "2021-2027"
    assert page.fund == "ESF+"
    assert page.org_number == "8025185011"
    assert page.owner_name == "KOMMUNFÖRBUNDET KALMAR LÄN"
    assert page.owner_unit == ""


def test_esf_plus_owner_text_is_not_split():
    fields = with_value(FIELDS_ESF_PLUS, "Projektägare", "FÖRENINGEN A, B")

    page = parsed_page(fields)

    assert (page.owner_name, page.owner_unit) == ("FÖRENINGEN A, B", "")


def test_diary_shape_decides_the_period_when_labels_disagree():
    page = parsed_page([*FIELDS_2014, ("Berörd fond", "ESF")])

    assert page.period == "2014-2020"
    assert page.fund == "ESF"
    assert page.warnings == [
        "Fälten liknar programperioden 2021-2027 men diarienumret har formatet för "
        "2014-2020; diarienumret avgör."
    ]


def test_esf_plus_diary_with_2014_labels_is_esf_plus_with_a_warning():
    page = parsed_page([*FIELDS_ESF_PLUS, ("Projektperiod", "2023-02-01 - 2026-01-31")])

    assert page.period == "2021-2027"
    assert page.warnings == [
        "Fälten liknar programperioden 2014-2020 men diarienumret har formatet för "
        "2021-2027; diarienumret avgör."
    ]


# --- Owner ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Kommunförbundet Kalmar län, Kommunförbundet Kalmar län",
            ("Kommunförbundet Kalmar län", ""),
        ),
        (
            "Region Jämtland Härjedalen, Välfärd och klimat",
            ("Region Jämtland Härjedalen", "Välfärd och klimat"),
        ),
        (
            "Malmö stad, Arbetsmarknads-, gymnasie- och vuxenutbildningsförvaltningen",
            ("Malmö stad", "Arbetsmarknads-, gymnasie- och vuxenutbildningsförvaltningen"),
        ),
        ("Stiftelsen A, B, stiftelsen a, b", ("Stiftelsen A, B", "")),
        ("Lunds kommun", ("Lunds kommun", "")),
    ],
)
def test_owner_is_split_at_the_first_comma_and_a_repeated_organisation_has_no_unit(text, expected):
    assert split_owner(text) == expected


# --- Rules across fields ----------------------------------------------------------------------


def test_esf_grant_above_total_budget_is_rejected():
    fields = with_value(FIELDS_2014, "Beviljat ESF-stöd", "40 000 000")

    rejection = single_rejection(fields)

    assert rejection == Rejection(
        "test.txt",
        value_line(fields, "Beviljat ESF-stöd"),
        "Beviljat ESF-stöd",
        "40 000 000",
        "Beviljat stöd (40000000 kr) är större än total projektbudget (36619373 kr).",
    )


def test_project_period_ending_before_it_starts_is_rejected():
    fields = with_value(FIELDS_2014, "Projektperiod", "2022-12-31 - 2020-08-17")

    rejection = single_rejection(fields)

    assert rejection == Rejection(
        "test.txt",
        value_line(fields, "Projektperiod"),
        "Projektperiod",
        "2022-12-31 - 2020-08-17",
        "Slutdatum 2020-08-17 ligger före startdatum 2022-12-31.",
    )


def test_esf_plus_end_date_before_start_date_is_rejected():
    fields = with_value(FIELDS_ESF_PLUS, "Slutdatum", "2022-01-31")

    rejection = single_rejection(fields)

    assert (rejection.field, rejection.value, rejection.reason) == (
        "Slutdatum",
        "2022-01-31",
        "Slutdatum 2022-01-31 ligger före startdatum 2023-02-01.",
    )


def test_long_rejected_value_is_truncated_to_200_characters():
    fields = with_value(FIELDS_2014, "Total projektbudget", "x" * 300)

    assert single_rejection(fields).value == "x" * 200


def test_yes_no_value_that_is_neither_gives_none_and_a_warning():
    page = parsed_page([*FIELDS_ESF_PLUS, ("Insats av strategisk betydelse", "Kanske")])

    assert page.strategic_importance is None
    assert page.warnings == [
        "Fältet 'Insats av strategisk betydelse' har värdet 'Kanske', "
        "förväntade Ja eller Nej; värdet lämnades tomt."
    ]


def test_several_problems_are_all_rejected_together():
    fields = with_value(
        with_value(FIELDS_2014, "Total projektbudget", "12 3x4"), "Projektperiod", "igår"
    )

    result = parse_fields(fields)

    assert {r.field for r in result.rejections} == {"Total projektbudget", "Projektperiod"}
    assert result.page is None
