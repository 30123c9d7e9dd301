"""Indexes for partner matching (`directory.matching`), PostgreSQL only.

Ranking partners reads two things for every candidate, whatever `limit` is:

- `<link table>_by_term`: the links that point at the enterprise's own terms, on each link
  table matching counts (offers, needs, sectors, SDGs, target groups). Django's own indexes
  lead with the entry, or hold only the term, so every shared link cost a visit to the table;
  (term, entry) answers the same scan from the index alone.
- `<entry table>_partner_candidates`: the published entries seeking partners, with the columns
  scoring reads (name and slug for ties, country and languages for the geographic and language
  weights, countries served) and those the visibility rule filters on. Read from the table,
  each candidate cost a visit to a heap page full of descriptions.

Plain SQL run only on PostgreSQL: SQLite has no covering indexes and its directories are small.
"""

from django.db import migrations

ENTRY_TABLES = {
    "directory_socialenterprise": "",
    "directory_supportorganisation": ", countries_served",
}

# (link table, term column, entry column)
LINK_TABLES = [
    (f"{entry}_{relation}", term, f"{entry.removeprefix('directory_')}_id")
    for entry in ENTRY_TABLES
    for relation, term in [
        ("offers", "term_id"),
        ("needs", "term_id"),
        ("sectors", "sector_id"),
        ("sdgs", "sdg_id"),
        ("target_groups", "targetgroup_id"),
    ]
]


def postgres_indexes():
    for table, extra in ENTRY_TABLES.items():
        yield (
            f"{table}_partner_candidates",
            f"{table} (locale_id) INCLUDE (id, translation_key, go_live_at, expire_at, name, "
            f"slug, country, languages{extra}) WHERE seeking_partners AND live AND NOT expired",
        )
    for table, term, entry in LINK_TABLES:
        yield f"{table}_by_term", f"{table} ({term}, {entry})"


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, target in postgres_indexes():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _target in postgres_indexes():
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("directory", "0005_facet_indexes")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
