"""Counties (län, NUTS-3) and the project's county; the portfolio index gets the county.

Adding the county to projects_project rebuilds the table on SQLite, so the triggers of 0008 are
dropped first and created again after, as 0010 does (see its docstring).
"""

import importlib

import django.db.models.deletion
import simple_history.models
from django.conf import settings
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
        ('projects', '0013_project_partners'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(drop_sqlite_triggers, create_sqlite_triggers),
        migrations.CreateModel(
            name='County',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.CharField(max_length=20, verbose_name='kod')),
                ('name_sv', models.CharField(blank=True, max_length=500, verbose_name='namn (svenska)')),
                ('name_en', models.CharField(blank=True, max_length=500, verbose_name='namn (engelska)')),
                ('scb_code', models.CharField(help_text='Två siffror, t.ex. 08 för Kalmar län.', max_length=2, verbose_name='länskod (SCB)')),
            ],
            options={
                'verbose_name': 'län',
                'verbose_name_plural': 'län',
                'ordering': ['code'],
            },
        ),
        migrations.CreateModel(
            name='HistoricalCounty',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('code', models.CharField(max_length=20, verbose_name='kod')),
                ('name_sv', models.CharField(blank=True, max_length=500, verbose_name='namn (svenska)')),
                ('name_en', models.CharField(blank=True, max_length=500, verbose_name='namn (engelska)')),
                ('scb_code', models.CharField(help_text='Två siffror, t.ex. 08 för Kalmar län.', max_length=2, verbose_name='länskod (SCB)')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
            ],
            options={
                'verbose_name': 'historical län',
                'verbose_name_plural': 'historical län',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.RemoveIndex(
            model_name='project',
            name='project_portfolio_idx',
        ),
        migrations.AddField(
            model_name='county',
            name='region',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='counties', to='projects.region', verbose_name='region'),
        ),
        migrations.AddField(
            model_name='historicalproject',
            name='county',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='projects.county', verbose_name='län'),
        ),
        migrations.AddField(
            model_name='project',
            name='county',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='projects', to='projects.county', verbose_name='län'),
        ),
        migrations.AddIndex(
            model_name='project',
            index=models.Index(fields=['region', 'county', 'programme', 'programme_area', 'specific_objective', 'intervention_field'], include=('esf_grant', 'total_budget', 'planned_participants', 'participant_goal', 'cofinancing_rate', 'start_date', 'end_date', 'owner', 'is_demo'), name='project_portfolio_idx'),
        ),
        migrations.AddField(
            model_name='historicalcounty',
            name='history_user',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='historicalcounty',
            name='region',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='projects.region', verbose_name='region'),
        ),
        migrations.AddConstraint(
            model_name='county',
            constraint=models.UniqueConstraint(fields=('code',), name='county_code_unique'),
        ),
        migrations.AddConstraint(
            model_name='county',
            constraint=models.UniqueConstraint(fields=('scb_code',), name='county_scb_code_unique'),
        ),
        migrations.RunPython(create_sqlite_triggers, drop_sqlite_triggers),
    ]
