"""The portfolio roll-up: counts and sums per combination of what most filters touch.

`PortfolioRollup` holds, per combination of programme, region, county, programme area, specific
objective, intervention field, owner's legal form, demo or not, start year and status, the
number of projects and the sums `aggregates.MEASURES` names. A filter that touches only those
(`matching`) reads its summary, facet counts and the dashboard's portfolio from the roll-up's
rows (tens of thousands at a million projects) instead of the projects; the same without the
start year (`PORTFOLIO_ALL_YEARS`, a third of the rows) gives the list's facets when the filter
has no start-year range, and without the legal form too (`PORTFOLIO_CODES`, a quarter of those)
the dashboard's when the filter chose no legal form either (`portfolio`). Beside them, the
dashboard's years, sizes and rates roll-ups (`YEARS`, `SIZES`, `RATES`: projects and ESF grant
over fewer dimensions and one key of each) give its years chart, size distribution and median
rate, the decisions' roll-up (`DECIDED`: the dated decisions per decision year under their
project's keys, with triggers on the decisions too) its decisions per year (`shapes`), and the
owners' roll-ups (`OWNERS`: per owner, demo and status; `OWNER_TOTALS`: per owner, indexed by
grant) the largest owners of the unfiltered and status-only pages. Every roll-up is a
`Rollup`, its keys and measures declared once; what follows holds for each.

**Never stale.** Triggers on projects_project (statement-level with transition tables on
PostgreSQL, row-level on SQLite; migrations 0021, 0023–0027 and 0029 create them from
`trigger_sql`; the decisions' roll-up has triggers on projects_decision too) add each
inserted row's contribution and take each deleted row's away, an update being both, in the
writing statement's transaction, whoever writes: the services, an import's bulk write,
generate_demo's COPY, a raw UPDATE. `check_invariants` compares each table with a recount from
the projects (with the ORM, not this module's SQL), and `rebuild_rollup` makes them anew.

**Status moves with the day.** A project's status depends on today, so a row's status is as of
`RollupState.as_of`. When that day is past, the first read of a later day moves it forward
(`current`): only the projects whose status changed since (those that started or ended in
between, a few hundred a day) move between rows, in one transaction that locks the state row;
the triggers read the day under a share lock, so no write in flight can file a project under the
old day. Reads for another day than today (a test's fixed date) use the projects.

**Off without its state row.** `manage.py flush` (and a test database's flush) empties the state
table too; the triggers then add nothing and every read uses the projects, until
`rebuild_rollup` (or the first `rebuild`) fills the table again and writes the row.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db import connection, models, transaction
from django.db.models import Count, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from . import caching
from .dimensions import BY_NAME, DIMENSIONS
from .models import (
    PROJECT_FINISHED,
    PROJECT_ONGOING,
    PROJECT_UPCOMING,
    DecisionRollup,
    OwnerRollup,
    OwnerTotalRollup,
    PortfolioAllYearsRollup,
    PortfolioCodesRollup,
    PortfolioMeasures,
    PortfolioRollup,
    Project,
    RateRollup,
    RollupState,
    SizeRollup,
    Year,
    YearRollup,
    status_case,
)

STATE_TABLE = RollupState._meta.db_table
PROJECTS = "projects_project"
DECISIONS = "projects_decision"


@dataclass(frozen=True)
class Key:
    """One key column of a roll-up: its value for the project row `r` in SQL (given the
    database vendor and the SQL date the status is as of), the same in the ORM for the recount
    (given that day), and the filter it answers, if any."""

    column: str
    sql: Callable[[str, str], str]
    recount: Callable[[datetime.date], Any]
    answers: str = ""


@dataclass(frozen=True)
class Rollup:
    """One roll-up table: the projects' contributions summed per combination of its keys, or,
    with `decisions`, the dated decisions' (each under its project's keys)."""

    name: str  # its triggers' and trigger functions' names begin with it
    model: type[models.Model]
    keys: tuple[Key, ...]
    measures: dict[str, str]  # one row's contribution to each sum, SQL over `r` (and `d`)
    recount: Callable[[], dict]  # the same sums as ORM aggregates, for `differences`
    decisions: bool = False  # rows are the dated decisions `d` of the projects `r`

    @property
    def table(self) -> str:
        return self.model._meta.db_table

    @property
    def key_columns(self) -> list[str]:
        return [key.column for key in self.keys]

    @property
    def count(self) -> str:
        """The measure that counts rows: a table row at 0 holds nothing."""
        return "decisions" if self.decisions else "projects"

    @property
    def answered(self) -> frozenset[str]:
        """The filters it answers: its keys' and the sort, which changes no count."""
        return frozenset({key.answers for key in self.keys if key.answers} | {"sort"})

    def source(self, table: str = PROJECTS, rows: str = "") -> str:
        """The FROM clause of its rows when `rows` (a table or transition table) are the rows
        of `table` to read: the projects `r`, the state row `s`, and for decisions `d`. Without
        `rows` (a SQLite row trigger, whose row is `NEW` or `OLD`), the other tables only."""
        if table == PROJECTS:
            decisions = f", {DECISIONS} d" if self.decisions else ""
            return f"{rows + ' r, ' if rows else ''}{STATE_TABLE} s{decisions}"
        return f"{rows + ' d, ' if rows else ''}{PROJECTS} r, {STATE_TABLE} s"

    @property
    def condition(self) -> str:
        """What joins a decision to its project and keeps the dated ones."""
        return " AND d.project_id = r.id AND d.decided_on IS NOT NULL" if self.decisions else ""

    def base(self) -> QuerySet:
        """What the recount groups: the projects, or each project once per dated decision."""
        if self.decisions:
            return Project.objects.filter(decisions__decided_on__isnull=False)
        return Project.objects.all()


