"""The dashboard's numbers: a few grouped queries over a filtered set of projects.

Every per-project sum and count happens in the database, in five GROUP BY queries (plus one
that names the top organisations), so the dashboard runs the same queries for ten projects as
for a million. Each scan of the project table costs more than anything else the page does, so
each query groups by several columns at once and Python only reshapes the small result, the way
pretix's `order_overview` adds variation rows up to item totals:

- `portfolio_rows`: the measures per combination of the code-list dimensions. The key figures,
  the region, county, programme-area, objective and intervention tables and the filter panel's
  counts are roll-ups of it (`rollup`): on PostgreSQL the database adds the combinations up into
  each roll-up (`GROUPINGS`) in the same query; on SQLite Python does.
- `year_rows`: one row per (programme, start year, end year) — the ESF grant per start year
  and the number of projects running in each year come from it.
- `distribution_rows`: one row per (size bucket, co-financing rate) — the size distribution
  and the exact median rate (from the frequency of each rate, so no percentile function is
  needed and SQLite and PostgreSQL give the same answer). On PostgreSQL `shape_rows` gives
  these and `year_rows` in one pass; when the years', sizes' and rates' roll-ups answer the
  filter it reads them instead (then a distribution row has a bucket or a rate, not both).
- `decision_year_rows`: net ESF grant decided per year, from the decisions (or their roll-up).
- `top_organisations`: the largest owners by ESF grant, then their names by primary key
  (grouping by owner id alone avoids joining 100 000 rows to the organisation table).

About the incoming queryset: it is ordered (the list's sort), may be DISTINCT (django-filter's
multiple-choice filters), and on PostgreSQL a text search adds a `search_rank` annotation.
`.values(...)` before `.annotate(...)` makes the GROUP BY exactly the listed columns and the
trailing `.order_by(...)` replaces the sort, so none of these ends up in the GROUP BY.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Cast
from django.utils import timezone

from . import caching, dimensions, queries, rollups
from .models import (
    PAGE_COLUMNS,
    Decision,
    Organisation,
    OwnerTotalRollup,
    PageProject,
    Project,
    Year,
)
from .queries import ReferenceLists, grouping_sets

# Cost per participant needs both numbers: projects without participants (or grant) are left
# out of it and counted, so the page can say how many.
WITH_PARTICIPANTS = Q(planned_participants__gt=0, esf_grant__isnull=False)
# ESF share of budget over the projects whose grant and budget are both known: ESF+ pages omit
# the budget, and counting their grant against nothing would inflate the share.
WITH_BUDGET = Q(esf_grant__isnull=False, total_budget__gt=0)

# The additive measures every portfolio row carries; a roll-up is the sum of its rows'. They
# count `*` or a column the filter makes non-null, never `id`: then every column they read is in
# project_portfolio_idx and PostgreSQL sums from that index alone.
MEASURES = {
    "projects": Count("*"),
    "esf_grant_sum": Sum("esf_grant", default=0),
    "total_budget_sum": Sum("total_budget", default=0),
    "budget_known": Count("total_budget"),
    "participants_sum": Sum("planned_participants", default=0),
    "participant_goal_sum": Sum("participant_goal", default=0),
    "with_participants": Count("planned_participants", filter=WITH_PARTICIPANTS),
    "grant_with_participants": Sum("esf_grant", filter=WITH_PARTICIPANTS, default=0),
    "participants_with_grant": Sum("planned_participants", filter=WITH_PARTICIPANTS, default=0),
    "with_budget": Count("total_budget", filter=WITH_BUDGET),
    "grant_with_budget": Sum("esf_grant", filter=WITH_BUDGET, default=0),
    "budget_with_grant": Sum("total_budget", filter=WITH_BUDGET, default=0),
}
PORTFOLIO_KEYS = list(dimensions.NAMES)
# Beside the measures, each portfolio row counts its projects per status (as of the page's day)
# and its demo projects: the summary of the set (`portfolio_summary`) is then the totals row,
# without a pass of its own.
STATUS_COUNTS = (*Project.Status.values, "demo")
PORTFOLIO_SUMS = (*MEASURES, *STATUS_COUNTS)


# Project sizes by ESF grant in kronor, [low, high); the last bucket is open-ended.
SIZE_BUCKETS: list[tuple[int, int | None]] = [
    (0, 1_000_000),
    (1_000_000, 5_000_000),
    (5_000_000, 10_000_000),
    (10_000_000, 25_000_000),
    (25_000_000, 50_000_000),
    (50_000_000, None),
]
UNKNOWN_SIZE = -1
TOP_ORGANISATIONS = 15


def _plain(projects: QuerySet[Project]) -> QuerySet[Project]:
    """The filtered set without the list's sort."""
    return projects.order_by()


