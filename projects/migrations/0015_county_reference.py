"""Load the 21 counties (län) of `fixtures/reference/counties.csv`, each in its NUTS-2 region."""

from django.db import migrations


def load_counties(apps, schema_editor):
    from projects import reference

    reference.load_counties(apps)


class Migration(migrations.Migration):
    dependencies = [("projects", "0014_county")]

    operations = [migrations.RunPython(load_counties, migrations.RunPython.noop)]
