"""The registry's projects as one flat SQLite table, for Datasette to serve the same data.

One plain SQL join over the tables of `projects/models.py` (projects with their owner, programme,
region, programme area, specific objective and intervention type), read through the Django
connection of the database in DATABASE_URL (a server-side cursor on PostgreSQL) and written
into SQLite in batches by sqlite-utils, so memory stays flat at a million rows. Then full-text
search over the text columns the portal searches, an index per facet column, and ANALYZE.

Needs Django set up (`django.setup()`) by the caller.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

TABLE = "projects"
# The portal's free-text search (ProjectQuerySet.search): diary number, name, city, description
# and the owner's name.
FTS_COLUMNS = ["diary_number", "name", "owner_name", "city", "description"]
# The facets the comparison asks for, the other code filters of the list, and the default sort.
INDEX_COLUMNS = [
    "region_code",
    "county_code",
    "programme_area_code",
    "intervention_code",
    "programme",
    "specific_objective_code",
    "owner_legal_form",
    "start_date",
]
COLUMNS: dict[str, type] = {
    "id": int,
    "diary_number": str,
    "name": str,
    "owner_name": str,
    "owner_org_number": str,
    "owner_legal_form": str,
    "owner_unit": str,
    "programme": str,
    "fund": str,
    "region_code": str,
    "region_name": str,
    "county_code": str,
    "county_name": str,
    "programme_area_code": str,
    "programme_area_name": str,
    "specific_objective_code": str,
    "specific_objective_name": str,
    "intervention_code": str,
    "intervention_name": str,
    "city": str,
    "postcode": str,
    "start_date": str,
    "end_date": str,
    "total_budget": int,
    "esf_grant": int,
    "cofinancing_rate": float,
    "planned_participants": int,
    "participant_goal": int,
    "child_poverty_theme": int,
    "strategic_importance": int,
    "description": str,
}


def select_sql() -> str:
    """SELECT of every column in COLUMNS, table names taken from the models."""
    from projects.models import (
        County,
        InterventionField,
        Organisation,
        Programme,
        ProgrammeArea,
        Project,
        Region,
        SpecificObjective,
    )

    def table(model) -> str:
        return model._meta.db_table

    return f"""
        SELECT p.id, p.diary_number, p.name, o.name, o.org_number, o.legal_form, p.owner_unit,
               pr.period, pr.fund, r.code, r.name_sv, c.code, c.name_sv, pa.code, pa.name_sv,
               so.code, so.name_sv, i.code, i.name_sv, p.city, p.postcode, p.start_date,
               p.end_date, p.total_budget,
               p.esf_grant, p.cofinancing_rate, p.planned_participants, p.participant_goal,
               p.child_poverty_theme, p.strategic_importance, p.description
        FROM {table(Project)} p
        JOIN {table(Organisation)} o ON o.id = p.owner_id
        JOIN {table(Programme)} pr ON pr.id = p.programme_id
        LEFT JOIN {table(Region)} r ON r.id = p.region_id
        LEFT JOIN {table(County)} c ON c.id = p.county_id
        LEFT JOIN {table(ProgrammeArea)} pa ON pa.id = p.programme_area_id
        LEFT JOIN {table(SpecificObjective)} so ON so.id = p.specific_objective_id
        LEFT JOIN {table(InterventionField)} i ON i.id = p.intervention_field_id
        ORDER BY p.id
    """


def _plain(value: object) -> object:
    """A value SQLite stores as the portal shows it: ISO dates, decimals as floats, 0/1."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bool):
        return int(value)
    return value


def rows(batch: int) -> Iterator[dict]:
    """Every project as a dict of COLUMNS, fetched `batch` rows at a time."""
    from django.db import connection

    names = list(COLUMNS)
    with connection.chunked_cursor() as cursor:
        cursor.execute(select_sql())
        while chunk := cursor.fetchmany(batch):
            for row in chunk:
                yield dict(zip(names, map(_plain, row), strict=True))


def export(path: Path, *, batch: int = 5000) -> int:
    """Write `path` (replaced if it exists): the table, its full-text index and indexes.

    Returns the number of rows written.
    """
    import sqlite_utils
    from django.db import connection, transaction

    path.unlink(missing_ok=True)
    db = sqlite_utils.Database(path)
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    table = db.table(TABLE)
    table.create(COLUMNS, pk="id")
    # A transaction around the read: PostgreSQL's server-side cursor lives only inside one.
    with transaction.atomic(using=connection.alias):
        table.insert_all(rows(batch), batch_size=batch)
    table.enable_fts(FTS_COLUMNS, create_triggers=False)
    for column in INDEX_COLUMNS:
        table.create_index([column])
    db.analyze()
    db.execute("PRAGMA journal_mode = DELETE")
    count = table.count
    db.close()
    return count
