"""Load the code lists again, so that an existing database gets the names added to them since
(specific objectives A1, A2 and 3.1; the lists' `name_sv` and `name_en` columns)."""

from django.db import migrations


def load_reference(apps, schema_editor):
    from projects import reference

    reference.load(apps)


class Migration(migrations.Migration):
    dependencies = [("projects", "0010_english_description_and_field_sources")]

    operations = [migrations.RunPython(load_reference, migrations.RunPython.noop)]
