"""The 2007–2013 programme's projects: no diary number, known by their page's address.

- `diary_number` may be NULL; a project without one must have a source address
  (`project_diary_number_or_source`), unique among such projects
  (`project_source_unique_without_diary_number`); the slug is longer, to hold one made from
  the address (`validators.source_url_to_slug`).
- The trigger of 0008 that checks the diary number against the programme period now also says
  which periods need one: 2014–2020 and ESF+ projects must have theirs (a NULL used to pass, as
  NULL !~ pattern is not true), and a 2007–2013 project has none. On PostgreSQL the function is
  replaced; the trigger stays.
- On SQLite the field changes rebuild projects_project, which drops its triggers (and those on
  other tables that name it stop the rebuild), so they are set aside first and created again
  after (as 0010 and 0014 do), here every trigger that names the table, whichever migration
  made it, with 0008's project triggers in their new form. A later migration that rebuilds
  projects_project on SQLite must create those two from this file's `SQLITE_FORWARD`, not from
  0008's.
"""

import importlib

import projects.validators
from django.db import migrations, models

RULES = importlib.import_module("projects.migrations.0008_cross_programme_triggers")
CODES = RULES.CODES


def _replaced(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new)


_PG_FUNCTION_END = "END $$;\n"
_PG_OLD_FUNCTION = RULES.POSTGRESQL_FORWARD[
    : RULES.POSTGRESQL_FORWARD.index(_PG_FUNCTION_END) + len(_PG_FUNCTION_END)
].replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION")
POSTGRESQL_FORWARD = _replaced(
    _PG_OLD_FUNCTION,
    """    IF (period = '2014-2020' AND NEW.diary_number !~ '^20[0-9]{2}/[0-9]{5}$')
        OR (period = '2021-2027' AND NEW.diary_number !~ '^[0-9]{2}-[0-9]{3}-S[0-9]{2}$')
    THEN""",
    """    IF (period = '2014-2020' AND (NEW.diary_number IS NULL
            OR NEW.diary_number !~ '^20[0-9]{2}/[0-9]{5}$'))
        OR (period = '2021-2027' AND (NEW.diary_number IS NULL
            OR NEW.diary_number !~ '^[0-9]{2}-[0-9]{3}-S[0-9]{2}$'))
        OR (period = '2007-2013' AND NEW.diary_number IS NOT NULL)
    THEN""",
)
POSTGRESQL_BACKWARD = _PG_OLD_FUNCTION

_PERIOD = "(SELECT period FROM projects_programme WHERE id = NEW.programme_id)"
SQLITE_WRONG_CODES = _replaced(
    RULES.SQLITE_WRONG_CODES,
    f"""    OR ({_PERIOD} = '2014-2020'
        AND NEW.diary_number NOT GLOB '20[0-9][0-9]/[0-9][0-9][0-9][0-9][0-9]')
    OR ({_PERIOD} = '2021-2027'
        AND NEW.diary_number NOT GLOB '[0-9][0-9]-[0-9][0-9][0-9]-S[0-9][0-9]')
""",
    f"""    OR ({_PERIOD} = '2014-2020' AND (NEW.diary_number IS NULL
        OR NEW.diary_number NOT GLOB '20[0-9][0-9]/[0-9][0-9][0-9][0-9][0-9]'))
    OR ({_PERIOD} = '2021-2027' AND (NEW.diary_number IS NULL
        OR NEW.diary_number NOT GLOB '[0-9][0-9]-[0-9][0-9][0-9]-S[0-9][0-9]'))
    OR ({_PERIOD} = '2007-2013' AND NEW.diary_number IS NOT NULL)
""",
)
_PROJECT_TRIGGERS = 2  # 0008's first two statements are projects_project's insert and update
SQLITE_FORWARD = [
    RULES.sqlite_trigger(f"{CODES}_insert", "INSERT", "projects_project", SQLITE_WRONG_CODES),
    RULES.sqlite_trigger(
        f"{CODES}_update",
        "UPDATE OF programme_id, programme_area_id, specific_objective_id, "
        "intervention_field_id, diary_number",
        "projects_project",
        SQLITE_WRONG_CODES,
    ),
    *RULES.SQLITE_FORWARD[_PROJECT_TRIGGERS:],
]
SQLITE_BACKWARD = RULES.SQLITE_BACKWARD


def _by_name(statements: list[str]) -> dict[str, str]:
    """ "CREATE TRIGGER <name> …" statements by their trigger's name."""
    return {statement.split()[2]: statement for statement in statements}


_NEW_FORM = _by_name(SQLITE_FORWARD[:_PROJECT_TRIGGERS])
_OLD_FORM = _by_name(RULES.SQLITE_FORWARD[:_PROJECT_TRIGGERS])
_SAVED = "temp.projects_project_triggers_set_aside"