def _year(column: str) -> Callable[[str, str], str]:
    """The year of `column` (an alias and a column: `r.start_date`)."""

    def sql(vendor: str, day: str) -> str:
        if vendor == "postgresql":
            return f"CAST(EXTRACT(YEAR FROM {column}) AS integer)"
        return f"CAST(substr({column}, 1, 4) AS integer)"

    return sql


def _status_sql(vendor: str, day: str) -> str:
    return (
        f"CASE WHEN r.start_date > {day} THEN '{PROJECT_UPCOMING}' "
        f"WHEN r.end_date < {day} THEN '{PROJECT_FINISHED}' ELSE '{PROJECT_ONGOING}' END"
    )


def _size_bucket_sql(vendor: str, day: str) -> str:
    """The index in `aggregates.SIZE_BUCKETS` of the row's ESF grant, -1 when unknown: the
    same rule as `aggregates.size_bucket`."""
    from .aggregates import SIZE_BUCKETS, UNKNOWN_SIZE

    whens = " ".join(
        f"WHEN r.esf_grant >= {low}{'' if high is None else f' AND r.esf_grant < {high}'} "
        f"THEN {index}"
        for index, (low, high) in enumerate(SIZE_BUCKETS)
    )
    return f"CASE {whens} ELSE {UNKNOWN_SIZE} END"


def _size_bucket_orm(day: datetime.date):
    from .aggregates import size_bucket

    return size_bucket()


UNKNOWN_RATE = Decimal(-1)
"""The rate key of projects without a co-financing rate (a unique key cannot hold NULL)."""

DIMENSION_KEYS = {d.name: f"{d.name}_key" for d in DIMENSIONS}


def _dimension(name: str) -> Key:
    column = BY_NAME[name].column
    return Key(
        DIMENSION_KEYS[name],
        lambda vendor, day: f"COALESCE(r.{column}, 0)",
        lambda day: Coalesce(F(column), Value(0)),
        answers=name,
    )


LEGAL_FORM = Key(
    "owner_legal_form",
    lambda vendor, day: "r.owner_legal_form",
    lambda day: F("owner_legal_form"),
    "legal_form",
)
DEMO = Key("is_demo", lambda vendor, day: "r.is_demo", lambda day: F("is_demo"), "demo")
START_YEAR = Key("start_year", _year("r.start_date"), lambda day: Year("start_date"), "start_year")
STATUS = Key("status", _status_sql, status_case, "status")
END_YEAR = Key("end_year", _year("r.end_date"), lambda day: Year("end_date"))
DECIDED_YEAR = Key("decided_year", _year("d.decided_on"), lambda day: Year("decisions__decided_on"))
SIZE_BUCKET = Key("size_bucket", _size_bucket_sql, _size_bucket_orm)
RATE = Key(
    "rate",
    lambda vendor, day: f"COALESCE(r.cofinancing_rate, {UNKNOWN_RATE})",
    lambda day: Coalesce(
        F("cofinancing_rate"), Value(UNKNOWN_RATE), output_field=models.DecimalField()
    ),
)