# --- the queries ---------------------------------------------------------------------------
def _sorted(rows: QuerySet, keys: Sequence[str]) -> list[dict]:
    """The grouped rows in key order, NULLs last, sorted here rather than by the database.

    An ORDER BY on a GROUP BY makes PostgreSQL's planner, which cannot tell that a CASE or a
    rate has few distinct values, sort every project (on disk at 100 000) to group them; without
    it, it hashes them: the size distribution took 496 ms sorted and 69 ms hashed.
    """
    return _in_key_order(rows.order_by(), keys)


def _in_key_order(rows: Iterable[Mapping], keys: Sequence[str]) -> list:
    return sorted(rows, key=lambda row: [(row[key] is None, row[key] or 0) for key in keys])


# The roll-ups the dashboard and its filter panel read of the portfolio: the totals, each
# dimension alone, and the per-programme tables (area, objective within area, intervention).
GROUPINGS: tuple[tuple[str, ...], ...] = (
    (),
    *((name,) for name in PORTFOLIO_KEYS),
    ("programme", "programme_area"),
    ("programme", "programme_area", "specific_objective"),
    ("programme", "intervention_field"),
)


def portfolio_rows(
    projects: QuerySet[Project], *, today: datetime.date | None = None
) -> list[dict]:
    """The measures and `STATUS_COUNTS` (status as of `today`) per combination of the
    code-list dimensions.

    SQLite: one GROUP BY over every dimension; `rollup` adds its rows up in Python.
    PostgreSQL: the same GROUP BY, added up by the database into each of `GROUPINGS` (GROUPING
    SETS over the grouped rows), so Python receives a few hundred rows, each naming its
    grouping, instead of one per combination (tens of thousands at a million projects).
    """
    if rollups.is_portfolio(projects):  # a roll-up's rows (`queries.counted`), as of today
        sums = {**rollups.measures(), **rollups.aliased(rollups.status_counts())}
        fine = projects.order_by().values(**rollups.keys()).annotate(**sums)
    else:
        counts = queries.status_counts(today or timezone.localdate())
        fine = _plain(projects).values(*PORTFOLIO_KEYS).annotate(**MEASURES, **counts)
    if connection.vendor != "postgresql":
        return [rollups.unaliased(row) for row in _sorted(fine, PORTFOLIO_KEYS)]
    positions = {name: index for index, name in enumerate(PORTFOLIO_KEYS)}
    grouped = grouping_sets(
        fine,
        keys=len(PORTFOLIO_KEYS),
        sets=[tuple(positions[name] for name in grouping) for grouping in GROUPINGS],
        values=len(PORTFOLIO_SUMS),
        # The grouped rows' SUMs are numeric in PostgreSQL; summed again as bigint (which
        # they fit) rather than numeric: the unfiltered dashboard's pass 95 → 61 ms at 100 000.
        aggregates=[f"SUM(v{index}::bigint)::bigint" for index in range(len(PORTFOLIO_SUMS))],
    )
    result = []
    for kept, keys, sums in grouped:
        row = dict(zip(PORTFOLIO_KEYS, keys, strict=True))
        row.update(zip(PORTFOLIO_SUMS, sums, strict=True))
        row["grouping"] = tuple(PORTFOLIO_KEYS[index] for index in kept)
        result.append(row)
    if not any(row["grouping"] == () and row["projects"] for row in result):
        return []  # the () set gives its row even for an empty set
    return _in_key_order(result, PORTFOLIO_KEYS)


def year_rows(projects: QuerySet[Project]) -> list[dict]:
    """Projects and ESF grant per (programme, start year, end year): one GROUP BY."""
    return _sorted(
        _plain(projects)
        .values("programme", start_year=Year("start_date"), end_year=Year("end_date"))
        .annotate(projects=Count("*"), esf_grant_sum=Sum("esf_grant", default=0)),
        ["programme", "start_year", "end_year"],
    )


