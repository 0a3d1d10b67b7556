"""The project fields the importers know, declared once: where each is read and where it goes.

One `Field` per `ProjectPage` attribute: the project field it is saved to, how it is saved,
how its text is read, the labels project-bank pages give it and the column headers the list of
operations gives it. The page parser looks labels up here, the CSV parser its headers, and
`save.py` its project fields and the labels its messages use; none of them lists the fields
again. Pure Python: no Django.

Spelling variants seen or expected on the site ("address"/"adress",
"Stödmottagare"/"Stödmottagarens") are listed explicitly rather than matched fuzzily, so that
an unexpected label ends up in `unknown_labels` instead of a field. CSV headers are matched by
either language part of a bilingual header; the first one is the Swedish name messages use when
a file lacks the column.
"""

from dataclasses import dataclass

# How a field is saved.
KEY = "key"
"""Finds the project: the diary number (a 2007–2013 page, which has none, is found by its
address, `source_url`)."""
COPIED = "copied"
"""Written to the project as the source states it (an empty value keeps the registry's)."""
RESOLVED = "resolved"
"""Names a row the project points to: a code-list row or the owner, looked up in the registry."""
DECIDED = "decided"
"""Money and end date: written through a snapshot decision, never directly."""

# How a field's text is read (each parser has its reader for each kind).
TEXT = "text"
"""Text as written, "" when absent."""
OPTIONAL = "optional"
"""Text as written, None when absent."""
CODE = "code"
"""A code-list code, None when absent."""
DIARY = "diary"
AMOUNT = "amount"
COUNT = "count"
RATE = "rate"
DATE = "date"
FLAG = "flag"
"""Ja/Nej."""
ORG_NUMBER = "org_number"
POSTCODE = "postcode"
LONG_TEXT = "long_text"
"""Paragraphs: a page's description, a list's summary (possibly HTML)."""
DERIVED = "derived"
"""Not read from one field: taken from the diary number, the description, or the HTML."""


@dataclass(frozen=True)
class Field:
    """One record attribute: where it is saved, how it is read, what the sources call it."""

    attribute: str
    """The `ProjectPage` attribute."""
    saved_to: str | None = None
    """The project field it is saved to, when it differs from `attribute`; "org_number" is the
    owner's."""
    saving: str | None = None
    """KEY, COPIED, RESOLVED or DECIDED; None for a value that is read but not stored as such
    (the fund and the CCI are checked against the programme, the organisation number finds the
    owner, the date a page states dates its snapshot)."""
    reading: str = TEXT
    page_labels: tuple[str, ...] = ()
    csv_headers: tuple[str, ...] = ()
    label: str | None = None
    """What messages about the project field call it for a page; None: the first page label,
    "": the field is named by another attribute saved to the same project field."""

    @property
    def target(self) -> str:
        """The project field, the key of source labels and of values in messages."""
        return self.saved_to or self.attribute

    @property
    def message_label(self) -> str:
        if self.label is not None:
            return self.label
        return self.page_labels[0] if self.page_labels else ""