WITH_PARTICIPANTS = "r.planned_participants > 0 AND r.esf_grant IS NOT NULL"
WITH_BUDGET = "r.esf_grant IS NOT NULL AND r.total_budget > 0"
# Each measure as one project's contribution (SQL over the project row `r`); a row's value is
# their SUM. The same definitions as aggregates.MEASURES, which the recount uses.
MEASURE_SQL = {
    "projects": "1",
    "esf_grant_sum": "COALESCE(r.esf_grant, 0)",
    "total_budget_sum": "COALESCE(r.total_budget, 0)",
    "budget_known": "CASE WHEN r.total_budget IS NOT NULL THEN 1 ELSE 0 END",
    "participants_sum": "COALESCE(r.planned_participants, 0)",
    "participant_goal_sum": "COALESCE(r.participant_goal, 0)",
    "with_participants": f"CASE WHEN {WITH_PARTICIPANTS} THEN 1 ELSE 0 END",
    "grant_with_participants": f"CASE WHEN {WITH_PARTICIPANTS} THEN r.esf_grant ELSE 0 END",
    "participants_with_grant": (
        f"CASE WHEN {WITH_PARTICIPANTS} THEN r.planned_participants ELSE 0 END"
    ),
    "with_budget": f"CASE WHEN {WITH_BUDGET} THEN 1 ELSE 0 END",
    "grant_with_budget": f"CASE WHEN {WITH_BUDGET} THEN r.esf_grant ELSE 0 END",
    "budget_with_grant": f"CASE WHEN {WITH_BUDGET} THEN r.total_budget ELSE 0 END",
}
SHAPE_SQL = {"projects": "1", "esf_grant_sum": "COALESCE(r.esf_grant, 0)"}
DECISION_SQL = {"decisions": "1", "esf_grant_sum": "COALESCE(d.esf_grant_change, 0)"}


def _portfolio_recount() -> dict:
    from .aggregates import MEASURES

    return MEASURES


def _shape_recount() -> dict:
    return {"projects": Count("*"), "esf_grant_sum": Sum("esf_grant", default=0)}


def _decision_recount() -> dict:
    return {
        "decisions": Count("*"),
        "esf_grant_sum": Sum("decisions__esf_grant_change", default=0),
    }


PORTFOLIO = Rollup(
    "portfolio_rollup",
    PortfolioRollup,
    (*(_dimension(d.name) for d in DIMENSIONS), LEGAL_FORM, DEMO, START_YEAR, STATUS),
    MEASURE_SQL,
    _portfolio_recount,
)
# The same without the start year (a third of the rows at a million): the dashboard's
# portfolio and summary for a filter without a start-year range.
PORTFOLIO_ALL_YEARS = Rollup(
    "portfolio_all_years_rollup",
    PortfolioAllYearsRollup,
    (*(_dimension(d.name) for d in DIMENSIONS), LEGAL_FORM, DEMO, STATUS),
    MEASURE_SQL,
    _portfolio_recount,
)
# The same without the legal form too (a quarter of those rows at a million): the dashboard's
# portfolio, summary and form for a filter on neither start years nor legal form.
PORTFOLIO_CODES = Rollup(
    "portfolio_codes_rollup",
    PortfolioCodesRollup,
    (*(_dimension(d.name) for d in DIMENSIONS), DEMO, STATUS),
    MEASURE_SQL,
    _portfolio_recount,
)
# The dashboard's years and sizes over the dimensions most of its filters touch: the
# objective, the intervention field and the legal form would multiply the rows (every
# combination occurs) for few filters.
SHAPE_DIMENSIONS = ("programme", "region", "county", "programme_area")
SHAPE_KEYS = (*(_dimension(name) for name in SHAPE_DIMENSIONS), DEMO, START_YEAR, STATUS)
YEARS = Rollup("year_rollup", YearRollup, (*SHAPE_KEYS, END_YEAR), SHAPE_SQL, _shape_recount)
SIZES = Rollup("size_rollup", SizeRollup, (*SHAPE_KEYS, SIZE_BUCKET), SHAPE_SQL, _shape_recount)
RATES = Rollup("rate_rollup", RateRollup, (*SHAPE_KEYS, RATE), SHAPE_SQL, _shape_recount)
# The net ESF grant decided per year, over the same dimensions as the shape: the dated
# decisions (`aggregates.decision_year_rows`) under their project's keys.
DECIDED = Rollup(
    "decision_rollup",
    DecisionRollup,
    (*SHAPE_KEYS, DECIDED_YEAR),
    DECISION_SQL,
    _decision_recount,
    decisions=True,
)
# Per owner, over demo and status only: the largest owners when the filter is at most those
# (a key per owner and filter dimension would be nearly one row per project).
OWNER = Key("owner_key", lambda vendor, day: "r.owner_id", lambda day: F("owner_id"))
OWNERS = Rollup("owner_rollup", OwnerRollup, (OWNER, DEMO, STATUS), SHAPE_SQL, _shape_recount)
# Per owner alone, for the unfiltered page: its largest owners are the first rows of an index.
OWNER_TOTALS = Rollup("owner_total_rollup", OwnerTotalRollup, (OWNER,), SHAPE_SQL, _shape_recount)
ROLLUPS: tuple[Rollup, ...] = (
    PORTFOLIO,
    PORTFOLIO_ALL_YEARS,
    PORTFOLIO_CODES,
    YEARS,
    SIZES,
    RATES,
    DECIDED,
    OWNERS,
    OWNER_TOTALS,
)
SHAPES: dict[str, Rollup] = {"years": YEARS, "sizes": SIZES, "rates": RATES, "decisions": DECIDED}