def size_bucket() -> Case:
    """CASE expression: the index in SIZE_BUCKETS of the project's ESF grant, -1 if unknown."""
    whens = []
    for index, (low, high) in enumerate(SIZE_BUCKETS):
        bounds = (
            Q(esf_grant__gte=low) if high is None else Q(esf_grant__gte=low, esf_grant__lt=high)
        )
        whens.append(When(bounds, then=Value(index)))
    return Case(*whens, default=Value(UNKNOWN_SIZE), output_field=IntegerField())


def distribution_rows(projects: QuerySet[Project]) -> list[dict]:
    """Projects and ESF grant per (size bucket, co-financing rate): one GROUP BY."""
    return _sorted(
        _plain(projects)
        .values(bucket=size_bucket(), rate=F("cofinancing_rate"))
        .annotate(projects=Count("*"), esf_grant_sum=Sum("esf_grant", default=0)),
        ["bucket", "rate"],
    )


def shape_rows(
    projects: QuerySet[Project], shaped: Mapping[str, QuerySet] | None = None
) -> tuple[list[dict], list[dict]]:
    """`year_rows` and `distribution_rows` of the set: from the years', sizes' and rates'
    roll-ups when they answer the filter (`shaped`, `rollups.shapes`); else on PostgreSQL in one
    pass (GROUPING SETS over (programme, start year, end year) and (size bucket, rate)), else
    in two GROUP BYs."""
    if shaped is not None:
        return _rolled_shape(shaped["years"], shaped["sizes"], shaped["rates"])
    if connection.vendor != "postgresql":
        return year_rows(projects), distribution_rows(projects)
    grouped = grouping_sets(
        _plain(projects).values_list(
            "programme",
            Year("start_date"),
            Year("end_date"),
            size_bucket(),
            "cofinancing_rate",
            "esf_grant",
        ),
        keys=5,
        sets=[(0, 1, 2), (3, 4)],
        values=1,
        aggregates=["COUNT(*)", "COALESCE(SUM(v0), 0)::bigint"],
    )
    years, distribution = [], []
    for kept, keys, (count, grant) in grouped:
        if kept == (0, 1, 2):
            programme, start, end = keys[:3]
            years.append(
                {
                    "programme": programme,
                    "start_year": int(start),
                    "end_year": int(end),
                    "projects": count,
                    "esf_grant_sum": grant,
                }
            )
        else:
            bucket, rate = keys[3:]
            distribution.append(
                {"bucket": bucket, "rate": rate, "projects": count, "esf_grant_sum": grant}
            )
    return (
        _in_key_order(years, ["programme", "start_year", "end_year"]),
        _in_key_order(distribution, ["bucket", "rate"]),
    )


def _rolled_shape(years: QuerySet, sizes: QuerySet, rates: QuerySet) -> tuple[list, list]:
    """`shape_rows` from the roll-ups' rows: one query, the UNION ALL of three small GROUP
    BYs. The distribution's rows are (bucket, None) per size bucket and (None, rate) per rate:
    what `size_distribution` and `median_rate` read of it, which never need the two together."""
    sums = {"projects": Sum("projects"), "esf_grant_sum": Sum("esf_grant_sum")}
    zero = Value(0)
    parts = [
        years.values(kind=Value(0), a=F("programme_key"), b=F("start_year"), c=F("end_year")),
        sizes.values(kind=Value(1), a=F("size_bucket"), b=zero, c=zero),
        # the rate in hundredths, so that every part's columns are integers
        rates.values(kind=Value(2), a=Cast(F("rate") * 100, IntegerField()), b=zero, c=zero),
    ]
    grouped = [part.order_by().annotate(**sums) for part in parts]
    year_rows, distribution = [], []
    for row in grouped[0].union(*grouped[1:], all=True):
        summed = {"projects": int(row["projects"]), "esf_grant_sum": int(row["esf_grant_sum"])}
        if row["kind"] == 0:
            programme = row["a"] or None
            year_rows.append(
                {"programme": programme, "start_year": row["b"], "end_year": row["c"], **summed}
            )
        elif row["kind"] == 1:
            distribution.append({"bucket": row["a"], "rate": None, **summed})
        else:
            rate = (Decimal(row["a"]) / 100).quantize(Decimal("0.01"))
            unknown = rate == rollups.UNKNOWN_RATE
            distribution.append({"bucket": None, "rate": None if unknown else rate, **summed})
    return (
        _in_key_order(year_rows, ["programme", "start_year", "end_year"]),
        _in_key_order(distribution, ["bucket", "rate"]),
    )


