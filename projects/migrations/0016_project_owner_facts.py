"""What a project's list, facets and search need of its owner, kept on the project's own row.

- `owner_legal_form`: a copy of the owner's legal form, for the legal-form facet and filter, so
  that their counts read `project_portfolio_idx` (now including it) instead of joining every
  project to its organisation.
- PostgreSQL: `search_document` (see 0003) gains the owner's name (weight B), so a search is one
  GIN lookup instead of a match on the projects OR'ed with a match on their owners. It can no
  longer be a generated column (it reads another table), so a trigger writes it.

Triggers keep both true on every write, whoever makes it (the services, an import's bulk write,
generate_demo's COPY, a raw UPDATE): a project's row is completed from its owner on insert and
whenever its owner or text changes, and an organisation's new name or legal form reaches its
projects. Adding the column rebuilds projects_project on SQLite, which drops the triggers of
0008 with it, so they are dropped first and created again after (as 0010 and 0014 do); a later
migration that rebuilds the table must recreate this file's SQLite triggers too.
"""

import importlib

from django.db import migrations, models

RULES = importlib.import_module("projects.migrations.0008_cross_programme_triggers")

POSTGRESQL_FORWARD = """
ALTER TABLE projects_project DROP COLUMN search_document;
ALTER TABLE projects_project ADD COLUMN search_document tsvector;
CREATE FUNCTION project_owner_facts() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    owner_name varchar;
    owner_form varchar;
BEGIN
    SELECT name, legal_form INTO owner_name, owner_form
    FROM projects_organisation WHERE id = NEW.owner_id;
    NEW.owner_legal_form := coalesce(owner_form, '');
    NEW.search_document :=
        setweight(to_tsvector('swedish'::regconfig, coalesce(NEW.diary_number, '') || ' ' ||
            coalesce(NEW.name, '') || ' ' || coalesce(NEW.city, '')), 'A') ||
        setweight(to_tsvector('swedish'::regconfig, coalesce(owner_name, '')), 'B') ||
        setweight(to_tsvector('swedish'::regconfig, coalesce(NEW.description, '')), 'D');
    RETURN NEW;
END $$;
CREATE TRIGGER project_owner_facts BEFORE INSERT OR UPDATE OF
    owner_id, owner_legal_form, diary_number, name, city, description
    ON projects_project FOR EACH ROW EXECUTE FUNCTION project_owner_facts();
CREATE FUNCTION organisation_to_projects() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE projects_project SET owner_id = owner_id WHERE owner_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER organisation_to_projects AFTER UPDATE OF name, legal_form
    ON projects_organisation FOR EACH ROW
    WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.legal_form IS DISTINCT FROM NEW.legal_form)
    EXECUTE FUNCTION organisation_to_projects();
UPDATE projects_project SET owner_id = owner_id;
CREATE INDEX project_search_idx ON projects_project USING gin (search_document);
"""
POSTGRESQL_BACKWARD = """
DROP TRIGGER organisation_to_projects ON projects_organisation;
DROP FUNCTION organisation_to_projects();
DROP TRIGGER project_owner_facts ON projects_project;
DROP FUNCTION project_owner_facts();
ALTER TABLE projects_project DROP COLUMN search_document;
""" + importlib.import_module("projects.migrations.0003_search_indexes").ADD_DOCUMENT

SQLITE_OWNER_FORM = (
    "UPDATE projects_project SET owner_legal_form = coalesce("
    "(SELECT legal_form FROM projects_organisation WHERE id = NEW.owner_id), '') "
    "WHERE id = NEW.id;"
)
SQLITE_FORWARD = [
    "CREATE TRIGGER project_owner_legal_form_insert AFTER INSERT ON projects_project "
    f"FOR EACH ROW BEGIN {SQLITE_OWNER_FORM} END;",
    "CREATE TRIGGER project_owner_legal_form_update AFTER UPDATE OF owner_id, owner_legal_form "
    f"ON projects_project FOR EACH ROW BEGIN {SQLITE_OWNER_FORM} END;",
    "CREATE TRIGGER organisation_legal_form_to_projects AFTER UPDATE OF legal_form "
    "ON projects_organisation FOR EACH ROW WHEN OLD.legal_form IS NOT NEW.legal_form BEGIN "
    "UPDATE projects_project SET owner_legal_form = NEW.legal_form WHERE owner_id = NEW.id; END;",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER project_owner_legal_form_insert",
    "DROP TRIGGER project_owner_legal_form_update",
    "DROP TRIGGER organisation_legal_form_to_projects",
]
SQLITE_FILL = (
    "UPDATE projects_project SET owner_legal_form = coalesce("
    "(SELECT legal_form FROM projects_organisation o WHERE o.id = projects_project.owner_id), '')"
)


def drop_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in RULES.SQLITE_BACKWARD:
            schema_editor.execute(statement, None)


def create_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in RULES.SQLITE_FORWARD:
            schema_editor.execute(statement, None)


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_FORWARD, None)
    elif vendor == "sqlite":
        for statement in [*SQLITE_FORWARD, SQLITE_FILL]:
            schema_editor.execute(statement, None)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_BACKWARD, None)
    elif vendor == "sqlite":
        for statement in SQLITE_BACKWARD:
            schema_editor.execute(statement, None)


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0015_county_reference'),
    ]

    operations = [
        migrations.RunPython(drop_sqlite_triggers, create_sqlite_triggers),
        migrations.RemoveIndex(
            model_name='project',
            name='project_portfolio_idx',
        ),
        migrations.AddField(
            model_name='project',
            name='owner_legal_form',
            field=models.CharField(blank=True, db_default='', choices=[('1', 'Dödsbo'), ('2', 'Stat, region, kommun eller församling'), ('3', 'Utländskt företag'), ('5', 'Aktiebolag'), ('6', 'Enkelt bolag'), ('7', 'Ekonomisk förening'), ('8', 'Ideell förening eller stiftelse'), ('9', 'Handelsbolag eller kommanditbolag'), ('P', 'Enskild näringsidkare'), ('', 'Okänd')], default='', editable=False, max_length=1, verbose_name='projektägarens juridiska form'),
        ),
        migrations.AddIndex(
            model_name='project',
            index=models.Index(fields=['region', 'county', 'programme', 'programme_area', 'specific_objective', 'intervention_field'], include=('esf_grant', 'total_budget', 'planned_participants', 'participant_goal', 'cofinancing_rate', 'start_date', 'end_date', 'owner', 'owner_legal_form', 'is_demo'), name='project_portfolio_idx'),
        ),
        migrations.RunPython(create_sqlite_triggers, drop_sqlite_triggers),
        migrations.RunPython(forward, backward),
    ]
