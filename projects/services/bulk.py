"""The decision rule for many projects at once: the importers' and the demo data's writes.

An import of the list of operations touches thousands of projects. Going through
`create_project` / `apply_decision` one by one costs several queries a project, so the
importers and `generate_demo` use these bulk counterparts. They keep the same rule with the
same functions: a project's money and end date are `decision_totals` of its decisions, refused
by `check_totals` when invalid, and every written row gets its history row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from .. import caching, validators
from ..models import Decision, Project
from .decisions import check_project, check_totals, decision_totals, set_totals


@transaction.atomic
def create_projects(
    *, items: Sequence[tuple[Project, Decision]], batch_size: int = 1000
) -> list[Project]:
    """Create new projects, each with its first decision, in a few bulk inserts.

    The bulk counterpart of `create_project`: a project's grant, budget and end date are its
    decision's. Related rows must be saved. The caller has checked each project with
    `check_project` (the importers do, to report a refused record); each decision's `clean()`
    runs here. History rows are written as `save()` would (an object's `_change_reason` is used).
    """
    for project, grant in items:
        if grant.new_end_date is None:
            grant.new_end_date = project.end_date
        set_totals(project, decision_totals([grant]))
        project.slug = validators.project_slug(project.diary_number, project.source_url)
        grant.clean()
    projects = insert_with_history(
        Project, [project for project, _grant in items], batch_size=batch_size
    )
    decisions = []
    for project, (_project, grant) in zip(projects, items, strict=True):
        grant.project = project
        decisions.append(grant)
    insert_with_history(Decision, decisions, batch_size=batch_size)
    caching.invalidate()  # bulk inserts send no post_save
    return projects


@dataclass
class ProjectUpdate:
    """An existing project with changed plain `fields` and/or a decision to add to it."""

    project: Project
    fields: Sequence[str] = ()
    decision: Decision | None = None


@transaction.atomic
def update_projects(*, updates: Sequence[ProjectUpdate], batch_size: int = 1000) -> None:
    """Save changed fields of existing projects and add their decisions, in bulk.

    The bulk counterpart of `apply_decision`: each project's grant, budget and end date become
    `decision_totals` of its saved decisions plus the new one, refused by `check_totals` as
    there (ValidationError, nothing saved). Plain fields are saved as the project carries them.
    The projects should be locked (`select_for_update`) since they were read.
    """
    ids = [update.project.pk for update in updates if update.decision is not None]
    saved: dict[int, list[Decision]] = {}
    for decision in Decision.objects.filter(project_id__in=ids).order_by("id"):
        saved.setdefault(decision.project_id, []).append(decision)
    fields = {"updated_at"}
    decisions = []
    now = timezone.now()
    for update in updates:
        project = update.project
        fields.update(update.fields)
        if update.decision is not None:
            update.decision.project = project
            update.decision.full_clean(exclude=["project"], validate_constraints=False)
            totals = decision_totals([*saved.get(project.pk, []), update.decision])
            check_totals(project, totals)
            set_totals(project, totals)
            fields.update(
                ("esf_grant", "total_budget", "end_date", "decision_count", "last_decision_date")
            )
            decisions.append(update.decision)
        check_project(project)
        project.updated_at = now
    bulk_create_with_history(decisions, Decision, batch_size=batch_size)
    bulk_update_with_history(
        [update.project for update in updates], Project, sorted(fields), batch_size=batch_size
    )
    caching.invalidate()  # bulk updates send no post_save


def insert_with_history(model, objs: list, *, batch_size: int = 1000) -> list:
    """Insert new rows and their "+" history rows, as `bulk_create_with_history` does.

    On PostgreSQL the rows go in with COPY: for 10 000 projects the ORM's per-value work in
    `bulk_create` is most of an import's time. Ids come from the table's sequence (`nextval`), so
    inserts by others at the same time stay safe; auto_now fields, foreign keys to rows saved
    after assignment, `_change_reason` and the request's user are handled as the ORM would.
    """
    if connection.vendor != "postgresql" or not objs:
        return bulk_create_with_history(objs, model, batch_size=batch_size)
    now = timezone.now()
    fields = model._meta.concrete_fields
    for obj, obj_id in zip(objs, _next_ids(model, len(objs)), strict=True):
        for field in fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                setattr(obj, field.attname, now)
            elif field.is_relation and getattr(obj, field.attname) is None:
                related = field.get_cached_value(obj, default=None)
                if related is not None:
                    if related.pk is None:
                        raise ValueError(f"{model.__name__}.{field.name} is not saved yet.")
                    setattr(obj, field.attname, related.pk)
        obj.pk = obj_id
        obj._state.adding, obj._state.db = False, connection.alias
    _copy(
        model,
        [[_copy_value(field, getattr(obj, field.attname)) for field in fields] for obj in objs],
    )

    history = model.history.model
    own = {field.attname for field in fields}
    rows = []
    for obj, history_id in zip(objs, _next_ids(history, len(objs)), strict=True):
        user = history.get_default_history_user(obj)
        extra = {
            "history_id": history_id,
            "history_date": now,
            "history_change_reason": getattr(obj, "_change_reason", None),
            "history_type": "+",
            "history_user_id": user.pk if user is not None else None,
        }
        rows.append(
            [
                _copy_value(field, getattr(obj, field.attname))
                if field.attname in own
                else extra[field.attname]
                for field in history._meta.concrete_fields
            ]
        )
    _copy(history, rows)
    return objs


def _copy_value(field, value):
    """A value as COPY takes it: JSON columns need psycopg's Jsonb wrapper."""
    if value is not None and field.get_internal_type() == "JSONField":
        from psycopg.types.json import Jsonb

        return Jsonb(value)
    return value


def _next_ids(model, count: int) -> list[int]:
    pk = model._meta.pk
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, pk.column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def _copy(model, rows: list[list]) -> None:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in model._meta.concrete_fields)
    sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