# The filters the portfolio roll-up answers: its keys and the sort, which changes no count.
ANSWERED = PORTFOLIO.answered


def _as_row(sql: str, alias: str, row: str) -> str:
    """`sql` with the alias `alias` (`r`, `d`) read as the trigger row `row` (`NEW`, `OLD`)."""
    return re.sub(rf"\b{alias}\.", f"{row}.", sql)


def add_sql(
    rollup: Rollup,
    vendor: str,
    source: str,
    *,
    sign: int,
    day: str,
    where: str = "",
    row: tuple[str, str] | None = None,
) -> str:
    """INSERT … ON CONFLICT adding `sign` × the contributions of the rows that `source` (a
    FROM clause naming the projects `r`, the state row `s`, and for decisions `d`) gives,
    grouped by key; with `row` ((alias, SQLite's `NEW` or `OLD`)), that trigger row read for
    the alias."""
    keys = [key.sql(vendor, day) for key in rollup.keys]
    measures = [f"{sign} * SUM({sql})" for sql in rollup.measures.values()]
    where = f"{where}{rollup.condition}"
    grouped = f" GROUP BY {', '.join(keys)}"
    select = f"SELECT {', '.join(keys + measures)} FROM {source} WHERE s.id = 1{where}{grouped}"
    if row:
        select = _as_row(select, *row)
    table = rollup.table
    columns = [*rollup.key_columns, *rollup.measures]
    updates = ", ".join(f"{name} = {table}.{name} + excluded.{name}" for name in rollup.measures)
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) {select} "  # noqa: S608 (names only)
        f"ON CONFLICT ({', '.join(rollup.key_columns)}) DO UPDATE SET {updates}"
    )


def prune_sql(rollup: Rollup, vendor: str, source: str, row: tuple[str, str] | None = None) -> str:
    """DELETE the rows left at zero among the keys of the rows in `source` (those a statement
    took contributions away from)."""
    keys = [key.sql(vendor, "s.as_of") for key in rollup.keys]
    table = rollup.table
    matches = " AND ".join(
        f"{table}.{column} = k.c{i}" for i, column in enumerate(rollup.key_columns)
    )
    named = ", ".join(f"{sql} AS c{i}" for i, sql in enumerate(keys))
    select = f"SELECT {named} FROM {source} WHERE s.id = 1{rollup.condition}"
    if row:
        select = _as_row(select, *row)
    return (
        f"DELETE FROM {table} WHERE {rollup.count} = 0 AND EXISTS ("  # noqa: S608 (names only)
        f"SELECT 1 FROM ({select}) k WHERE {matches})"
    )


