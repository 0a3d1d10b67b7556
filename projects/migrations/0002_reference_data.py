"""Load the official code lists so that a fresh `migrate` has every reference row."""

from django.db import migrations


def load_reference(apps, schema_editor):
    from projects import reference

    reference.load(apps)


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]

    operations = [migrations.RunPython(load_reference, migrations.RunPython.noop)]
