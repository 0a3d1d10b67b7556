"""The English description and each field's source.

On SQLite, adding a column rebuilds projects_project (a new table, a copy, the old one dropped):
the triggers of 0008 on it would be dropped with it, and those on the code lists, which name it,
stop the rename. So they are dropped first and created again after, from 0008's own statements.
A later migration that rebuilds projects_project on SQLite must do the same.
"""

import importlib

from django.db import migrations, models

RULES = importlib.import_module("projects.migrations.0008_cross_programme_triggers")


def drop_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in RULES.SQLITE_BACKWARD:
            schema_editor.execute(statement, None)


def create_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in RULES.SQLITE_FORWARD:
            schema_editor.execute(statement, None)


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0009_demo_in_indexes'),
    ]

    operations = [
        migrations.RunPython(drop_sqlite_triggers, create_sqlite_triggers),
        migrations.AddField(
            model_name='historicalproject',
            name='description_en',
            field=models.TextField(blank=True, db_default='', default='', help_text='Visas på de engelska sidorna; utan den visas den svenska.', verbose_name='beskrivning (engelska)'),
        ),
        migrations.AddField(
            model_name='historicalproject',
            name='field_sources',
            field=models.JSONField(blank=True, db_default={}, default=dict, editable=False, help_text='Vilken källa som senast satte varje fält: fält → källa, fil och dag.', verbose_name='uppgifternas källor'),
        ),
        migrations.AddField(
            model_name='project',
            name='description_en',
            field=models.TextField(blank=True, db_default='', default='', help_text='Visas på de engelska sidorna; utan den visas den svenska.', verbose_name='beskrivning (engelska)'),
        ),
        migrations.AddField(
            model_name='project',
            name='field_sources',
            field=models.JSONField(blank=True, db_default={}, default=dict, editable=False, help_text='Vilken källa som senast satte varje fält: fält → källa, fil och dag.', verbose_name='uppgifternas källor'),
        ),
        migrations.RunPython(create_sqlite_triggers, drop_sqlite_triggers),
    ]