def decision_years(projects: QuerySet[Project]) -> QuerySet:
    """The GROUP BY of `decision_year_rows`. On PostgreSQL both sides are read from covering
    indexes (the matching projects' ids from project_portfolio_idx, their dated decisions from
    decision_project_money_idx), so a filtered set costs no heap reads; `Count("*")`, since a
    count of ids would need the decisions' rows."""
    decisions = Decision.objects.filter(decided_on__isnull=False)
    if projects.model is not Project or projects.query.has_filters():
        # Unfiltered, every decision counts and the semi-join would only cost time.
        decisions = decisions.filter(project__in=_plain(projects).values("pk"))
    return decisions.values(year=Year("decided_on")).annotate(
        esf_grant_sum=Sum("esf_grant_change", default=0), decisions=Count("*")
    )


def decision_year_rows(
    projects: QuerySet[Project], shaped: Mapping[str, QuerySet] | None = None
) -> list[dict]:
    """Net change in ESF grant decided per calendar year (grants, extensions, reductions):
    from the decisions' roll-up when it answers the filter (`shaped`), else from the decisions.

    Imported snapshots have no date and are left out: their money has no decision year.
    """
    if shaped is not None:
        rows = (
            shaped["decisions"]
            .values(year=F("decided_year"))
            .annotate(esf_grant_sum=Sum("esf_grant_sum"), decisions=Sum("decisions"))
        )
        return [
            {"year": row["year"], "esf_grant_sum": int(row["esf_grant_sum"]),
             "decisions": int(row["decisions"])}
            for row in _sorted(rows, ["year"])
        ]  # fmt: skip
    return _sorted(decision_years(projects), ["year"])


def top_organisations(
    projects: QuerySet[Project], *, limit: int = TOP_ORGANISATIONS, owners: QuerySet | None = None
) -> list:
    """The owners with the largest summed ESF grant, with their names (two queries); from an
    owners' roll-up's rows `owners` when it answers the filter (`rollups.owners`)."""
    if owners is not None and owners.model is OwnerTotalRollup:  # one row per owner, indexed
        largest = owners.values("projects", "esf_grant_sum", owner=F("owner_key"))
    else:
        if owners is not None:
            grouped = owners.order_by().values(owner=F("owner_key"))
            sums = {"esf_grant_sum": Sum("esf_grant_sum"), "projects": Sum("projects")}
        else:
            grouped = _plain(projects).values("owner")
            sums = {"esf_grant_sum": Sum("esf_grant", default=0), "projects": Count("*")}
        largest = grouped.annotate(**sums)
    rows = [
        {**row, "esf_grant_sum": int(row["esf_grant_sum"]), "projects": int(row["projects"])}
        for row in largest.order_by("-esf_grant_sum", "owner")[:limit]
    ]
    names: dict[int, tuple[str, bool]] = {}
    if rows:
        found = Organisation.objects.filter(pk__in=[row["owner"] for row in rows])
        names = {pk: (name, demo) for pk, name, demo in found.values_list("pk", "name", "is_demo")}
    return [
        {
            "organisation_id": row["owner"],
            "organisation_name": names.get(row["owner"], ("", False))[0],
            "is_demo": names.get(row["owner"], ("", False))[1],
            **row,
        }
        for row in rows
    ]


# --- reshaping: pure functions of the rows above --------------------------------------------
def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _per(amount: int, count: int) -> int | None:
    return round(amount / count) if count else None


def _derived(totals: dict) -> dict:
    """Add what follows from the sums: projects left out of cost per participant, the ESF
    share of budget and the ESF grant per planned participant."""
    totals["without_participants"] = totals["projects"] - totals["with_participants"]
    totals["esf_share"] = _percent(totals["grant_with_budget"], totals["budget_with_grant"])
    totals["esf_per_participant"] = _per(
        totals["grant_with_participants"], totals["participants_with_grant"]
    )
    return totals


