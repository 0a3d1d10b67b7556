"""Rules that span tables, enforced by the database as the check constraints are.

`Project.clean()` already refuses these, but a raw UPDATE, a bulk write or a COPY does not run
it. A CHECK constraint cannot look at another table, so triggers refuse them instead:
- the programme area and the intervention field belong to the project's programme;
- the specific objective belongs to the project's programme area;
- the diary number has the format of the project's programme period;
- a code row cannot move to another programme (or area) while projects use it.
On PostgreSQL the error is a check_violation, on SQLite RAISE(ABORT): both reach Django as
IntegrityError. SQLite's triggers use GLOB, not REGEXP, so the file also works outside Django.
"""

from django.db import migrations

CODES = "project_codes_match_programme"

POSTGRESQL_FORWARD = f"""
CREATE FUNCTION {CODES}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    period varchar;
BEGIN
    IF NEW.programme_area_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM projects_programmearea
        WHERE id = NEW.programme_area_id AND programme_id = NEW.programme_id
    ) THEN
        RAISE EXCEPTION 'programme area % is not of programme %',
            NEW.programme_area_id, NEW.programme_id
            USING ERRCODE = 'check_violation', CONSTRAINT = '{CODES}';
    END IF;
    IF NEW.intervention_field_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM projects_interventionfield
        WHERE id = NEW.intervention_field_id AND programme_id = NEW.programme_id
    ) THEN
        RAISE EXCEPTION 'intervention field % is not of programme %',
            NEW.intervention_field_id, NEW.programme_id
            USING ERRCODE = 'check_violation', CONSTRAINT = '{CODES}';
    END IF;
    IF NEW.specific_objective_id IS NOT NULL AND NEW.programme_area_id IS NOT NULL
        AND NOT EXISTS (
            SELECT 1 FROM projects_specificobjective
            WHERE id = NEW.specific_objective_id AND programme_area_id = NEW.programme_area_id
        ) THEN
        RAISE EXCEPTION 'specific objective % is not of programme area %',
            NEW.specific_objective_id, NEW.programme_area_id
            USING ERRCODE = 'check_violation', CONSTRAINT = '{CODES}';
    END IF;
    SELECT p.period INTO period FROM projects_programme p WHERE p.id = NEW.programme_id;
    IF (period = '2014-2020' AND NEW.diary_number !~ '^20[0-9]{{2}}/[0-9]{{5}}$')
        OR (period = '2021-2027' AND NEW.diary_number !~ '^[0-9]{{2}}-[0-9]{{3}}-S[0-9]{{2}}$')
    THEN
        RAISE EXCEPTION 'diary number % is not in the format of programme period %',
            NEW.diary_number, period
            USING ERRCODE = 'check_violation', CONSTRAINT = '{CODES}';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER {CODES} BEFORE INSERT OR UPDATE OF
    programme_id, programme_area_id, specific_objective_id, intervention_field_id, diary_number
    ON projects_project FOR EACH ROW EXECUTE FUNCTION {CODES}();

CREATE FUNCTION code_rows_stay_in_use() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    in_use boolean;
BEGIN
    IF TG_TABLE_NAME = 'projects_programmearea' THEN
        in_use := EXISTS (SELECT 1 FROM projects_project
            WHERE programme_area_id = NEW.id AND programme_id <> NEW.programme_id);
    ELSIF TG_TABLE_NAME = 'projects_interventionfield' THEN
        in_use := EXISTS (SELECT 1 FROM projects_project
            WHERE intervention_field_id = NEW.id AND programme_id <> NEW.programme_id);
    ELSE
        in_use := EXISTS (SELECT 1 FROM projects_project
            WHERE specific_objective_id = NEW.id
            AND programme_area_id <> (SELECT NEW.programme_area_id));
    END IF;
    IF in_use THEN
        RAISE EXCEPTION '% % is used by projects of another programme or area',
            TG_TABLE_NAME, NEW.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'code_rows_stay_in_use';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER code_rows_stay_in_use BEFORE UPDATE OF programme_id ON projects_programmearea
    FOR EACH ROW EXECUTE FUNCTION code_rows_stay_in_use();
CREATE TRIGGER code_rows_stay_in_use BEFORE UPDATE OF programme_id ON projects_interventionfield
    FOR EACH ROW EXECUTE FUNCTION code_rows_stay_in_use();
CREATE TRIGGER code_rows_stay_in_use BEFORE UPDATE OF programme_area_id
    ON projects_specificobjective FOR EACH ROW EXECUTE FUNCTION code_rows_stay_in_use();
"""