# In the order the saver states a project's fields (and a report lists the changed ones).
FIELDS: tuple[Field, ...] = (
    Field(
        "diary_number",
        saving=KEY,
        reading=DIARY,
        page_labels=("Diarienummer", "Projektnummer"),
        csv_headers=("Diarienummer", "Operation ID", "Projektnummer", "Ärendenummer"),
    ),
    Field(
        "programme_cci",
        saved_to="programme",
        page_labels=("Program CCI",),
        csv_headers=("Program CCI", "Programme CCI", "CCI"),
    ),
    # The diary number's shape decides the programme period, hence the programme.
    Field("period", saved_to="programme", saving=RESOLVED, reading=DERIVED),
    Field(
        "name",
        saving=COPIED,
        page_labels=("Namn",),
        csv_headers=(
            "Namn på insatsen",
            "Name of the operation",
            "Operation name",
            "Projektnamn",
            "Namn",
        ),
    ),
    Field(
        "owner_name",
        saved_to="owner",
        saving=RESOLVED,
        page_labels=("Projektägare",),
        csv_headers=("Stödmottagare", "Beneficiary", "Projektägare", "Beneficiary name"),
    ),
    Field(
        "org_number",
        reading=ORG_NUMBER,
        page_labels=("Projektägare organisationsnummer",),
        csv_headers=(
            "Organisationsnummer",
            "Projektägare organisationsnummer",
            "Stödmottagarens organisationsnummer",
            "Beneficiary ID",
            "Organisation number",
        ),
    ),
    # 2014–2020 pages write "Organisation, unit" under Projektägare.
    Field("owner_unit", saving=COPIED, reading=DERIVED, label="Projektägare"),
    # The code goes before the name: a region is found by its NUTS code first.
    Field(
        "nuts_code",
        saved_to="region",
        saving=RESOLVED,
        reading=OPTIONAL,
        page_labels=("NUTS-2 kod", "NUTS-2-kod"),
        csv_headers=("NUTS-2 kod", "NUTS-2 code", "NUTS-kod", "NUTS"),
        label="",
    ),
    Field(
        "region_name",
        saved_to="region",
        saving=RESOLVED,
        reading=OPTIONAL,
        page_labels=("Region",),
        csv_headers=("Region",),
    ),
    # Found from the postcode or the city, after the region (which it may give).
    Field("county_code", saved_to="county", saving=RESOLVED, reading=DERIVED, label="Län"),
    Field(
        "start_date",
        saving=COPIED,
        reading=DATE,
        page_labels=("Startdatum",),
        csv_headers=("Startdatum", "Start date"),
    ),
    Field(
        "end_date",
        saving=DECIDED,
        reading=DATE,
        page_labels=("Slutdatum",),
        csv_headers=("Slutdatum", "End date"),
    ),
    Field(
        "total_budget",
        saving=DECIDED,
        reading=AMOUNT,
        page_labels=("Total projektbudget",),
        csv_headers=("Total projektbudget", "Total budget SEK", "Total budget", "Total cost"),
    ),
    Field(
        "esf_grant",
        saving=DECIDED,
        reading=AMOUNT,
        page_labels=("Beviljat ESF-stöd", "Beviljat ESF+-stöd"),
        csv_headers=(
            "EU-stöd i SEK",
            "EU contribution SEK",
            "EU contribution",
            "Beviljat ESF-stöd",
            "Beviljat ESF+-stöd",
        ),
    ),
    Field(
        "cofinancing_rate",
        saving=COPIED,
        reading=RATE,
        page_labels=("Unionens medfinansieringsgrad",),
        csv_headers=(
            "Unionens medfinansieringsgrad",
            "Union co-financing rate",
            "Medfinansieringsgrad",
        ),
    ),
    Field(
        "programme_area_code",
        saved_to="programme_area",
        saving=RESOLVED,
        reading=CODE,
        page_labels=("Programområde",),
        csv_headers=("Programområde", "Priority", "Prioritering"),
    ),
    Field(
        "specific_objective_code",
        saved_to="specific_objective",
        saving=RESOLVED,
        reading=CODE,
        page_labels=("Specifikt mål",),
        csv_headers=("Specifikt mål", "Specific objective", "Specific objective concerned"),
    ),
    Field(
        "intervention_code",
        saved_to="intervention_field",
        saving=RESOLVED,
        reading=CODE,
        page_labels=("Interventionstyp",),
        csv_headers=(
            "Interventionsområde",
            "Interventionstyp",
            "Intervention field",
            "Type of intervention",
        ),
    ),
    Field(
        "planned_participants",
        saving=COPIED,
        reading=COUNT,
        page_labels=("Planerat antal deltagare", "Antal deltagare"),
        csv_headers=("Antal deltagare", "Planerat antal deltagare", "Participants"),
    ),
    Field(
        "participant_goal",
        saving=COPIED,
        reading=DERIVED,
        label="Deltagarmål (i beskrivningen)",
    ),
    Field("contact_name", saving=COPIED, page_labels=("Kontaktperson",)),
    Field("contact_email", saving=COPIED, page_labels=("E-post",)),
    # Read so that 2007–2013 pages' labels are known, and not stored: the registry keeps no
    # telephone numbers, and a project's status follows from its dates.
    Field("contact_phone", page_labels=("Telefonnummer",)),
    Field("phase", page_labels=("Projektfas",)),
    Field(
        "postcode",
        saving=COPIED,
        reading=POSTCODE,
        page_labels=("Stödmottagare postnr", "Stödmottagarens postnr"),
        csv_headers=("Postnummer", "Stödmottagare postnr", "Postcode"),
    ),
    Field(
        "city",
        saving=COPIED,
        page_labels=("Stödmottagare ort", "Stödmottagarens ort"),
        csv_headers=("Ort", "Projektägare ort", "Stödmottagare ort", "Beneficiary city", "City"),
    ),
    Field(
        "address",
        saving=COPIED,
        page_labels=(
            "Stödmottagarens address",
            "Stödmottagarens adress",
            "Stödmottagare address",
            "Stödmottagare adress",
        ),
        csv_headers=("Adress", "Stödmottagarens adress", "Address"),
        label="Stödmottagarens adress",
    ),
    Field(
        "country",
        saving=COPIED,
        page_labels=("Land som berörs",),
        csv_headers=("Land", "Stödmottagarens land", "Beneficiary country", "Country"),
    ),
    Field(
        "fund",
        page_labels=("Berörd fond",),
        csv_headers=("EU-fond", "EU fund", "Fond", "Fund", "Berörd fond"),
    ),
    Field(
        "child_poverty_theme",
        saving=COPIED,
        reading=FLAG,
        page_labels=("Sekundärtema - Motverka barnfattigdom",),
    ),
    Field(
        "strategic_importance",
        saving=COPIED,
        reading=FLAG,
        page_labels=("Insats av strategisk betydelse",),
    ),
    Field(
        "description",
        saving=COPIED,
        reading=LONG_TEXT,
        csv_headers=("Sammanfattning", "Summary"),
        label="Beskrivning",
    ),
    Field(
        "description_en",
        saving=COPIED,
        reading=LONG_TEXT,
        csv_headers=("Sammanfattning engelsk", "Summary in english", "Summary in English"),
    ),
    Field("source_url", saving=COPIED, reading=DERIVED, label="Källa"),
    Field("as_of", reading=DERIVED, label="Senast uppdaterad"),
)

