"""Indexes that serve the list's sort orders, so a sorted page is read from an index in order
instead of sorting every matching project.

An unknown figure sorts last in either direction (`ProjectFilter.order`), so on PostgreSQL the
nullable figures get indexes with NULLS LAST, in each direction users sort them (SQLite cannot
declare NULLS LAST in an index; its small registries sort in memory). The model does not
declare these, since they exist only on PostgreSQL. The name gets a plain index on both.
"""

from django.db import migrations, models

# (column, short name, directions)
SORTED_FIGURES = [
    ("esf_grant", "grant", ("ASC", "DESC")),
    ("total_budget", "budget", ("ASC", "DESC")),
    ("planned_participants", "participants", ("DESC",)),
    ("cofinancing_rate", "rate", ("DESC",)),
]
INDEXES = [
    (f"project_{short}_{direction.lower()}_idx", column, direction)
    for column, short, directions in SORTED_FIGURES
    for direction in directions
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, column, direction in INDEXES:
            schema_editor.execute(
                f"CREATE INDEX {name} ON projects_project "
                f"({column} {direction} NULLS LAST, slug)"
            )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, _, _ in INDEXES:
            schema_editor.execute(f"DROP INDEX {name}")


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0016_project_owner_facts'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='project',
            index=models.Index(fields=['name', 'slug'], name='project_name_idx'),
        ),
        migrations.RunPython(create, drop),
    ]
