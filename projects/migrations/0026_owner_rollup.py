"""The owners' roll-up (`projects/rollups.py`: `OWNERS`): its table, the triggers that keep it
in step with projects_project, and its first filling, as of the other roll-ups' day.
"""

from django.db import migrations, models

from projects import rollups


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0025_portfolio_all_years'),
    ]

    operations = [
        migrations.CreateModel(
            name='OwnerRollup',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('owner_key', models.IntegerField()),
                ('is_demo', models.BooleanField()),
                ('status', models.CharField(max_length=10)),
                ('projects', models.BigIntegerField()),
                ('esf_grant_sum', models.BigIntegerField()),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('owner_key', 'is_demo', 'status'), name='owner_rollup_key')],
            },
        ),
        rollups.installed(rollups.OWNERS),
    ]