def set_aside_sqlite_triggers(apps, schema_editor):
    """Keep every trigger that names projects_project (0008's, and any a later-numbered
    migration of another branch added) in a temporary table, and drop them for the rebuild."""
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute(f"DROP TABLE IF EXISTS {_SAVED}", None)
    schema_editor.execute(
        f"CREATE TABLE {_SAVED} AS SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
        "AND (tbl_name = 'projects_project' OR sql LIKE '%projects_project%')",
        None,
    )
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT name FROM {_SAVED}")
        names = [row[0] for row in cursor.fetchall()]
    for name in names:
        schema_editor.execute(f"DROP TRIGGER {name}", None)


def _restore(schema_editor, form: dict[str, str]) -> None:
    """Create the triggers set aside again, 0008's project triggers in the given form."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT name, sql FROM {_SAVED} ORDER BY rowid")
        saved = cursor.fetchall()
    for name, sql in saved:
        schema_editor.execute(form.get(name, sql), None)
    schema_editor.execute(f"DROP TABLE {_SAVED}", None)


def create_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        _restore(schema_editor, _NEW_FORM)


def create_old_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        _restore(schema_editor, _OLD_FORM)


def replace_postgresql_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_FORWARD, None)


def restore_postgresql_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_BACKWARD, None)


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0017_list_sort_indexes'),
    ]

    operations = [
        migrations.RunPython(set_aside_sqlite_triggers, create_old_sqlite_triggers),
        migrations.AlterModelOptions(
            name='project',
            options={'ordering': ['diary_number', 'slug'], 'verbose_name': 'projekt', 'verbose_name_plural': 'projekt'},
        ),
        migrations.RemoveConstraint(
            model_name='project',
            name='project_diary_number_format',
        ),
        migrations.AlterField(
            model_name='historicalprogramme',
            name='period',
            field=models.CharField(choices=[('2007-2013', '2007–2013'), ('2014-2020', '2014–2020'), ('2021-2027', '2021–2027')], db_index=True, max_length=9, verbose_name='programperiod'),
        ),
        migrations.AlterField(
            model_name='historicalproject',
            name='diary_number',
            field=models.CharField(blank=True, db_index=True, help_text='2014–2020: ÅÅÅÅ/NNNNN (2020/00152). ESF+: ÅÅ-NNN-SNN (22-005-S01). 2007–2013: inget; projektet känns igen på sin källa.', max_length=20, null=True, validators=[projects.validators.validate_diary_number], verbose_name='diarienummer'),
        ),
        migrations.AlterField(
            model_name='historicalproject',
            name='slug',
            field=models.SlugField(editable=False, max_length=60, verbose_name='URL-namn'),
        ),
        migrations.AlterField(
            model_name='programme',
            name='period',
            field=models.CharField(choices=[('2007-2013', '2007–2013'), ('2014-2020', '2014–2020'), ('2021-2027', '2021–2027')], max_length=9, unique=True, verbose_name='programperiod'),
        ),
        migrations.AlterField(
            model_name='project',
            name='diary_number',
            field=models.CharField(blank=True, help_text='2014–2020: ÅÅÅÅ/NNNNN (2020/00152). ESF+: ÅÅ-NNN-SNN (22-005-S01). 2007–2013: inget; projektet känns igen på sin källa.', max_length=20, null=True, unique=True, validators=[projects.validators.validate_diary_number], verbose_name='diarienummer'),
        ),
        migrations.AlterField(
            model_name='project',
            name='slug',
            field=models.SlugField(editable=False, max_length=60, unique=True, verbose_name='URL-namn'),
        ),
        migrations.AddConstraint(
            model_name='project',
            constraint=models.CheckConstraint(condition=models.Q(('diary_number__isnull', True), ('diary_number__regex', '^(20[0-9]{2}/[0-9]{5}|[0-9]{2}-[0-9]{3}-S[0-9]{2})$'), _connector='OR'), name='project_diary_number_format'),
        ),
        migrations.AddConstraint(
            model_name='project',
            constraint=models.CheckConstraint(condition=models.Q(('diary_number__isnull', False), models.Q(('source_url', ''), _negated=True), _connector='OR'), name='project_diary_number_or_source', violation_error_message='Ett projekt utan diarienummer måste ha en källa.'),
        ),
        migrations.AddConstraint(
            model_name='project',
            constraint=models.UniqueConstraint(condition=models.Q(('diary_number__isnull', True)), fields=('source_url',), name='project_source_unique_without_diary_number', violation_error_message='Det finns redan ett projekt med den här källan.'),
        ),
        migrations.RunPython(create_sqlite_triggers, set_aside_sqlite_triggers),
        migrations.RunPython(replace_postgresql_function, restore_postgresql_function),
    ]