def trigger_sql(vendor: str, rollup: Rollup = PORTFOLIO) -> tuple[list[str], list[str]]:
    """(statements creating the triggers of `rollup`, statements dropping them) for `vendor`:
    on projects_project, and for a roll-up of decisions on projects_decision too (a project's
    change moves its decisions between keys; a decision's adds or takes away its own)."""
    names = {PROJECTS: rollup.name}
    if rollup.decisions:
        names[DECISIONS] = f"{rollup.name}_decisions"
    forward, backward = [], []
    for table, name in names.items():
        made, dropped = _triggers(vendor, rollup, table, name)
        forward += made
        backward += dropped
    return forward, backward


def _triggers(vendor: str, rollup: Rollup, table: str, name: str) -> tuple[list[str], list[str]]:
    alias = "r" if table == PROJECTS else "d"
    if vendor == "postgresql":
        sources = {
            "insert": [("new_rows", 1)],
            "delete": [("old_rows", -1)],
            "update": [("old_rows", -1), ("new_rows", 1)],
        }
        prune = {"delete": "old_rows", "update": "old_rows"}
        referencing = {
            "insert": "NEW TABLE AS new_rows",
            "delete": "OLD TABLE AS old_rows",
            "update": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        }
        forward, backward = [], []
        for event, steps in sources.items():
            body = "; ".join(
                add_sql(rollup, vendor, rollup.source(table, rows), sign=sign, day="s.as_of")
                for rows, sign in steps
            )
            if event in prune:
                body += "; " + prune_sql(rollup, vendor, rollup.source(table, prune[event]))
            forward.append(
                f"CREATE FUNCTION {name}_{event}() RETURNS trigger LANGUAGE plpgsql "
                f"AS $$ BEGIN PERFORM 1 FROM {STATE_TABLE} WHERE id = 1 FOR SHARE; {body}; "
                "RETURN NULL; END $$"
            )
            forward.append(
                f"CREATE TRIGGER {name}_{event} AFTER {event.upper()} ON {table} "
                f"REFERENCING {referencing[event]} FOR EACH STATEMENT "
                f"EXECUTE FUNCTION {name}_{event}()"
            )
            backward += [
                f"DROP TRIGGER IF EXISTS {name}_{event} ON {table}",
                f"DROP FUNCTION IF EXISTS {name}_{event}()",
            ]
        return forward, backward
    bodies = {
        "insert": [("NEW", 1)],
        "delete": [("OLD", -1)],
        "update": [("OLD", -1), ("NEW", 1)],
    }
    # The trigger row stands for its alias; the FROM clause keeps the other tables.
    others = rollup.source(table)

    def row_add(row: str, sign: int) -> str:
        return add_sql(rollup, "sqlite", others, sign=sign, day="s.as_of", row=(alias, row)) + ";"

    old_prune = prune_sql(rollup, "sqlite", others, row=(alias, "OLD")) + ";"
    forward = [
        f"CREATE TRIGGER {name}_{event} AFTER {event.upper()} ON {table} "
        f"FOR EACH ROW BEGIN {' '.join(row_add(row, sign) for row, sign in steps)}"
        f"{' ' + old_prune if event != 'insert' else ''} END"
        for event, steps in bodies.items()
    ]
    backward = [f"DROP TRIGGER IF EXISTS {name}_{event}" for event in bodies]
    return forward, backward


def installed(*rollups: Rollup):
    """A migration operation that creates the triggers of `rollups` and fills their tables
    from the projects; reversed, it drops the triggers."""
    from django.db import migrations

    def create(apps, schema_editor):
        for rollup in rollups:
            for statement in trigger_sql(schema_editor.connection.vendor, rollup)[0]:
                schema_editor.execute(statement)
            fill(rollup)

    def drop(apps, schema_editor):
        for rollup in rollups:
            for statement in trigger_sql(schema_editor.connection.vendor, rollup)[1]:
                schema_editor.execute(statement)

    return migrations.RunPython(create, drop)


def rebuild(
    *, today: datetime.date | None = None, only: tuple[Rollup, ...] = ROLLUPS
) -> dict[str, int]:
    """Make the roll-ups anew from the projects, their status as of `today`; returns each
    table's rows. `only` is for a migration, whose schema has only the roll-ups it names."""
    today = today or timezone.localdate()
    with transaction.atomic(), connection.cursor() as cursor:
        _lock_state(cursor, today)
        cursor.execute(f"UPDATE {STATE_TABLE} SET as_of = %s WHERE id = 1", [today])  # noqa: S608
        for rollup in only:
            _fill(cursor, rollup)
    return {rollup.model.__name__: rollup.model.objects.count() for rollup in only}