POSTGRESQL_BACKWARD = f"""
DROP TRIGGER code_rows_stay_in_use ON projects_specificobjective;
DROP TRIGGER code_rows_stay_in_use ON projects_interventionfield;
DROP TRIGGER code_rows_stay_in_use ON projects_programmearea;
DROP FUNCTION code_rows_stay_in_use();
DROP TRIGGER {CODES} ON projects_project;
DROP FUNCTION {CODES}();
"""

SQLITE_WRONG_CODES = """
    (NEW.programme_area_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM projects_programmearea
        WHERE id = NEW.programme_area_id AND programme_id = NEW.programme_id))
    OR (NEW.intervention_field_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM projects_interventionfield
        WHERE id = NEW.intervention_field_id AND programme_id = NEW.programme_id))
    OR (NEW.specific_objective_id IS NOT NULL AND NEW.programme_area_id IS NOT NULL
        AND NOT EXISTS (
            SELECT 1 FROM projects_specificobjective
            WHERE id = NEW.specific_objective_id AND programme_area_id = NEW.programme_area_id))
    OR ((SELECT period FROM projects_programme WHERE id = NEW.programme_id) = '2014-2020'
        AND NEW.diary_number NOT GLOB '20[0-9][0-9]/[0-9][0-9][0-9][0-9][0-9]')
    OR ((SELECT period FROM projects_programme WHERE id = NEW.programme_id) = '2021-2027'
        AND NEW.diary_number NOT GLOB '[0-9][0-9]-[0-9][0-9][0-9]-S[0-9][0-9]')
"""


def sqlite_trigger(name: str, event: str, table: str, when: str) -> str:
    return (
        f"CREATE TRIGGER {name} BEFORE {event} ON {table} FOR EACH ROW WHEN {when} "
        f"BEGIN SELECT RAISE(ABORT, '{name}'); END;"
    )


SQLITE_FORWARD = [
    sqlite_trigger(f"{CODES}_insert", "INSERT", "projects_project", SQLITE_WRONG_CODES),
    sqlite_trigger(
        f"{CODES}_update",
        "UPDATE OF programme_id, programme_area_id, specific_objective_id, "
        "intervention_field_id, diary_number",
        "projects_project",
        SQLITE_WRONG_CODES,
    ),
    sqlite_trigger(
        "programme_area_stays_in_use",
        "UPDATE OF programme_id",
        "projects_programmearea",
        "EXISTS (SELECT 1 FROM projects_project WHERE programme_area_id = NEW.id "
        "AND programme_id <> NEW.programme_id)",
    ),
    sqlite_trigger(
        "intervention_field_stays_in_use",
        "UPDATE OF programme_id",
        "projects_interventionfield",
        "EXISTS (SELECT 1 FROM projects_project WHERE intervention_field_id = NEW.id "
        "AND programme_id <> NEW.programme_id)",
    ),
    sqlite_trigger(
        "specific_objective_stays_in_use",
        "UPDATE OF programme_area_id",
        "projects_specificobjective",
        "EXISTS (SELECT 1 FROM projects_project WHERE specific_objective_id = NEW.id "
        "AND programme_area_id <> NEW.programme_area_id)",
    ),
]
SQLITE_BACKWARD = [
    f"DROP TRIGGER {name}"
    for name in (
        f"{CODES}_insert",
        f"{CODES}_update",
        "programme_area_stays_in_use",
        "intervention_field_stays_in_use",
        "specific_objective_stays_in_use",
    )
]


def forward(apps, schema_editor):
    run(schema_editor, POSTGRESQL_FORWARD, SQLITE_FORWARD)


def backward(apps, schema_editor):
    run(schema_editor, POSTGRESQL_BACKWARD, SQLITE_BACKWARD)


def run(schema_editor, postgresql: str, sqlite: list[str]) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(postgresql, None)
    elif vendor == "sqlite":
        for statement in sqlite:
            schema_editor.execute(statement, None)


class Migration(migrations.Migration):
    dependencies = [("projects", "0007_history_everywhere_grant_not_negative")]

    operations = [migrations.RunPython(forward, backward)]
