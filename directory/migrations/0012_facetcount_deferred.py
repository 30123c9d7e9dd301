"""Bulk writers may defer the facet counts of migration 0009 and recount once (PostgreSQL only).

The triggers of 0009 keep `directory_facetcount` exact through every statement, which made a
10,000-row import several times slower: each batch of rows and links ran its own grouped upsert,
row locks and prune. A transaction that sets `sesn.facet_counts_deferred` to `on` (SET LOCAL,
see `directory.facet_counts.deferred`) has the triggers step aside, and then recounts each
entry table it wrote with `directory_facetcount_refresh(entry table)`: one grouped statement
per relation over the whole table, before its transaction commits.
"""

import importlib

from django.db import migrations

GUARD = (
    "BEGIN\n"
    "    IF current_setting('sesn.facet_counts_deferred', true) = 'on' THEN\n"
    "        RETURN NULL;\n"
    "    END IF;\n"
)


def _0009():
    return importlib.import_module("directory.migrations.0009_facet_counts")


def _functions():
    """0009's trigger functions with the guard first (the helper functions stay as they are)."""
    source = _0009().FUNCTIONS
    start = source.index("CREATE OR REPLACE FUNCTION directory_facetcount_links()")
    triggers = source[start:]
    return triggers.replace("BEGIN\n", GUARD)


def _refresh():
    """`directory_facetcount_refresh(entry_table)`: that table's counts from scratch."""
    base = _0009()
    branches = []
    for table, relations in base.RELATIONS.items():
        inserts = "\n".join(
            f"        INSERT INTO directory_facetcount "
            f"SELECT '{table}', '{relation}', e.locale_id, l.{term}, count(*)::integer "
            f"FROM {link} l JOIN {table} e ON e.id = l.{entry} "
            f"WHERE {base.COUNTED.format(e='e')} GROUP BY e.locale_id, l.{term};"
            for relation, link, entry, term in relations
        )
        branches.append(f"    IF entry_table = '{table}' THEN\n{inserts}\n    END IF;")
    body = "\n".join(branches)
    return (
        "CREATE OR REPLACE FUNCTION directory_facetcount_refresh(entry_table text) "
        "RETURNS void LANGUAGE plpgsql AS $$\nBEGIN\n"
        "    DELETE FROM directory_facetcount f WHERE f.entry_table = "
        "directory_facetcount_refresh.entry_table;\n"
        f"{body}\nEND $$;"
    )


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(_functions(), params=None)
    schema_editor.execute(_refresh(), params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(_0009().FUNCTIONS, params=None)
    schema_editor.execute("DROP FUNCTION IF EXISTS directory_facetcount_refresh(text)")


class Migration(migrations.Migration):
    dependencies = [("directory", "0011_contact_and_alerts")]

    operations = [migrations.RunPython(create, drop)]