def _fill(cursor, rollup: Rollup) -> None:
    cursor.execute(f"DELETE FROM {rollup.table}")  # noqa: S608
    source = rollup.source(rows=PROJECTS)
    cursor.execute(add_sql(rollup, connection.vendor, source, sign=1, day="s.as_of"))


def fill(rollup: Rollup) -> None:
    """Fill `rollup`'s table from the projects as of the day the others' status is as of (a
    migration adding a roll-up); nothing while the roll-ups are off."""
    with transaction.atomic(), connection.cursor() as cursor:
        if _locked_state(cursor) is not None:
            _fill(cursor, rollup)


def _locked_state(cursor) -> tuple | None:
    """The state row (as_of,), locked against the triggers' share lock; None while off."""
    lock = " FOR UPDATE" if connection.vendor == "postgresql" else ""
    cursor.execute(f"SELECT as_of FROM {STATE_TABLE} WHERE id = 1{lock}")  # noqa: S608
    return cursor.fetchone()


def _lock_state(cursor, today: datetime.date) -> datetime.date:
    """The state row's day, locked against the triggers' share lock (made when missing)."""
    found = _locked_state(cursor)
    if found is None:
        cursor.execute(
            f"INSERT INTO {STATE_TABLE} (id, as_of) VALUES (1, %s)",  # noqa: S608
            [today],
        )
        return today
    value = found[0]
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)


def current(today: datetime.date) -> bool:
    """Whether the roll-ups' status is as of `today`, moving it forward first when its day is
    past (the projects that started or ended in between change rows). False for a day before
    the roll-ups', or another day than the local date today: such reads use the projects."""
    state = RollupState.objects.filter(pk=1).values_list("as_of", flat=True).first()
    if state == today:
        return True
    if state is None or state > today or today != timezone.localdate():
        return False
    with transaction.atomic(), connection.cursor() as cursor:
        as_of = _lock_state(cursor, today)
        if as_of >= today:  # moved by another request meanwhile
            return as_of == today
        changed = (
            " AND ((r.start_date > %s AND r.start_date <= %s)"
            " OR (r.end_date >= %s AND r.end_date < %s))"
        )
        params = [as_of, today, as_of, today]
        vendor = connection.vendor
        for rollup in ROLLUPS:
            source = rollup.source(rows=PROJECTS)
            cursor.execute(
                add_sql(rollup, vendor, source, sign=-1, day="s.as_of", where=changed), params
            )
        cursor.execute(f"UPDATE {STATE_TABLE} SET as_of = %s WHERE id = 1", [today])  # noqa: S608
        for rollup in ROLLUPS:
            source = rollup.source(rows=PROJECTS)
            cursor.execute(
                add_sql(rollup, vendor, source, sign=1, day="s.as_of", where=changed), params
            )
            cursor.execute(f"DELETE FROM {rollup.table} WHERE {rollup.count} = 0")  # noqa: S608
    return True


# --- reading -------------------------------------------------------------------------------
def answers(today: datetime.date) -> bool:
    """`current(today)`, asked of the database once per registry version and day (the cache
    keeps the answer: a page's several counts ask it once)."""
    if today != timezone.localdate():
        return False
    key = f"rollup-day:{caching.registry_version()}:{today}"
    value = cache.get(key)
    if value is None:
        value = current(today)
        cache.set(key, value, timeout=caching.TIMEOUT)
    return value


