"""Counties and regions for projects already in the registry, from their postcodes and cities."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction

from projects import caching, places
from projects.models import County, Project

from .bulk import ProjectUpdate, update_projects

SOURCE = "fill_counties"


@dataclass
class FillResult:
    counties: Counter = field(default_factory=Counter)  # how: projects given a county
    derived_regions: int = 0
    unplaced: list[str] = field(default_factory=list)  # diary numbers


@transaction.atomic
def fill_counties(*, batch_size: int = 2000) -> FillResult:
    """Give every project without a county the county of its postcode (else its city), and a
    project without a region its county's region; each change recorded in the history and in
    `field_sources`. Projects that have a county are left alone, so a second run does nothing."""
    counties = {county.code: county for county in County.objects.select_related("region")}
    result = FillResult()
    updates = []
    projects = Project.objects.select_for_update().filter(county=None).order_by("id")
    for project in projects.iterator(chunk_size=batch_size):
        placement = places.place(project.postcode, project.city)
        county = counties.get(placement.county or "")
        if county is None:
            result.unplaced.append(project.diary_number)
            continue
        how = places.HOW[placement.how]
        project.county = county
        sources = dict(project.field_sources or {})
        sources["county"] = f"{SOURCE}, från {how}"
        changed = ["county", "field_sources"]
        if project.region_id is None:
            project.region = county.region
            sources["region"] = f"{SOURCE}, härledd från länet ({county.code})"
            changed.append("region")
            result.derived_regions += 1
        project.field_sources = sources
        project._change_reason = f"{SOURCE}: län från {how}"
        result.counties[how] += 1
        updates.append(ProjectUpdate(project, changed))
    if updates:
        update_projects(updates=updates, batch_size=batch_size)
        caching.invalidate()
    return result
