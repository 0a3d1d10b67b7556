"""The portfolio roll-up (`projects/rollups.py`): its table, the state row with the day its
status is as of, the triggers that keep it in step with projects_project on both databases, and
its first filling from the projects already there.

On SQLite a later migration that rebuilds projects_project drops these triggers with the table:
it must create them again (`rollups.trigger_sql("sqlite", rollup)` for each roll-up), as 0016 says of its own.
"""

from django.db import migrations, models


def create_triggers(apps, schema_editor):
    from projects import rollups

    forward, _backward = rollups.trigger_sql(schema_editor.connection.vendor, rollups.PORTFOLIO)
    for statement in forward:
        schema_editor.execute(statement)
    rollups.rebuild(only=(rollups.PORTFOLIO,))


def drop_triggers(apps, schema_editor):
    from projects import rollups

    _forward, backward = rollups.trigger_sql(schema_editor.connection.vendor, rollups.PORTFOLIO)
    for statement in backward:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0020_esf_plus_intervention_names"),
    ]

    operations = [
        migrations.CreateModel(
            name="RollupState",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("as_of", models.DateField()),
            ],
        ),
        migrations.CreateModel(
            name="PortfolioRollup",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("programme_key", models.IntegerField()),
                ("region_key", models.IntegerField()),
                ("county_key", models.IntegerField()),
                ("programme_area_key", models.IntegerField()),
                ("specific_objective_key", models.IntegerField()),
                ("intervention_field_key", models.IntegerField()),
                ("owner_legal_form", models.CharField(max_length=20)),
                ("is_demo", models.BooleanField()),
                ("start_year", models.IntegerField()),
                ("status", models.CharField(max_length=10)),
                ("projects", models.BigIntegerField()),
                ("esf_grant_sum", models.BigIntegerField()),
                ("total_budget_sum", models.BigIntegerField()),
                ("budget_known", models.BigIntegerField()),
                ("participants_sum", models.BigIntegerField()),
                ("participant_goal_sum", models.BigIntegerField()),
                ("with_participants", models.BigIntegerField()),
                ("grant_with_participants", models.BigIntegerField()),
                ("participants_with_grant", models.BigIntegerField()),
                ("with_budget", models.BigIntegerField()),
                ("grant_with_budget", models.BigIntegerField()),
                ("budget_with_grant", models.BigIntegerField()),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=(
                            "programme_key",
                            "region_key",
                            "county_key",
                            "programme_area_key",
                            "specific_objective_key",
                            "intervention_field_key",
                            "owner_legal_form",
                            "is_demo",
                            "start_year",
                            "status",
                        ),
                        name="portfolio_rollup_key",
                    )
                ],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