def matching(filterset, *, rollup: Rollup = PORTFOLIO, superset: bool = False) -> QuerySet | None:
    """`rollup`'s rows for the bound `ProjectFilter`'s set, or None when the filter reads
    something that roll-up does not keep (a search, an owner, an amount range), starts from a
    narrower set than every project, or its day is not the roll-ups'. With `superset`, the
    rows of the part of the filter it keeps: a set that holds the filter's."""
    if filterset.queryset.query.has_filters():  # a set narrower than the registry
        return None
    selected = filterset.selected()
    answered = rollup.answered
    if not (superset or used(filterset) <= answered) or not answers(filterset.today):
        return None
    rows = rollup.model.objects.filter(**{f"{rollup.count}__gt": 0})
    by_code = filterset.reference.ids_by_code
    for dimension in DIMENSIONS:
        codes = selected.get(dimension.name) or []
        if codes and dimension.name in answered:
            ids = [pk or 0 for code in codes for pk in by_code[dimension.name].get(code, [])]
            rows = rows.filter(**{f"{DIMENSION_KEYS[dimension.name]}__in": ids})
    if (legal_forms := selected.get("legal_form")) and "legal_form" in answered:
        rows = rows.filter(owner_legal_form__in=legal_forms)
    if status := selected.get("status"):
        rows = rows.filter(status=status)
    if demo := selected.get("demo"):
        from .queries import DEMO_ONLY

        rows = rows.filter(is_demo=demo == DEMO_ONLY)
    if years := selected.get("start_year"):
        if years.start is not None:
            rows = rows.filter(start_year__gte=years.start)
        if years.stop is not None:
            rows = rows.filter(start_year__lte=years.stop)
    return rows


def is_portfolio(rows: QuerySet) -> bool:
    """Whether `rows` are a portfolio roll-up's (`matching`), not projects."""
    return issubclass(rows.model, PortfolioMeasures)


def portfolio(filterset, *, per_year: bool = True, legal_form: bool = True) -> QuerySet | None:
    """`matching` of the portfolio roll-up; without `per_year` (no start-year counts wanted)
    of the smallest one that answers the filter: without the start year when it has no
    start-year range, and without `legal_form` (no legal-form counts wanted) without the
    legal form too when it chose none."""
    if per_year or "start_year" in used(filterset):
        return matching(filterset)
    if not legal_form and (rows := matching(filterset, rollup=PORTFOLIO_CODES)) is not None:
        return rows
    return matching(filterset, rollup=PORTFOLIO_ALL_YEARS)


def owners(filterset) -> QuerySet | None:
    """The owners' roll-up rows for the filter: per owner alone when it filters nothing (the
    largest are the first rows of its index), else per owner, demo and status when it filters
    at most those, else None (the dashboard groups the projects by owner)."""
    rows = matching(filterset, rollup=OWNER_TOTALS)
    return rows if rows is not None else matching(filterset, rollup=OWNERS)


def shapes(filterset) -> dict[str, QuerySet] | None:
    """The years', sizes', rates' and decisions' roll-up rows for the filter (by the names of
    `SHAPES`), or None when it touches what they do not keep (then the dashboard reads the
    projects)."""
    found = {name: matching(filterset, rollup=rollup) for name, rollup in SHAPES.items()}
    return None if any(rows is None for rows in found.values()) else found


def start_dates(
    per_year: dict[int, int], *, descending: bool, offset: int, limit: int, exact: bool
) -> Q | None:
    """The start dates within which rows `offset` to `offset + limit` of a set lie when it is
    sorted by start date, from the number of projects per start year of the set (`exact`) or
    of a set that holds it (`summary`, `start_year_counts`); None for an empty set. A filter
    on anything but the start date leaves PostgreSQL to walk the start-date index from the
    newest (or oldest) project past every one it leaves out: all of ESF+ before the first
    2014–2020 project, 1.8 s at a million. Within these dates the walk begins at the first year that
    holds any of the set and, when the counts are the set's own, ends by the page's last."""
    years = sorted((year for year, count in per_year.items() if count), reverse=descending)
    if not years:
        return None
    first = years[0]
    near = (
        Q(start_date__lt=datetime.date(first + 1, 1, 1))
        if descending
        else Q(start_date__gte=datetime.date(first, 1, 1))
    )
    if not exact:  # a superset's counts say where the set begins, not where the page ends
        return near
    seen, last = 0, years[-1]
    for year in years:
        seen += per_year[year]
        if seen >= offset + limit:
            last = year
            break
    far = (
        Q(start_date__gte=datetime.date(last, 1, 1))
        if descending
        else Q(start_date__lt=datetime.date(last + 1, 1, 1))
    )
    return near & far


def used(filterset) -> set[str]:
    """The names of the filters the bound `ProjectFilter` applies."""
    return {name for name, value in filterset.selected().items() if _in_use(value)}


def _in_use(value) -> bool:
    if isinstance(value, slice):
        return value.start is not None or value.stop is not None
    if isinstance(value, str):
        return bool(value.strip())
    return bool(value)


