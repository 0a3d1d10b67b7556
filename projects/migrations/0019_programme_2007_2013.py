"""Load the code lists again, so that an existing database gets the 2007–2013 programme
(`fixtures/reference/programmes.csv`) and its two programme areas."""

from django.db import migrations


def load_reference(apps, schema_editor):
    from projects import reference

    reference.load(apps)


class Migration(migrations.Migration):
    dependencies = [("projects", "0018_period_2007_without_diary_number")]

    operations = [migrations.RunPython(load_reference, migrations.RunPython.noop)]
