"""Reading one value (`importers/values.py`): diary numbers, amounts, counts, rates, dates,
postcodes and organisation numbers, as pages state them and directly."""

import re
from datetime import date
from decimal import Decimal

import pytest

from projects.importers import values
from projects.importers.records import Rejection
from projects.importers.values import (
    AMOUNT_REASON,
    COUNT_REASON,
    DIARY_REASON,
    NEGATIVE_AMOUNT_REASON,
)
from tests.projectbank_pages import (
    FIELDS_2014,
    FIELDS_ESF_PLUS,
    parsed_page,
    single_rejection,
    value_line,
    with_value,
)

# --- Diary number -----------------------------------------------------------------------------


def test_dashed_2014_diary_number_is_normalised():
    fields = with_value(with_value(FIELDS_2014, "Diarienummer", "2020-00152"), "Projektnummer", "")

    page = parsed_page(fields)

    assert page.diary_number == "2020/00152"
    assert page.period == "2014-2020"


def test_lowercase_esf_plus_diary_number_is_normalised():
    page = parsed_page(with_value(FIELDS_ESF_PLUS, "Diarienummer", "22-005-s01"), title="")

    assert page.diary_number == "22-005-S01"


def test_diary_number_of_unknown_shape_is_rejected_with_the_accepted_formats():
    fields = with_value(FIELDS_2014, "Diarienummer", "2020/152")

    rejection = single_rejection(fields, title="Fortsatt SLA")

    assert rejection.field == "Diarienummer"
    assert rejection.value == "2020/152"
    assert rejection.line == value_line(fields, "Diarienummer")
    assert rejection.reason == DIARY_REASON
    assert "ÅÅÅÅ/NNNNN" in DIARY_REASON and "ÅÅ-NNN-SNN" in DIARY_REASON


# --- Numbers, amounts and rates ---------------------------------------------------------------


@pytest.mark.parametrize(
    "amount",
    [
        "36 619 373",
        "36 619 373 kr",
        "36\u00a0619\u00a0373",
        "36\u2009619\u2009373",
        "36\u202f619\u202f373 kr",
        "36.619.373",
        "36619373",
        "36 619 373 SEK",
        "36 619 373 kronor",
    ],
)
def test_amount_formats_are_read_as_whole_kronor(amount):
    page = parsed_page(with_value(FIELDS_2014, "Total projektbudget", amount))

    assert page.total_budget == 36619373


@pytest.mark.parametrize("amount", ["12 3x4", "36,5", "1 23 456", "36 619.373", "ca 5 miljoner"])
def test_amount_that_is_not_a_whole_number_is_rejected(amount):
    fields = with_value(FIELDS_2014, "Total projektbudget", amount)

    rejection = single_rejection(fields)

    assert rejection == Rejection(
        "test.txt",
        value_line(fields, "Total projektbudget"),
        "Total projektbudget",
        amount,
        AMOUNT_REASON,
    )


def test_negative_amount_is_rejected():
    fields = with_value(FIELDS_2014, "Beviljat ESF-stöd", "-5 000")

    rejection = single_rejection(fields)

    assert (rejection.field, rejection.value, rejection.reason) == (
        "Beviljat ESF-stöd",
        "-5 000",
        NEGATIVE_AMOUNT_REASON,
    )


def test_participant_count_must_be_a_whole_number():
    fields = with_value(FIELDS_2014, "Planerat antal deltagare", "ca 400")

    rejection = single_rejection(fields)

    assert (rejection.field, rejection.value, rejection.reason) == (
        "Planerat antal deltagare",
        "ca 400",
        COUNT_REASON,
    )


@pytest.mark.parametrize(
    ("rate", "expected"),
    [
        ("50%", "50"),
        ("50 %", "50"),
        ("49,5 %", "49.5"),
        ("49.5%", "49.5"),
        ("0 %", "0"),
        ("100%", "100"),
        ("60 procent", "60"),
    ],
)
def test_cofinancing_rate_formats(rate, expected):
    page = parsed_page(with_value(FIELDS_2014, "Unionens medfinansieringsgrad", rate))

    assert page.cofinancing_rate == Decimal(expected)


@pytest.mark.parametrize(
    ("rate", "reason"),
    [
        ("150 %", "Ogiltig medfinansieringsgrad: måste vara mellan 0 och 100 %."),
        ("-5 %", "Ogiltig medfinansieringsgrad: måste vara mellan 0 och 100 %."),
        ("hälften", "Ogiltig medfinansieringsgrad: förväntade procent, t.ex. 50 % eller 49,5 %."),
    ],
)
def test_cofinancing_rate_outside_0_to_100_or_unreadable_is_rejected(rate, reason):
    fields = with_value(FIELDS_2014, "Unionens medfinansieringsgrad", rate)

    rejection = single_rejection(fields)

    assert (rejection.field, rejection.value, rejection.reason) == (
        "Unionens medfinansieringsgrad",
        rate,
        reason,
    )


def test_postcode_with_a_space_is_compacted():
    page = parsed_page(with_value(FIELDS_2014, "Stödmottagare postnr", "391 27"))

    assert page.postcode == "39127"


# --- Dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "period",
    [
        "2020-08-17 - 2022-12-31",
        "2020-08-17 – 2022-12-31",
        "2020-08-17 -- 2022-12-31",
        "2020-08-17–2022-12-31",
    ],
)
def test_project_period_separators(period):
    page = parsed_page(with_value(FIELDS_2014, "Projektperiod", period))

    assert (page.start_date, page.end_date) == (date(2020, 8, 17), date(2022, 12, 31))


