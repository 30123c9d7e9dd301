"""A `search_vector` column on each directory table, with a GIN index, PostgreSQL only.

Searching the lists through Wagtail's index entries (one table for every model, matched by
`object_id` text) meant finding every hit there, then joining the hits to the rows and their
translation groups: about 100,000 hits for a word every entry has. A tsvector column on the
rows themselves lets a search be a filter on the rows the list reads (`directory.schema.
search_records`), so the planner can walk the name index and stop after one page, or look a
few hits up by translation key.

The column is GENERATED ... STORED: PostgreSQL computes it on every insert and update, so
`save()`, the admin, and the bulk writes of `cms/bulk.py` (seed_demo, import_directory) keep it
in step without any code of ours. It covers the fields the models' `search_fields` search, with
the text search configuration of Wagtail's backend (`SEARCH_CONFIG`), so it matches what Wagtail
would. Changing `SEARCH_CONFIG` needs this migration reversed and applied again.

SQLite has no such column: its searches go through Wagtail's FTS5 index, as before.
"""

from django.conf import settings
from django.db import migrations

SEARCHED_COLUMNS = {
    "directory_socialenterprise": ["name", "summary", "description", "city"],
    "directory_supportorganisation": ["name", "summary", "description", "city"],
    "directory_event": ["title", "summary", "description", "english_summary", "city"],
}


def _config(schema_editor):
    config = settings.WAGTAILSEARCH_BACKENDS.get("default", {}).get("SEARCH_CONFIG")
    with schema_editor.connection.cursor() as cursor:
        # `sesn_simple`, the configuration of today's settings, is made by migration 0013,
        # which rebuilds these columns with it.
        cursor.execute("SELECT 1 FROM pg_ts_config WHERE cfgname = %s", [config or ""])
        if cursor.fetchone():
            return config
        if config:
            return "simple"
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SHOW default_text_search_config")
        return cursor.fetchone()[0]


def add_search_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    config = schema_editor.quote_value(_config(schema_editor))
    for table, columns in SEARCHED_COLUMNS.items():
        text = " || ' ' || ".join(f"coalesce({column}, '')" for column in columns)
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS search_vector tsvector "
            f"GENERATED ALWAYS AS (to_tsvector({config}::regconfig, {text})) STORED"
        )
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {table}_search_vector"
            f" ON {table} USING gin (search_vector)"
        )
        schema_editor.execute(f"ANALYZE {table}")


def drop_search_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in SEARCHED_COLUMNS:
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector")


class Migration(migrations.Migration):
    # After the latest migration in the tree, whatever its number, so the graph keeps one leaf.
    dependencies = [("directory", "0006_partner_matching_indexes")]

    operations = [migrations.RunPython(add_search_vectors, drop_search_vectors)]
