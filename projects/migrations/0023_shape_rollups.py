"""The dashboard's years, sizes and rates roll-ups (`projects/rollups.py`: `YEARS`, `SIZES`,
`RATES`): their tables, the triggers that keep them in step with projects_project, and their
first filling from the projects already there, as of the portfolio roll-up's day.

On SQLite a later migration that rebuilds projects_project drops these triggers with the table:
it must create them again (`rollups.trigger_sql("sqlite", rollup)` for each roll-up).
"""

from django.db import migrations, models

from projects import rollups


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0022_decision_money_index'),
    ]

    operations = [
        migrations.CreateModel(
            name='RateRollup',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('programme_key', models.IntegerField()),
                ('region_key', models.IntegerField()),
                ('county_key', models.IntegerField()),
                ('programme_area_key', models.IntegerField()),
                ('is_demo', models.BooleanField()),
                ('start_year', models.IntegerField()),
                ('status', models.CharField(max_length=10)),
                ('projects', models.BigIntegerField()),
                ('esf_grant_sum', models.BigIntegerField()),
                ('rate', models.DecimalField(decimal_places=2, max_digits=5)),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('programme_key', 'region_key', 'county_key', 'programme_area_key', 'is_demo', 'start_year', 'status', 'rate'), name='rate_rollup_key')],
            },
        ),
        migrations.CreateModel(
            name='SizeRollup',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('programme_key', models.IntegerField()),
                ('region_key', models.IntegerField()),
                ('county_key', models.IntegerField()),
                ('programme_area_key', models.IntegerField()),
                ('is_demo', models.BooleanField()),
                ('start_year', models.IntegerField()),
                ('status', models.CharField(max_length=10)),
                ('projects', models.BigIntegerField()),
                ('esf_grant_sum', models.BigIntegerField()),
                ('size_bucket', models.IntegerField()),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('programme_key', 'region_key', 'county_key', 'programme_area_key', 'is_demo', 'start_year', 'status', 'size_bucket'), name='size_rollup_key')],
            },
        ),
        migrations.CreateModel(
            name='YearRollup',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('programme_key', models.IntegerField()),
                ('region_key', models.IntegerField()),
                ('county_key', models.IntegerField()),
                ('programme_area_key', models.IntegerField()),
                ('is_demo', models.BooleanField()),
                ('start_year', models.IntegerField()),
                ('status', models.CharField(max_length=10)),
                ('projects', models.BigIntegerField()),
                ('esf_grant_sum', models.BigIntegerField()),
                ('end_year', models.IntegerField()),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('programme_key', 'region_key', 'county_key', 'programme_area_key', 'is_demo', 'start_year', 'status', 'end_year'), name='year_rollup_key')],
            },
        ),
        rollups.installed(rollups.YEARS, rollups.SIZES, rollups.RATES),
    ]
