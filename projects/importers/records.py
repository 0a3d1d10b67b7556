"""The records the parsers produce: one project as a source states it, and why one is refused.

Both parsers (project-bank pages, the list of operations) fill the same `ProjectPage`, so that
`save.py` stores either the same way. Pure Python: no Django.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

MAX_VALUE_CHARS = 200
"""A rejected value is cut to this length in the report."""


@dataclass(frozen=True)
class Rejection:
    """Why a record must not be saved, pointing at the offending label and value."""

    source: str
    line: int | None
    field: str
    value: str
    reason: str


@dataclass
class ProjectPage:
    """Everything both sources carry; None or "" where the source lacks it.

    `fields.FIELDS` declares each attribute: the project field it is saved to and the page
    labels and CSV headers it is read from.
    """

    source: str
    period: str = ""
    diary_number: str = ""
    name: str = ""
    owner_name: str = ""
    owner_unit: str = ""
    org_number: str | None = None
    region_name: str | None = None
    nuts_code: str | None = None
    county_code: str | None = None
    """The county's NUTS-3 code: no source states it; the saver finds it from the postcode or
    the city (`projects.places`)."""
    start_date: date | None = None
    end_date: date | None = None
    total_budget: int | None = None
    esf_grant: int | None = None
    cofinancing_rate: Decimal | None = None
    programme_area_code: str | None = None
    specific_objective_code: str | None = None
    intervention_code: str | None = None
    planned_participants: int | None = None
    participant_goal: int | None = None
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    """Read (2007–2013 pages' "Telefonnummer") so that it is a known label; not stored."""
    postcode: str = ""
    city: str = ""
    address: str = ""
    country: str = ""
    fund: str = ""
    programme_cci: str = ""
    child_poverty_theme: bool | None = None
    strategic_importance: bool | None = None
    description: str = ""
    description_en: str = ""
    """The English summary, where the source has one (the list of operations)."""
    source_url: str = ""
    """The page's own address when a saved HTML page names it (canonical link or og:url)."""
    phase: str = ""
    """The 2007–2013 pages' "Projektfas" ("Genomförande", "Avslutat"); not stored: the status
    follows from the dates."""
    as_of: date | None = None
    """The day the page says it was last updated ("Senast uppdaterad: 8 juni 2020"), if any."""
    unknown_labels: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        """What finds the project: its diary number, or its page's address when it has none
        (a 2007–2013 page)."""
        return self.diary_number or self.source_url
