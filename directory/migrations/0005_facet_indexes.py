"""The visible rows of each directory entry table, readable from an index alone (PostgreSQL).

Every facet query, and each list's count, starts from the same set: the visible rows of a
locale (`cms.visibility.visible_records` then `best_locale`). Read from the table, that set
costs a visit to every row's heap page, about 8 KB per 13 rows with the descriptions; at
100,000 entries that was most of a facet's time, once per facet. This partial index holds only
the published, unexpired rows, with the other columns the set is filtered on (the publication
window, the translation group, the country), so PostgreSQL answers it with an index-only scan
and each facet is left with its link table.

Plain SQL run only on PostgreSQL: SQLite has no covering indexes and its lists are small.
"""

from django.db import migrations

TABLES = ["directory_socialenterprise", "directory_supportorganisation"]


def index_name(table):
    return f"{table}_visible_rows"


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {index_name(table)} ON {table} (locale_id, id) "
            "INCLUDE (translation_key, country, go_live_at, expire_at) "
            "WHERE live AND NOT expired"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {index_name(table)}")


class Migration(migrations.Migration):
    dependencies = [("directory", "0004_list_and_search_indexes")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