class RowInserter:
    """INSERT … VALUES (COPY on PostgreSQL) with explicit ids: no model instances, no RETURNING.

    For `generate_demo`, whose rows come with their figures already from `decision_totals`: at
    100 000 projects the ORM's per-value preparation costs more than the database's work; this
    takes the column values as they are, adapting only dates and decimals per backend. It writes
    no history rows (demo data is replaced as a whole).
    """

    def __init__(self, model, columns: list[str]) -> None:
        fields = [model._meta.get_field(name) for name in columns]
        self.model = model
        self.columns = ["id", *columns]
        self.adapters = [None] + [self._adapter(field) for field in fields]
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {model._meta.db_table}")  # noqa: S608
            self.next_id = cursor.fetchone()[0] + 1
        names = ", ".join(connection.ops.quote_name(field.column) for field in fields)
        marks = ", ".join(["%s"] * len(self.columns))
        self.sql = f"INSERT INTO {model._meta.db_table} (id, {names}) VALUES ({marks})"  # noqa: S608
        self.copy_sql = f"COPY {model._meta.db_table} (id, {names}) FROM STDIN"
        self.now = timezone.now()

    @staticmethod
    def _adapter(field):
        ops = connection.ops
        if field.get_internal_type() == "DateField":
            return ops.adapt_datefield_value
        if field.get_internal_type() == "DateTimeField":
            return ops.adapt_datetimefield_value
        if field.get_internal_type() == "DecimalField":
            return lambda value: ops.adapt_decimalfield_value(
                value, field.max_digits, field.decimal_places
            )
        return None

    def insert(self, rows: list[dict]) -> list[int]:
        """Insert rows (dicts keyed by field name) and return the ids given to them."""
        ids = list(range(self.next_id, self.next_id + len(rows)))
        self.next_id += len(rows)
        values = []
        for row_id, row in zip(ids, rows, strict=True):
            row.setdefault("created_at", self.now)
            row.setdefault("updated_at", self.now)
            values.append(
                [row_id]
                + [
                    adapt(row[column]) if adapt and row[column] is not None else row[column]
                    for column, adapt in zip(self.columns[1:], self.adapters[1:], strict=True)
                ]
            )
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # COPY is several times faster than even pipelined INSERTs on PostgreSQL.
                with cursor.cursor.copy(self.copy_sql) as copy:
                    for row in values:
                        copy.write_row(row)
            else:
                cursor.executemany(self.sql, values)
        return ids

    def finish(self) -> None:
        """Move the id sequence past the explicit ids (PostgreSQL; a no-op on SQLite)."""
        statements = connection.ops.sequence_reset_sql(no_style(), [self.model])
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