def rollup(rows: Iterable[Mapping], dims: tuple[str, ...]) -> dict[tuple, dict]:
    """The measures summed per value of `dims` (a tuple of the values as key), keys in order of
    first appearance: the database's own rows of that grouping where `portfolio_rows` had
    PostgreSQL add them up, else the sum of the rows that share the key."""
    groups: dict[tuple, dict] = {}
    for row in rows:
        grouping = row.get("grouping")
        if grouping is not None:
            if grouping == dims:
                groups[tuple(row[name] for name in dims)] = {
                    name: row[name] for name in PORTFOLIO_SUMS
                }
            continue
        key = tuple(row[name] for name in dims)
        totals = groups.setdefault(key, dict.fromkeys(PORTFOLIO_SUMS, 0))
        for name in PORTFOLIO_SUMS:
            totals[name] += row[name]
    return groups


def portfolio_summary(portfolio: Sequence[Mapping]) -> dict[str, int]:
    """What `queries.summary` gives for the set, from its portfolio rows' totals: no query."""
    totals = rollup(portfolio, ()).get((), dict.fromkeys(PORTFOLIO_SUMS, 0))
    return {
        "projects": totals["projects"],
        **{key: totals[f"{key}_sum"] for key, _column in queries.SUMMARY_SUMS},
        **{name: totals[name] for name in STATUS_COUNTS},
    }


def counts_from_rows(
    portfolio: Sequence[Mapping], *, reference: ReferenceLists, names: Iterable[str]
) -> dict[str, dict]:
    """The code-list facets' counts ({facet: {code: projects}}) from the portfolio's roll-ups,
    without a query; counts are summed per code, since one code may exist in both programmes'
    lists."""
    rows_by_id = reference.codes_by_id
    counts: dict[str, dict] = {}
    for name in names:
        if name not in rows_by_id:
            continue
        per_code = counts[name] = {}
        for (key,), totals in rollup(portfolio, (name,)).items():
            code = rows_by_id[name].get(key)
            if code is not None:
                per_code[code] = per_code.get(code, 0) + totals["projects"]
    return counts