PERIOD_LABELS = ("Projektperiod",)
"""The 2014–2020 pages' one field for start and end date ("2020-08-17 - 2022-12-31")."""

BY_ATTRIBUTE: dict[str, Field] = {field.attribute: field for field in FIELDS}


def saved_as(*savings: str) -> tuple[str, ...]:
    """The project fields saved in one of these ways, in declaration order, each once."""
    return tuple(dict.fromkeys(f.target for f in FIELDS if f.saving in savings))


STATED = saved_as(COPIED, RESOLVED)
"""The project fields a source states directly or by reference; the saver's order."""
FIGURES = saved_as(DECIDED)
"""The project fields only decisions change: the ESF grant, the budget, the end date."""
COPIED_FIELDS = tuple(field for field in FIELDS if field.saving == COPIED)

PAGE_LABELS: dict[str, str] = {}
"""Project field (or other target) -> the page label messages use for it."""
for _field in FIELDS:
    if _field.message_label:
        PAGE_LABELS.setdefault(_field.target, _field.message_label)

CSV_LABELS: dict[str, str] = {}
"""Project field (or other target) -> the CSV header messages use when a file lacks the column;
the attribute that names the project field in messages goes first (the region's name, not its
NUTS code)."""
for _field in sorted(FIELDS, key=lambda field: not field.message_label):
    if _field.csv_headers:
        CSV_LABELS.setdefault(_field.target, _field.csv_headers[0])
del _field


def source_values(record) -> dict[str, object]:
    """Each target's value as the record states it (the first non-empty one of several
    attributes), for messages about a refused value."""
    found: dict[str, object] = {}
    for field in FIELDS:
        value = getattr(record, field.attribute)
        if found.get(field.target) in (None, ""):
            found[field.target] = value
    return found
