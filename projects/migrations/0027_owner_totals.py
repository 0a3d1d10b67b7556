"""The owners' totals roll-up (`projects/rollups.py`: `OWNER_TOTALS`): per owner over the whole
registry, indexed by grant, its triggers and its first filling.
"""

from django.db import migrations, models

from projects import rollups


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0026_owner_rollup'),
    ]

    operations = [
        migrations.CreateModel(
            name='OwnerTotalRollup',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('owner_key', models.IntegerField(unique=True)),
                ('projects', models.BigIntegerField()),
                ('esf_grant_sum', models.BigIntegerField()),
            ],
            options={
                'indexes': [models.Index(models.OrderBy(models.F('esf_grant_sum'), descending=True), models.F('owner_key'), name='owner_total_grant_idx')],
            },
        ),
        rollups.installed(rollups.OWNER_TOTALS),
    ]
