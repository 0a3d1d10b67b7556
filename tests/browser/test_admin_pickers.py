"""On the project form the code pickers offer only the chosen programme's codes."""

import re

import pytest
from playwright.sync_api import expect

from projects.models import InterventionField, Programme, ProgrammeArea, SpecificObjective
from tests.browser.helpers import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def offered(page, name: str) -> set[int]:
    """The rows a caseworker can pick: the options shown and enabled, the empty one left out."""
    values = page.locator(f"#id_{name} option[data-programme]").evaluate_all(
        "options => options.filter(o => !o.hidden && !o.disabled).map(o => o.value)"
    )
    return {int(value) for value in values}


def pks(queryset) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


def test_choosing_a_programme_offers_only_its_codes(page, admin_user):
    older = Programme.objects.get(period="2014-2020")
    newer = Programme.objects.get(period="2021-2027")
    log_in(page)
    page.goto("/admin/projects/project/add/")
    programme = page.get_by_label(re.compile(r"^Program:?$"))

    programme.select_option(str(newer.pk))
    assert offered(page, "programme_area") == pks(ProgrammeArea.objects.filter(programme=newer))
    assert offered(page, "intervention_field") == pks(
        InterventionField.objects.filter(programme=newer)
    )
    assert offered(page, "specific_objective") == pks(
        SpecificObjective.objects.filter(programme_area__programme=newer)
    )

    area = ProgrammeArea.objects.get(programme=newer, code="A")
    page.locator("#id_programme_area").select_option(str(area.pk))
    assert offered(page, "specific_objective") == pks(area.objectives.all())
    page.locator("#id_specific_objective").select_option(str(area.objectives.get(code="A1").pk))

    # another programme rules out the picks made: they are cleared, its own lists offered
    programme.select_option(str(older.pk))
    expect(page.locator("#id_programme_area")).to_have_value("")
    expect(page.locator("#id_specific_objective")).to_have_value("")
    assert offered(page, "programme_area") == pks(ProgrammeArea.objects.filter(programme=older))
    assert offered(page, "intervention_field") == pks(
        InterventionField.objects.filter(programme=older)
    )
    shown_groups = page.locator("#id_programme_area optgroup:not([hidden])").evaluate_all(
        "groups => groups.map(g => g.label)"
    )
    assert shown_groups == ["2014–2020"]
    assert page.locator("#id_programme_area optgroup[hidden]").count() >= 1
