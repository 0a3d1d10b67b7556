"""The project form's code pickers offer the project's programme's codes first, grouped."""

import lxml.html
import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from projects.models import InterventionField, Programme, ProgrammeArea, SpecificObjective
from projects.permissions import CASEWORKER
from tests.factories import ProjectFactory, UserFactory
from tests.test_admin import project_form

pytestmark = pytest.mark.django_db

PICKERS = ["programme_area", "specific_objective", "intervention_field"]


@pytest.fixture
def caseworker_client(client):
    user = UserFactory()
    user.groups.add(Group.objects.get(name=CASEWORKER))
    client.force_login(user)
    return client


def picker(response, name: str):
    return lxml.html.fromstring(response.content.decode()).get_element_by_id(f"id_{name}")


def groups(select) -> list[str]:
    return [group.get("label") for group in select.iter("optgroup")]


def programme_2021() -> Programme:
    return Programme.objects.get(period="2021-2027")


@pytest.mark.parametrize("name", PICKERS)
def test_the_pickers_are_selects_rather_than_autocomplete(caseworker_client, name):
    project = ProjectFactory()
    response = caseworker_client.get(reverse("admin:projects_project_change", args=[project.pk]))
    select = picker(response, name)
    assert select.tag == "select"
    assert "admin-autocomplete" not in (select.get("class") or "")
    assert select.get("data-programme") == str(project.programme_id)


@pytest.mark.parametrize("period", ["2014-2020", "2021-2027"])
def test_the_change_form_lists_the_projects_programme_first(caseworker_client, period):
    programme = Programme.objects.get(period=period)
    diary = "2020/00152" if period == "2014-2020" else "22-005-S01"
    project = ProjectFactory(
        diary_number=diary,
        programme=programme,
        programme_area=ProgrammeArea.objects.filter(programme=programme).first(),
    )
    response = caseworker_client.get(reverse("admin:projects_project_change", args=[project.pk]))
    label = programme.get_period_display()
    for name in ("programme_area", "intervention_field"):
        assert groups(picker(response, name))[0] == label, name
    assert groups(picker(response, "specific_objective"))[0].startswith(label + ", ")
    selected = picker(response, "programme_area").xpath(".//option[@selected]")
    assert [option.get("value") for option in selected] == [str(project.programme_area_id)]


def test_the_add_form_lists_the_programme_being_entered_first(caseworker_client):
    url = reverse("admin:projects_project_add")
    periods = [
        programme.get_period_display()
        for programme in Programme.objects.filter(areas__isnull=False).distinct()
    ]
    assert periods[-1] == "2021–2027"  # oldest first
    fresh = picker(caseworker_client.get(url), "programme_area")
    assert groups(fresh) == periods
    assert fresh.get("data-programme") is None

    # a form sent back with an error keeps the programme the caseworker chose first
    data = project_form(programme=programme_2021().pk, diary_number="22-005-S01", name="")
    sent_back = picker(caseworker_client.post(url, data), "programme_area")
    assert groups(sent_back) == ["2021–2027", *periods[:-1]]


@pytest.mark.parametrize(
    ("name", "model", "programme_of"),
    [
        ("programme_area", ProgrammeArea, "programme_id"),
        ("specific_objective", SpecificObjective, "programme_area__programme_id"),
        ("intervention_field", InterventionField, "programme_id"),
    ],
)
def test_every_option_names_its_programme_for_the_script(
    caseworker_client, name, model, programme_of
):
    response = caseworker_client.get(reverse("admin:projects_project_add"))
    options = picker(response, name).xpath(".//option[@value!='']")
    expected = {
        str(pk): str(programme) for pk, programme in model.objects.values_list("pk", programme_of)
    }
    assert {option.get("value"): option.get("data-programme") for option in options} == expected
    # each group holds one programme's codes only
    for group in picker(response, name).iter("optgroup"):
        assert len({option.get("data-programme") for option in group.iter("option")}) == 1


def test_objectives_are_grouped_by_their_area(caseworker_client):
    response = caseworker_client.get(reverse("admin:projects_project_add"))
    select = picker(response, "specific_objective")
    area_a = ProgrammeArea.objects.get(programme=programme_2021(), code="A")
    group = next(
        g for g in select.iter("optgroup") if g.get("label") == "2021–2027, programområde A"
    )
    assert {option.get("data-area") for option in group.iter("option")} == {str(area_a.pk)}
    codes = {option.text.split(" ")[0] for option in group.iter("option")}
    assert {"A1", "A2"} <= codes


def test_rendering_a_picker_is_one_query(caseworker_client, django_assert_num_queries):
    project = ProjectFactory()
    response = caseworker_client.get(reverse("admin:projects_project_change", args=[project.pk]))
    form = response.context["adminform"].form
    for name in PICKERS:
        # the code list with its programme (and area) joined, however many groups it has
        with django_assert_num_queries(1):
            str(form[name])


def test_a_code_of_another_programme_sent_anyway_is_refused_on_its_field(caseworker_client):
    """Without the script a wrong pick can still be sent; the model refuses it on the field."""
    other = ProgrammeArea.objects.get(programme=programme_2021(), code="A")
    response = caseworker_client.post(
        reverse("admin:projects_project_add"), project_form(programme_area=other.pk)
    )
    errors = response.context["adminform"].form.errors
    assert "hör till ett annat program" in " ".join(errors["programme_area"])
