"""The data model: reference data after migrate, identifiers, and constraints in the database."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from projects import validators
from projects.models import (
    InterventionField,
    LegalForm,
    Organisation,
    Programme,
    ProgrammeArea,
    Project,
    Region,
    SpecificObjective,
    legal_form_of,
)
from tests.factories import OrganisationFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def test_migrate_loads_every_reference_list():
    assert set(Programme.objects.values_list("period", "cci")) == {
        ("2007-2013", "2007SE052PO001"),
        ("2014-2020", "2014SE05M9OP001"),
        ("2021-2027", "2021SE05SFPR001"),
    }
    assert set(Region.objects.values_list("code", flat=True)) == {
        "SE11", "SE12", "SE21", "SE22", "SE23", "SE31", "SE32", "SE33", "ESF-Nationellt",
    }  # fmt: skip
    areas = set(ProgrammeArea.objects.values_list("programme__period", "code"))
    assert {("2014-2020", "2"), ("2021-2027", "A"), ("2021-2027", "F")} <= areas
    assert {code for period, code in areas if period == "2007-2013"} == {"1", "2"}
    assert SpecificObjective.objects.filter(code="A2A", programme_area__code="A").exists()
    assert not SpecificObjective.objects.filter(code="5.x").exists()  # placeholder row skipped
    assert InterventionField.objects.filter(programme__period="2014-2020").count() == 22
    assert InterventionField.objects.get(code="140").programme.period == "2021-2027"


def test_regions_know_the_spellings_the_sources_use():
    assert Region.objects.get(aliases__alias="Småland & Öarna").code == "SE21"
    assert Region.objects.get(code="ESF-Nationellt").is_national


def test_names_fall_back_to_the_other_language():
    region = Region.objects.get(code="SE21")
    assert region.name("sv") == "Småland och Öarna"
    assert region.name("en") == "Småland with the islands"
    field = InterventionField.objects.get(code="109")  # the list has only an English name
    assert field.name("sv").startswith("Active inclusion")


@pytest.mark.parametrize("number", ["8025185011", "2120000142", "5560360793"])
def test_luhn_accepts_valid_organisation_numbers(number):
    assert validators.has_valid_check_digit(number)
    validators.validate_org_number(number)


@pytest.mark.parametrize("number", ["8025185012", "2120000143", "1234567890"])
def test_luhn_refuses_a_wrong_check_digit_with_a_swedish_message(number):
    with pytest.raises(ValidationError, match="fel kontrollsiffra"):
        validators.validate_org_number(number)


@pytest.mark.parametrize("number", ["802518501", "80251850111", "80251-85O11", ""])
def test_organisation_number_must_have_ten_digits(number):
    with pytest.raises(ValidationError, match="tio siffror"):
        validators.validate_org_number(number)


def test_organisation_number_is_normalised_from_common_spellings():
    assert validators.normalise_org_number("802518-5011") == "8025185011"
    assert validators.normalise_org_number("16802518-5011") == "8025185011"
    organisation = Organisation(name="Kommunförbundet Kalmar län", org_number="802518-5011")
    organisation.full_clean()
    assert organisation.org_number == "8025185011"
    organisation.org_number = "802518-5012"
    with pytest.raises(ValidationError, match="fel kontrollsiffra"):
        organisation.full_clean()


@pytest.mark.parametrize(
    ("number", "form"),
    [
        ("8025185011", LegalForm.NON_PROFIT),
        ("2120000142", LegalForm.PUBLIC),
        ("5560360793", LegalForm.LIMITED_COMPANY),
        ("7696000000", LegalForm.ECONOMIC_ASSOCIATION),
        ("9696000000", LegalForm.PARTNERSHIP),
        ("8001011234", LegalForm.SOLE_TRADER),  # month-like third digit: a personal number
        (None, LegalForm.UNKNOWN),
    ],
)
def test_legal_form_comes_from_the_first_digit(number, form):
    assert legal_form_of(number) == form


def test_saving_an_organisation_stores_its_legal_form():
    organisation = OrganisationFactory(org_number="8025185011")
    organisation.refresh_from_db()
    assert organisation.legal_form == LegalForm.NON_PROFIT
    assert organisation.get_legal_form_display() == "Ideell förening eller stiftelse"


@pytest.mark.parametrize(
    ("value", "period"),
    [("2020/00152", "2014-2020"), ("2019/00419", "2014-2020"), ("22-005-S01", "2021-2027")],
)
def test_diary_numbers_of_both_periods_are_accepted(value, period):
    validators.validate_diary_number(value)
    assert validators.diary_number_period(value) == period


@pytest.mark.parametrize("value", ["2020/152", "20/00152", "22-5-S01", "22-005-01", "abc", ""])
def test_other_diary_numbers_are_refused_with_the_formats_in_the_message(value):
    with pytest.raises(ValidationError, match="ÅÅÅÅ/NNNNN"):
        validators.validate_diary_number(value)


def test_diary_number_spellings_are_normalised_and_slugged():
    assert validators.normalise_diary_number(" 2020-00152 ") == "2020/00152"
    assert validators.normalise_diary_number("22-005-s01") == "22-005-S01"
    assert ProjectFactory(diary_number="2020/00152").slug == "2020-00152"


def test_project_clean_names_every_invalid_field():
    project = ProjectFactory.build(
        diary_number="22-005-S01",  # ESF+ format on a 2014–2020 project
        start_date=datetime.date(2022, 1, 1),
        end_date=datetime.date(2021, 1, 1),
        total_budget=100,
        esf_grant=101,
        owner=OrganisationFactory(),
    )
    with pytest.raises(ValidationError) as caught:
        project.full_clean()
    errors = caught.value.message_dict
    assert "före startdatum" in errors["end_date"][0]
    assert "överstiga total projektbudget" in errors["esf_grant"][0]
    assert "hör inte till programmet" in errors["diary_number"][0]


def _insert_breaking(**changes):
    """Write a row past every form and model check, straight into the database."""
    project = ProjectFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.filter(pk=project.pk).update(**changes)


@pytest.mark.parametrize(
    "changes",
    [
        {"end_date": datetime.date(2019, 1, 1)},
        {"total_budget": -1},
        {"esf_grant": -5},
        {"esf_grant": 29_815_600},  # one krona above the budget
        {"cofinancing_rate": Decimal("100.01")},
        {"cofinancing_rate": Decimal("-1")},
        {"planned_participants": 10, "participant_goal": 11},
        {"diary_number": "2020/152"},
    ],
    ids=["end-before-start", "negative-budget", "negative-grant", "grant-above-budget",
         "rate-above-100", "negative-rate", "goal-above-participants", "diary-format"],
)  # fmt: skip
def test_database_refuses_rows_that_break_the_invariants(changes):
    _insert_breaking(**changes)


def test_database_refuses_a_duplicate_diary_number():
    first = ProjectFactory(diary_number="2020/00152")
    second = ProjectFactory(diary_number="2020/00153")
    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.filter(pk=second.pk).update(diary_number=first.diary_number)


def test_database_refuses_a_duplicate_organisation_number():
    OrganisationFactory(org_number="8025185011")
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganisationFactory(org_number="8025185011")


def test_organisations_without_a_number_may_be_many():
    OrganisationFactory(org_number=None)
    OrganisationFactory(org_number=None)
    assert Organisation.objects.filter(org_number=None).count() == 2


def test_derived_figures_and_status():
    project = ProjectFactory.build(
        total_budget=36_619_373,
        esf_grant=17_207_538,
        planned_participants=446,
        start_date=datetime.date(2020, 8, 17),
        end_date=datetime.date(2022, 12, 31),
    )
    assert project.esf_share_of_budget == Decimal("47.0")
    assert project.esf_per_participant == 38_582
    assert project.status(datetime.date(2020, 8, 16)) == Project.Status.UPCOMING
    assert project.status(datetime.date(2021, 1, 1)) == Project.Status.ONGOING
    assert project.status(datetime.date(2023, 1, 1)) == Project.Status.FINISHED
