"""Full-text search structures on PostgreSQL (SQLite searches with LIKE and needs none).

- `projects_project.search_document`: a stored generated tsvector (Swedish configuration) of the
  diary number, name and city (weight A) and the description (weight D), with a GIN index. Stored,
  so ranking a broad match does not re-parse every description. Not declared on the model, since
  it exists only on PostgreSQL; `SearchDocumentMatch`/`SearchDocumentRank` in models.py use it.
- A GIN expression index on the organisation name, built from `organisation_document()`, the
  same expression the query uses, so that PostgreSQL can match it.
"""

from django.contrib.postgres.indexes import GinIndex
from django.db import migrations

from projects.models import organisation_document

ADD_DOCUMENT = """
ALTER TABLE projects_project ADD COLUMN search_document tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('swedish'::regconfig, coalesce(diary_number, '') || ' ' ||
    coalesce(name, '') || ' ' || coalesce(city, '')), 'A') ||
  setweight(to_tsvector('swedish'::regconfig, coalesce(description, '')), 'D')
) STORED;
CREATE INDEX project_search_idx ON projects_project USING gin (search_document);
"""
DROP_DOCUMENT = "ALTER TABLE projects_project DROP COLUMN search_document;"
ORGANISATION_INDEX = GinIndex(organisation_document(), name="organisation_search_idx")


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ADD_DOCUMENT)
        schema_editor.add_index(apps.get_model("projects", "Organisation"), ORGANISATION_INDEX)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_DOCUMENT)
        schema_editor.remove_index(apps.get_model("projects", "Organisation"), ORGANISATION_INDEX)


class Migration(migrations.Migration):
    dependencies = [("projects", "0002_reference_data")]

    operations = [migrations.RunPython(create, drop)]
