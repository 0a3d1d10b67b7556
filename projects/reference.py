"""Official code lists from `fixtures/reference/*.csv`, loaded by a data migration.

`load(apps)` takes an app registry so that the migration runs it with historical models; it is
idempotent (update_or_create on the natural keys), so running it again refreshes names only.

Each row says where its names were read (`source`) and how sure that reading is (`verified`:
"yes" for an official text or a faithful copy of one, "partial" for an official but short or
adapted wording, or for a secondary copy of an official text that could not be checked against
it, "no" when no name was found). A name not found stays empty, and the code then shows as
`models.missing_name` says.
"""

import csv
from pathlib import Path

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "reference"

PROGRAMME_FIELDS = ("code", "cci", "fund", "first_year", "last_year", "name_sv", "name_en")
"""The columns of `programmes.csv` a Programme row takes (found by its `period`)."""
NATIONAL_REGION = "ESF-Nationellt"


def rows(name: str) -> list[dict[str, str]]:
    with (REFERENCE_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def is_placeholder(code: str) -> bool:
    """The lists mark codes they know exist but could not name as e.g. `5.x`; those are skipped."""
    return code.lower().endswith(".x")


def load(apps) -> None:
    Programme = apps.get_model("projects", "Programme")
    ProgrammeArea = apps.get_model("projects", "ProgrammeArea")
    SpecificObjective = apps.get_model("projects", "SpecificObjective")
    Region = apps.get_model("projects", "Region")
    RegionAlias = apps.get_model("projects", "RegionAlias")
    InterventionField = apps.get_model("projects", "InterventionField")

    programmes = {}
    for row in rows("programmes.csv"):
        programme, _ = Programme.objects.update_or_create(
            period=row["period"], defaults={name: row[name] for name in PROGRAMME_FIELDS}
        )
        programmes[row["period"]] = programme

    areas = {}
    for row in rows("programme_areas.csv"):
        area, _ = ProgrammeArea.objects.update_or_create(
            programme=programmes[row["programme"]],
            code=row["code"],
            defaults={"name_sv": row["name_sv"], "name_en": row["name_en"]},
        )
        areas[(row["programme"], row["code"])] = area

    for row in rows("specific_objectives.csv"):
        if is_placeholder(row["code"]):
            continue
        SpecificObjective.objects.update_or_create(
            programme_area=areas[(row["programme"], row["programme_area"])],
            code=row["code"],
            defaults={"name_sv": row["name_sv"], "name_en": row["name_en"]},
        )

    for row in rows("intervention_fields.csv"):
        InterventionField.objects.update_or_create(
            programme=programmes[row["period"]],
            code=row["code"],
            defaults={
                "name_sv": row["name_sv"],
                "name_en": row["name_en"],
                "group_en": row["group_en"],
            },
        )

    regions = {}
    for row in rows("regions.csv"):
        regions[row["code"]], _ = Region.objects.update_or_create(
            code=row["code"],
            defaults={
                "name_sv": row["name_sv"],
                "name_en": row["name_en"],
                "is_national": row["code"] == NATIONAL_REGION,
            },
        )
    for row in rows("region_aliases.csv"):
        RegionAlias.objects.update_or_create(
            alias=row["alias"], defaults={"region": regions[row["region_code"]]}
        )
    load_counties(apps)


def load_counties(apps) -> None:
    """The 21 counties (län) of `counties.csv`, each in its region; skipped by the migrations
    that run before the county table exists."""
    try:
        County = apps.get_model("projects", "County")
    except LookupError:
        return
    Region = apps.get_model("projects", "Region")
    regions = {region.code: region for region in Region.objects.all()}
    for row in rows("counties.csv"):
        County.objects.update_or_create(
            code=row["code"],
            defaults={
                "region": regions[row["region"]],
                "scb_code": row["scb_code"],
                "name_sv": row["name_sv"],
                "name_en": row["name_en"],
            },
        )
