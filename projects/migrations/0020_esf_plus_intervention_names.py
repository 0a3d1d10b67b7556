"""Load the code lists again, so that an existing database gets the English names of the ESF+
intervention fields 134–164 (`fixtures/reference/intervention_fields.csv`; their source and what
is missing: `fixtures/reference/README.md`)."""

from django.db import migrations


def load_reference(apps, schema_editor):
    from projects import reference

    reference.load(apps)


class Migration(migrations.Migration):
    dependencies = [("projects", "0019_programme_2007_2013")]

    operations = [migrations.RunPython(load_reference, migrations.RunPython.noop)]
