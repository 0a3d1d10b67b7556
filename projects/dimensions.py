"""The registry's code-list dimensions, declared once.

A project is placed in six official code lists: its programme (period), region, county (län),
programme area, specific objective and intervention field. The filters, facets, aggregates,
importers and admin all walk `DIMENSIONS` rather than naming the six themselves, so another list
is added here and everywhere follows.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Dimension:
    """One code list as a project dimension.

    `name` is at once the query parameter, the facet, the project's foreign key and the key in
    aggregates and exports; `code_field` is the value the address carries (the programme's
    period, else the code).
    """

    name: str
    model_name: str
    label: Promise
    code_field: str = "code"
    # Areas, objectives and intervention fields belong to one programme: a project's must be
    # its programme's, and one code may exist in both programmes' lists.
    per_programme: bool = False
    # Short lists show every choice in a facet, even those without projects.
    short: bool = False
    # The facet groups its choices under this relation's name (a county under its region).
    grouped_under: str = ""
    # A facet choice for projects without a row (`?region=none`), and what it is called.
    none_label: Promise | None = None

    @property
    def column(self) -> str:
        """The project's foreign-key column."""
        return f"{self.name}_id"

    @property
    def lookup(self) -> str:
        """The ORM path from a project to the code the address carries."""
        return f"{self.name}__{self.code_field}"

    @property
    def model(self):
        from django.apps import apps

        return apps.get_model("projects", self.model_name)

    def code_of(self, row) -> str:
        return getattr(row, self.code_field)


DIMENSIONS: tuple[Dimension, ...] = (
    Dimension("programme", "Programme", _("Programperiod"), code_field="period", short=True),
    Dimension("region", "Region", _("Region"), short=True, none_label=_("Utan region")),
    Dimension(
        "county",
        "County",
        _("Län"),
        short=True,
        grouped_under="region",
        none_label=_("Utan län"),
    ),
    Dimension("programme_area", "ProgrammeArea", _("Programområde"), per_programme=True),
    Dimension("specific_objective", "SpecificObjective", _("Specifikt mål"), per_programme=True),
    Dimension("intervention_field", "InterventionField", _("Interventionstyp"), per_programme=True),
)
NAMES: tuple[str, ...] = tuple(dimension.name for dimension in DIMENSIONS)
BY_NAME: dict[str, Dimension] = {dimension.name: dimension for dimension in DIMENSIONS}
NONE = "none"
"""The address's value for "no row" in a dimension with a `none_label` (`?county=none`)."""
# The dimensions that belong to a programme, in the order a project's are checked.
PER_PROGRAMME: tuple[str, ...] = tuple(d.name for d in DIMENSIONS if d.per_programme)