def test_date_that_does_not_exist_is_rejected():
    fields = with_value(FIELDS_ESF_PLUS, "Startdatum", "2023-02-30")

    rejection = single_rejection(fields)

    assert (rejection.field, rejection.value, rejection.reason) == (
        "Startdatum",
        "2023-02-30",
        "Ogiltigt datum: 2023-02-30 finns inte i kalendern.",
    )


@pytest.mark.parametrize(
    ("label", "value", "reason"),
    [
        ("Startdatum", "1 februari 2023", "Ogiltigt datum: förväntade ÅÅÅÅ-MM-DD."),
        ("Slutdatum", "20260131", "Ogiltigt datum: förväntade ÅÅÅÅ-MM-DD."),
    ],
)
def test_date_not_in_iso_form_is_rejected(label, value, reason):
    rejection = single_rejection(with_value(FIELDS_ESF_PLUS, label, value))

    assert (rejection.field, rejection.value, rejection.reason) == (label, value, reason)


def test_unreadable_project_period_is_rejected():
    fields = with_value(FIELDS_2014, "Projektperiod", "2020-08-17 till 2022-12-31")

    rejection = single_rejection(fields)

    assert (rejection.field, rejection.value, rejection.reason) == (
        "Projektperiod",
        "2020-08-17 till 2022-12-31",
        "Ogiltig projektperiod: förväntade ÅÅÅÅ-MM-DD - ÅÅÅÅ-MM-DD.",
    )


# --- Organisation number ----------------------------------------------------------------------


@pytest.mark.parametrize("number", ["8025185011", "802518-5011", "802518 5011", "16802518-5011"])
def test_org_number_is_normalised_to_ten_digits(number):
    page = parsed_page(with_value(FIELDS_ESF_PLUS, "Projektägare organisationsnummer", number))

    assert page.org_number == "8025185011"


def test_org_number_with_wrong_check_digit_is_rejected():
    fields = with_value(FIELDS_ESF_PLUS, "Projektägare organisationsnummer", "802518-5012")

    rejection = single_rejection(fields)

    assert rejection == Rejection(
        "test.txt",
        value_line(fields, "Projektägare organisationsnummer"),
        "Projektägare organisationsnummer",
        "802518-5012",
        "Ogiltigt organisationsnummer: kontrollsiffran stämmer inte (Luhn-kontroll).",
    )


def test_org_number_with_wrong_length_is_rejected():
    fields = with_value(FIELDS_ESF_PLUS, "Projektägare organisationsnummer", "802518-501")

    rejection = single_rejection(fields)

    assert (rejection.field, rejection.value, rejection.reason) == (
        "Projektägare organisationsnummer",
        "802518-501",
        "Ogiltigt organisationsnummer: förväntade 10 siffror, t.ex. 802518-5011.",
    )


# --- The parsers directly -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "spelling",
    [
        "8025185011",
        "802518-5011",
        "802518 5011",
        "802518\u00a05011",
        "802518\u20135011",
        "802518\u20105011",
        "16802518-5011",
        " 16 802518 5011 ",
    ],
)
def test_parse_org_number_accepts_the_spellings_sources_use(spelling):
    assert values.parse_org_number(spelling) == "8025185011"


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("802518-5012", values.ORG_NUMBER_CHECK_REASON),
        ("5560360794", values.ORG_NUMBER_CHECK_REASON),
        ("802518-501", values.ORG_NUMBER_LENGTH_REASON),
        ("17802518-5011", values.ORG_NUMBER_LENGTH_REASON),
        ("802518.5011", values.ORG_NUMBER_LENGTH_REASON),
        (
            "\uff18\uff10\uff12\uff15\uff11\uff18\uff15\uff10\uff11\uff11",
            values.ORG_NUMBER_LENGTH_REASON,
        ),
    ],
)
def test_parse_org_number_refuses_wrong_check_digits_and_lengths(number, reason):
    with pytest.raises(values.InvalidValue, match=re.escape(reason)):
        values.parse_org_number(number)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2020/00152", ("2020/00152", "2014-2020")),
        ("2020-00152", ("2020/00152", "2014-2020")),
        (" 2020 / 00152 ", ("2020/00152", "2014-2020")),
        ("22-005-s01", ("22-005-S01", "2021-2027")),
    ],
)
def test_parse_diary_number_normalises_and_names_the_period(written, expected):
    assert values.parse_diary_number(written) == expected


@pytest.mark.parametrize("written", ["2020/152", "1999/00152", "22-05-S01", "22-005-X01", ""])
def test_parse_diary_number_refuses_other_shapes(written):
    with pytest.raises(values.InvalidValue, match=re.escape(DIARY_REASON)):
        values.parse_diary_number(written)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Senast uppdaterad: 8 juni 2020", date(2020, 6, 8)),
        ("senast uppdaterad 2020-06-08", date(2020, 6, 8)),
        ("Senast uppdaterad: 31 februari 2020", None),
        ("Senast uppdaterad: 8 juno 2020", None),
        ("Uppdaterad 8 juni 2020", None),
    ],
)
def test_parse_updated_reads_the_date_a_page_was_last_updated(text, expected):
    assert values.parse_updated(text) == expected


@pytest.mark.parametrize(
    ("written", "expected"),
    [("391 27", "39127"), ("391\u00a027", "39127"), ("39127", "39127"), ("Box 12", "Box 12")],
)
def test_postcode_compacts_five_digits_and_keeps_other_text(written, expected):
    assert values.postcode(written) == expected
