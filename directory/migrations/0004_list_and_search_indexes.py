"""Indexes for the orders of the lists and for full-text search.

The B-tree indexes are in the models' Meta. Two more exist only on PostgreSQL, where they are
what the planner needs, so they are plain SQL run only there (SQLite searches through FTS5 and
its NULLs already sort last in a descending order):

- `wagtailsearch_indexentry_document`: GIN on `title || body`, the exact expression Wagtail's
  PostgreSQL backend matches a search against (`PostgresSearchQueryCompiler.search`). Wagtail
  indexes each column on its own, which that expression cannot use, so every search read every
  index entry. It serves pages and directory records alike.
- `<entry>_by_verified`: the RECENTLY_VERIFIED order, never-verified entries last.
"""

from django.conf import settings
from django.db import migrations, models

POSTGRES_INDEXES = [
    (
        "wagtailsearch_indexentry_document",
        "wagtailsearch_indexentry USING gin ((title || body))",
    ),
    *(
        (
            f"{table}_by_verified",
            f"{table} (last_verified DESC NULLS LAST, id)",
        )
        for table in ["directory_socialenterprise", "directory_supportorganisation"]
    ),
]


def create_postgres_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, target in POSTGRES_INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")


def drop_postgres_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _target in POSTGRES_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0003_external_id"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
        ("wagtailsearch", "0010_add_text_fields"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="event",
            index=models.Index(fields=["start", "id"], name="event_by_start"),
        ),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(fields=["title", "id"], name="event_by_title"),
        ),
        migrations.AddIndex(
            model_name="socialenterprise",
            index=models.Index(fields=["name", "id"], name="socialenterprise_by_name"),
        ),
        migrations.AddIndex(
            model_name="socialenterprise",
            index=models.Index(fields=["country", "id"], name="socialenterprise_by_country"),
        ),
        migrations.AddIndex(
            model_name="supportorganisation",
            index=models.Index(fields=["name", "id"], name="supportorganisation_by_name"),
        ),
        migrations.AddIndex(
            model_name="supportorganisation",
            index=models.Index(fields=["country", "id"], name="supportorganisation_by_country"),
        ),
        migrations.RunPython(create_postgres_indexes, drop_postgres_indexes),
    ]
