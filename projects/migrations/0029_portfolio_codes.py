"""The portfolio roll-up without the start year and the legal form (`projects/rollups.py`:
`PORTFOLIO_CODES`): its table, the triggers that keep it in step with projects_project, and its
first filling, as of the other roll-ups' day.
"""


from django.db import migrations, models

from projects import rollups


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0028_page_projects'),
    ]

    operations = [
        migrations.CreateModel(
            name='PortfolioCodesRollup',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('programme_key', models.IntegerField()),
                ('region_key', models.IntegerField()),
                ('county_key', models.IntegerField()),
                ('programme_area_key', models.IntegerField()),
                ('specific_objective_key', models.IntegerField()),
                ('intervention_field_key', models.IntegerField()),
                ('is_demo', models.BooleanField()),
                ('status', models.CharField(max_length=10)),
                ('projects', models.BigIntegerField()),
                ('esf_grant_sum', models.BigIntegerField()),
                ('total_budget_sum', models.BigIntegerField()),
                ('budget_known', models.BigIntegerField()),
                ('participants_sum', models.BigIntegerField()),
                ('participant_goal_sum', models.BigIntegerField()),
                ('with_participants', models.BigIntegerField()),
                ('grant_with_participants', models.BigIntegerField()),
                ('participants_with_grant', models.BigIntegerField()),
                ('with_budget', models.BigIntegerField()),
                ('grant_with_budget', models.BigIntegerField()),
                ('budget_with_grant', models.BigIntegerField()),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('programme_key', 'region_key', 'county_key', 'programme_area_key', 'specific_objective_key', 'intervention_field_key', 'is_demo', 'status'), name='portfolio_codes_rollup_key')],
            },
        ),
        rollups.installed(rollups.PORTFOLIO_CODES),
    ]
