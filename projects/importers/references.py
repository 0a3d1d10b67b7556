"""The rows a record refers to, loaded once per run: code lists, regions and organisations.

`References` holds the programmes, the code lists of `dimensions.DIMENSIONS` and the regions'
names and aliases; `Organisations` the organisations by number and by name. Rows the run
creates are added with `remember`, so a later record in the same run finds them without a query.
"""

from __future__ import annotations

from collections import defaultdict

from projects.dimensions import DIMENSIONS
from projects.models import (
    County,
    InterventionField,
    Organisation,
    Programme,
    ProgrammeArea,
    Project,
    Region,
    RegionAlias,
    SpecificObjective,
)


def code_key(code: str) -> str:
    """ "A2A" and " a2a " are the same code."""
    return "".join(code.split()).casefold()


def name_key(name: str) -> str:
    """ "Småland & Öarna" and "småland och öarna" are the same region name."""
    return " ".join(name.replace("&", " och ").split()).casefold()


class References:
    """The code lists and regions, loaded once per run; rows created by the run are added."""

    def __init__(self) -> None:
        # Each dimension's model -> its name, e.g. Region -> "region".
        self.relation_of = {dimension.model: dimension.name for dimension in DIMENSIONS}
        self.by_id: dict[tuple[str, int], object] = {}
        self.programmes = {programme.period: programme for programme in Programme.objects.all()}
        for programme in self.programmes.values():
            self.by_id[("programme", programme.pk)] = programme
        self.areas: dict[tuple, ProgrammeArea] = {}
        self.objectives: dict[tuple, SpecificObjective] = {}
        self.objectives_in_programme: dict[tuple, list[SpecificObjective]] = defaultdict(list)
        self.interventions: dict[tuple, InterventionField] = {}
        self.regions: dict[str, Region] = {}
        self.region_names: dict[str, Region] = {}
        self.counties: dict[str, County] = {}
        for area in ProgrammeArea.objects.all():
            self.remember(area)
        for objective in SpecificObjective.objects.select_related("programme_area"):
            self.remember(objective)
        for intervention in InterventionField.objects.all():
            self.remember(intervention)
        regions = {region.pk: region for region in Region.objects.all()}
        for region in regions.values():
            self.remember(region)
        for alias in RegionAlias.objects.all():
            self.region_names.setdefault(name_key(alias.alias), regions[alias.region_id])
        for county in County.objects.all():
            county.region = regions[county.region_id]
            self.remember(county)

    def attach(self, project: Project) -> None:
        """Give a loaded project its reference rows from memory, so that reading them is free."""
        for dimension in DIMENSIONS:
            row = self.by_id.get((dimension.name, getattr(project, dimension.column)))
            if row is not None:
                setattr(project, dimension.name, row)

    def area(self, programme: Programme, code: str) -> ProgrammeArea | None:
        return self.areas.get((programme.pk, code_key(code)))

    def objective(self, area: ProgrammeArea, code: str) -> SpecificObjective | None:
        return self.objectives.get((area.pk, code_key(code))) if area.pk is not None else None

    def objectives_coded(self, programme: Programme, code: str) -> list[SpecificObjective]:
        """The programme's objectives with this code, in any of its areas."""
        return self.objectives_in_programme.get((programme.pk, code_key(code)), [])

    def intervention(self, programme: Programme, code: str) -> InterventionField | None:
        return self.interventions.get((programme.pk, code_key(code)))

    def region_coded(self, code: str) -> Region | None:
        return self.regions.get(code_key(code)) if code else None

    def region_named(self, name: str) -> Region | None:
        """By Swedish or English name, code or alias; "&" reads as "och"."""
        return self.region_names.get(name_key(name)) if name else None

    def county_coded(self, code: str | None) -> County | None:
        """By NUTS-3 code (SE213)."""
        return self.counties.get(code_key(code)) if code else None

    def remember(self, row) -> None:
        self.by_id[(self.relation_of[type(row)], row.pk)] = row
        key = code_key(row.code)
        if isinstance(row, ProgrammeArea):
            self.areas[(row.programme_id, key)] = row
        elif isinstance(row, SpecificObjective):
            self.objectives[(row.programme_area_id, key)] = row
            area = row.programme_area
            self.objectives_in_programme[(area.programme_id, key)].append(row)
        elif isinstance(row, InterventionField):
            self.interventions[(row.programme_id, key)] = row
        elif isinstance(row, County):
            self.counties[key] = row
        elif isinstance(row, Region):
            self.regions[key] = row
            for name in (row.code, row.name_sv, row.name_en):
                if name:
                    self.region_names.setdefault(name_key(name), row)


class Organisations:
    """Organisations by number and by name, loaded once; the run's new ones are added."""

    def __init__(self) -> None:
        self.by_number: dict[str, Organisation] = {}
        self.by_name: dict[str, list[Organisation]] = defaultdict(list)
        for organisation in Organisation.objects.order_by("id"):
            self.remember(organisation)

    def remember(self, organisation: Organisation) -> None:
        if organisation.org_number:
            self.by_number[organisation.org_number] = organisation
        if not organisation.is_demo:
            names = self.by_name[name_key(organisation.name)]
            if organisation not in names:
                names.append(organisation)

    def numbered(self, organisation: Organisation) -> None:
        """A number was added to an organisation already known by name."""
        self.by_number[organisation.org_number] = organisation

    def find(self, name: str, number: str | None) -> tuple[Organisation | None, str | None]:
        """(organisation, None), or (numberless organisation, number to add), or (None, None)."""
        same_name = self.by_name.get(name_key(name), []) if name else []
        without_number = [org for org in same_name if not org.org_number]
        if number:
            if number in self.by_number:
                return self.by_number[number], None
            if len(without_number) == 1:
                return without_number[0], number
            return None, None
        if without_number:
            return without_number[0], None
        with_number = [org for org in same_name if org.org_number]
        return (with_number[0], None) if len(with_number) == 1 else (None, None)