def median_rate(distribution: Iterable[Mapping]) -> Decimal | None:
    """Exact median of the known co-financing rates, from how many projects have each rate:
    the middle value, or the mean of the two middle values when the count is even."""
    frequency: dict[Decimal, int] = defaultdict(int)
    for row in distribution:
        if row["rate"] is not None:
            frequency[Decimal(row["rate"])] += row["projects"]
    known = sum(frequency.values())
    if not known:
        return None
    wanted = sorted({(known - 1) // 2, known // 2})  # 0-based positions of the middle value(s)
    middle, seen = [], 0
    for rate in sorted(frequency):
        seen += frequency[rate]
        while wanted and wanted[0] < seen:
            middle.append(rate)
            wanted.pop(0)
    return (sum(middle) / len(middle)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def key_figures(portfolio: Sequence[Mapping], distribution: Sequence[Mapping]) -> dict:
    """Totals of the filtered set, its ESF share, ESF per participant and median rate."""
    totals = rollup(portfolio, ()).get((), dict.fromkeys(PORTFOLIO_SUMS, 0))
    totals["median_rate"] = median_rate(distribution)
    return _derived(totals)


def _index(items: Iterable) -> dict:
    return {item.pk: item for item in items}


def by_region(portfolio: Sequence[Mapping], *, reference: ReferenceLists, lang: str) -> list[dict]:
    """One row per region (code None: projects without one), largest ESF grant first."""
    regions = _index(reference.regions)
    rows = []
    for (region_id,), totals in rollup(portfolio, ("region",)).items():
        region = regions.get(region_id)
        rows.append(
            _derived(
                {
                    "region_code": region.code if region else None,
                    "region_name": (region.name(lang) or region.code) if region else None,
                    "is_national": region.is_national if region else False,
                    **totals,
                }
            )
        )
    return sorted(rows, key=lambda row: (-row["esf_grant_sum"], row["region_code"] or "~"))


def by_county(portfolio: Sequence[Mapping], *, reference: ReferenceLists, lang: str) -> list[dict]:
    """One row per county (code None: projects without one), in code order, which keeps a
    region's counties together."""
    counties = _index(reference.counties)
    rows = []
    for (county_id,), totals in rollup(portfolio, ("county",)).items():
        county = counties.get(county_id)
        rows.append(
            _derived(
                {
                    "county_code": county.code if county else None,
                    "county_name": county.name(lang) if county else None,
                    "region_code": county.region.code if county else None,
                    **totals,
                }
            )
        )
    return sorted(rows, key=lambda row: row["county_code"] or "~")


def _period(reference: ReferenceLists) -> Callable[[int], str]:
    periods = {programme.pk: programme.period for programme in reference.programmes}
    return lambda programme_id: periods.get(programme_id, "")


def _per_programme(
    portfolio: Sequence[Mapping], name: str, prefix: str, *, reference: ReferenceLists, lang: str
) -> list[dict]:
    """One row per programme period and code of a list that belongs to a programme (its code
    and name as `<prefix>_code`, `<prefix>_name`), in code order."""
    codes, period = _index(reference.rows(name)), _period(reference)
    rows = []
    for (programme_id, code_id), totals in rollup(portfolio, ("programme", name)).items():
        row = codes.get(code_id)
        rows.append(
            _derived(
                {
                    "period": period(programme_id),
                    f"{prefix}_code": row.code if row else None,
                    f"{prefix}_name": row.name(lang) if row else "",
                    **totals,
                }
            )
        )
    code = f"{prefix}_code"
    return sorted(rows, key=lambda row: (row["period"], row[code] is None, row[code] or ""))


def by_programme_area(
    portfolio: Sequence[Mapping], *, reference: ReferenceLists, lang: str
) -> list[dict]:
    """One row per programme period and area (the periods' areas differ), in code order."""
    return _per_programme(portfolio, "programme_area", "area", reference=reference, lang=lang)


def by_specific_objective(
    portfolio: Sequence[Mapping], *, reference: ReferenceLists, lang: str
) -> list[dict]:
    """One row per period, programme area and specific objective, in code order."""
    areas, objectives = _index(reference.areas), _index(reference.objectives)
    period = _period(reference)
    rows = []
    grouped = rollup(portfolio, ("programme", "programme_area", "specific_objective"))
    for (programme_id, area_id, objective_id), totals in grouped.items():
        area, objective = areas.get(area_id), objectives.get(objective_id)
        rows.append(
            _derived(
                {
                    "period": period(programme_id),
                    "area_code": area.code if area else None,
                    "objective_code": objective.code if objective else None,
                    "objective_name": objective.name(lang) if objective else "",
                    **totals,
                }
            )
        )
    return sorted(
        rows,
        key=lambda row: (
            row["period"],
            row["area_code"] is None,
            row["area_code"] or "",
            row["objective_code"] is None,
            row["objective_code"] or "",
        ),
    )


def by_intervention_field(
    portfolio: Sequence[Mapping], *, reference: ReferenceLists, lang: str
) -> list[dict]:
    """One row per intervention type (the code lists differ per period), in code order."""
    return _per_programme(
        portfolio, "intervention_field", "intervention", reference=reference, lang=lang
    )


def by_start_year(years: Iterable[Mapping]) -> list[dict]:
    """Projects and ESF grant per start year, in year order."""
    totals = rollup_simple(years, "start_year")
    return [{"year": year, **totals[year]} for year in sorted(totals)]


def running_per_year(
    years: Iterable[Mapping], *, span: Iterable[int], reference: ReferenceLists
) -> list[dict]:
    """Projects running at some time in each year of `span`, per programme period: a project
    runs in every year from its start year to its end year."""
    period = _period(reference)
    periods = [programme.period for programme in reference.programmes]
    rows = [{"year": year, "running": dict.fromkeys(periods, 0)} for year in span]
    by_year = {row["year"]: row for row in rows}
    for row in years:
        for year in range(row["start_year"], row["end_year"] + 1):
            if year in by_year:
                running = by_year[year]["running"]
                key = period(row["programme"])
                running[key] = running.get(key, 0) + row["projects"]
    return rows


def size_distribution(distribution: Iterable[Mapping]) -> list[dict]:
    """Projects and ESF grant per size bucket, every bucket present (zeros too), then a row for
    projects whose grant is unknown when there are any."""
    totals = rollup_simple(distribution, "bucket")
    rows = []
    for index, (low, high) in enumerate(SIZE_BUCKETS):
        found = totals.get(index, {"projects": 0, "esf_grant_sum": 0})
        rows.append({"bucket": index, "low": low, "high": high, **found})
    if UNKNOWN_SIZE in totals:
        rows.append({"bucket": UNKNOWN_SIZE, "low": None, "high": None, **totals[UNKNOWN_SIZE]})
    return rows


def rollup_simple(rows: Iterable[Mapping], key: str) -> dict:
    """Projects and ESF grant summed per value of one column."""
    totals: dict = {}
    for row in rows:
        group = totals.setdefault(row[key], {"projects": 0, "esf_grant_sum": 0})
        group["projects"] += row["projects"]
        group["esf_grant_sum"] += row["esf_grant_sum"]
    return totals


def dashboard_rows(
    projects, counted=None, shaped=None, owners=None, *, today: datetime.date | None = None
) -> dict[str, list]:
    """The rows of every aggregate: the portfolio GROUP BY first (of `counted`, the roll-up's
    rows when they answer the filter; its totals are the set's summary, statuses as of
    `today`), and the other four and the owners' names only when the set is not empty (an
    empty set shows a message, not charts); the years and sizes from the roll-ups' `shaped`
    rows and the largest owners from the owners' roll-up rows `owners` when they answer the
    filter."""
    portfolio = portfolio_rows(projects if counted is None else counted, today=today)
    if not portfolio:
        return {"portfolio": [], "distribution": [], "years": [], "decisions": [], "owners": []}
    years, distribution = shape_rows(projects, shaped)
    return {
        "portfolio": portfolio,
        "distribution": distribution,
        "years": years,
        "decisions": decision_year_rows(projects, shaped),
        "owners": top_organisations(projects, owners=owners),
    }


@contextmanager
def page_projects(projects: QuerySet[Project]) -> Iterator[QuerySet[PageProject]]:
    """The set copied once into a temporary table (`PageProject`, dropped at the end), for the
    aggregates to read instead of the projects: a search finds its projects through the search
    index and reads each one's row from the table, once here instead of once per aggregate."""
    names = ["pk", *PAGE_COLUMNS]
    try:
        sql, params = _plain(projects).values_list(*names).query.sql_with_params()
    except EmptyResultSet:  # a search without words: nothing to copy
        yield PageProject.objects.none()
        return
    quote = connection.ops.quote_name
    table = quote(PageProject._meta.db_table)
    fields = [PageProject._meta.pk, *(PageProject._meta.get_field(name) for name in PAGE_COLUMNS)]
    # values_list names its columns by the fields (`owner`); the table's are the columns
    columns = ", ".join(
        f"{quote(name)} AS {quote(field.column)}" for name, field in zip(names, fields, strict=True)
    )
    copy = f"SELECT {columns} FROM ({sql}) AS matching"  # noqa: S608 (names only)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
        # Not analysed: without statistics the planner estimates the rows from the table's
        # pages, which is close enough for the decisions' join (ANALYZE cost 130-240 ms for a
        # search's 100 000 matches at a million projects and changed no result).
        cursor.execute(f"CREATE TEMPORARY TABLE {table} AS {copy}", params)
        try:
            yield PageProject.objects.all()
        finally:
            cursor.execute(f"DROP TABLE {table}")


def filtered_dashboard_rows(filterset) -> dict[str, list]:
    """`dashboard_rows` of a bound `ProjectFilter`'s set, cached until the registry changes,
    read from the roll-ups wherever they answer the filter, and for a search from its matching
    projects copied once (`page_projects`): what the dashboard page, its tables' downloads and
    the API's aggregates share."""
    projects = filterset.qs

    def compute() -> dict[str, list]:
        if not (filterset.selected().get("q") or "").strip():
            return dashboard_rows(
                projects,
                queries.counted(filterset, per_year=False, legal_form=False),
                rollups.shapes(filterset),
                rollups.owners(filterset),
                today=filterset.today,
            )
        with page_projects(projects) as copied:
            return dashboard_rows(copied, today=filterset.today)

    return caching.aggregate("dashboard", projects, compute, filterset.today)
