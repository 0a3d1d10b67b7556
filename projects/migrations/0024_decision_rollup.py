"""The dashboard's decisions roll-up (`projects/rollups.py`: `DECIDED`): its table, the
triggers on projects_project (a project's change moves its decisions between keys) and on
projects_decision that keep it, and its first filling, as of the other roll-ups' day.

On SQLite a later migration that rebuilds projects_project or projects_decision drops these
triggers with the table: it must create them again (`rollups.trigger_sql("sqlite", rollup)`).
"""

from django.db import migrations, models

from projects import rollups


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0023_shape_rollups'),
    ]

    operations = [
        migrations.CreateModel(
            name='DecisionRollup',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('programme_key', models.IntegerField()),
                ('region_key', models.IntegerField()),
                ('county_key', models.IntegerField()),
                ('programme_area_key', models.IntegerField()),
                ('is_demo', models.BooleanField()),
                ('start_year', models.IntegerField()),
                ('status', models.CharField(max_length=10)),
                ('decided_year', models.IntegerField()),
                ('decisions', models.BigIntegerField()),
                ('esf_grant_sum', models.BigIntegerField()),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('programme_key', 'region_key', 'county_key', 'programme_area_key', 'is_demo', 'start_year', 'status', 'decided_year'), name='decision_rollup_key')],
            },
        ),
        rollups.installed(rollups.DECIDED),
    ]