def keys() -> dict[str, NullIf]:
    """The dimensions as the projects' foreign keys read: the row id, None for none."""
    return {name: NullIf(F(column), Value(0)) for name, column in DIMENSION_KEYS.items()}


ALIAS = "rollup_"
"""Grouped reads sum each measure as `rollup_<name>`: an alias may not be a column's name."""


def measures() -> dict[str, Sum]:
    return {ALIAS + name: Sum(name) for name in MEASURE_SQL}


def aliased(sums: dict) -> dict:
    return {ALIAS + name: value for name, value in sums.items()}


def unaliased(row: dict) -> dict:
    return {key.removeprefix(ALIAS): value for key, value in row.items()}


def status_counts() -> dict[str, Sum]:
    """A portfolio roll-up's projects per status and its demo projects, summed over its rows
    (`aggregates.STATUS_COUNTS`)."""
    return {
        **{
            status: Sum("projects", filter=Q(status=status), default=0)
            for status in Project.Status.values
        },
        "demo": Sum("projects", filter=Q(is_demo=True), default=0),
    }


def summary(rows: QuerySet[PortfolioMeasures]) -> dict:
    """What `queries.summary` gives for the projects, from a portfolio roll-up's rows, and
    under `start_years` the number of projects per start year (for `start_dates`; None from
    the roll-up without them): one GROUP BY of the rows by start year, added up here."""
    sums = {
        "rollup_projects": Sum("projects", default=0),
        "total_budget": Sum("total_budget_sum", default=0),
        "esf_grant": Sum("esf_grant_sum", default=0),
        "participants": Sum("participants_sum", default=0),
        "participant_goal": Sum("participant_goal_sum", default=0),
        **status_counts(),
    }
    if rows.model is not PortfolioRollup:  # no start years: one aggregate
        return {**unaliased(rows.aggregate(**sums)), "start_years": None}
    per_year = list(rows.order_by().values("start_year").annotate(**sums))
    totals = unaliased({name: sum(row[name] for row in per_year) for name in sums})
    totals["start_years"] = {row["start_year"]: row["rollup_projects"] for row in per_year}
    return totals


def start_year_counts(rows: QuerySet[PortfolioRollup]) -> dict[int, int]:
    """The number of projects per start year of the roll-up's `rows`."""
    return dict(rows.values_list("start_year").annotate(n=Sum("projects")).order_by())


# --- checking ------------------------------------------------------------------------------
def differences() -> list[tuple[tuple, str, int, int]]:
    """(key, measure, recounted, stored) wherever a roll-up differs from a recount of the
    projects with the ORM (`Key.recount`, `Rollup.recount`: not this module's SQL), status as
    of the roll-ups' day; the key begins with the roll-up's name, and a missing row counts as
    zeros. Nothing while the roll-ups are off."""
    as_of = RollupState.objects.values_list("as_of", flat=True).first()
    if as_of is None:  # off: no reader uses it
        return []
    found = []
    for rollup in ROLLUPS:
        columns, measures = rollup.key_columns, rollup.recount()
        recount = (
            rollup.base()
            .order_by()
            .values(**{f"k_{key.column}": key.recount(as_of) for key in rollup.keys})
            .annotate(**{f"m_{name}": aggregate for name, aggregate in measures.items()})
        )
        expected = {
            _normal(rollup, [row[f"k_{column}"] for column in columns]): {
                name: row[f"m_{name}"] for name in measures
            }
            for row in recount
        }
        stored = {
            _normal(rollup, [row[column] for column in columns]): {
                name: row[name] for name in measures
            }
            for row in rollup.model.objects.exclude(**{rollup.count: 0}).values(*columns, *measures)
        }
        zeros = dict.fromkeys(measures, 0)
        for key in sorted(expected.keys() | stored.keys(), key=repr):
            want, have = expected.get(key, zeros), stored.get(key, zeros)
            found += [
                (key, name, want[name], have[name]) for name in measures if want[name] != have[name]
            ]
    return found


def _normal(rollup: Rollup, values: list) -> tuple:
    """A key as the recount and the table both give it: booleans as booleans (SQLite gives
    integers), rates as decimals with two places."""
    normal = []
    for key, value in zip(rollup.keys, values, strict=True):
        if key is DEMO:
            value = bool(value)
        elif key is RATE:
            value = Decimal(value).quantize(Decimal("0.01"))
        normal.append(value)
    return (rollup.name, *normal)
