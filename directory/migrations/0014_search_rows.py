"""The directory's search vectors move to narrow companion tables (PostgreSQL only).

`<table>_search` holds, per record, its id, translation key, the columns publication is judged
by (`cms.visibility.published_record`) and the `search_vector` that migration 0013 kept as a
generated column of the record's table: a search matching most of 100,000 entries read every
whole row to test and count it (`directory.models.search` says more). Statement-level triggers
copy each insert, update, delete and truncate of the record's table; an update computes the
vector again only when a searched column changed (publishing 10,000 imported rows does not).
The generated column and its index are dropped.

SQLite has none of this: its searches go through Wagtail's FTS5 index.
"""

import django.contrib.postgres.search
from django.db import migrations, models

# The columns each table's vector covers (those its model's `search_fields` search).
SEARCHED_COLUMNS = {
    "directory_socialenterprise": ["name", "summary", "description", "city"],
    "directory_supportorganisation": ["name", "summary", "description", "city"],
    "directory_event": ["title", "summary", "description", "english_summary", "city"],
}
CONFIG = "'public.sesn_simple'::regconfig"

# One function per table, with its SQL written out: plpgsql keeps the plan of each statement
# for the session, where EXECUTE of a formatted string is planned on every call (bulk_set
# updates rows one statement each).
FUNCTION = """
CREATE OR REPLACE FUNCTION {search}_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        TRUNCATE {search};
    ELSIF TG_OP = 'INSERT' THEN
        INSERT INTO {search}
            (id, translation_key, live, expired, go_live_at, expire_at, search_vector)
        SELECT n.id, n.translation_key, n.live, n.expired, n.go_live_at, n.expire_at,
               to_tsvector({config}, {text})
          FROM new_rows n;
    ELSIF TG_OP = 'UPDATE' THEN
        UPDATE {search} s
           SET translation_key = n.translation_key, live = n.live, expired = n.expired,
               go_live_at = n.go_live_at, expire_at = n.expire_at,
               search_vector = CASE WHEN {changed} THEN to_tsvector({config}, {text})
                                    ELSE s.search_vector END
          FROM new_rows n JOIN old_rows o ON o.id = n.id
         WHERE s.id = n.id;
    ELSE
        DELETE FROM {search} s USING old_rows o WHERE s.id = o.id;
    END IF;
    RETURN NULL;
END $$;
"""


def _text(columns, alias=None):
    prefix = f"{alias}." if alias else ""
    return " || ' ' || ".join(f"coalesce({prefix}{column}, '')" for column in columns)


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, columns in SEARCHED_COLUMNS.items():
        search = f"{table}_search"
        changed = " OR ".join(f"n.{c} IS DISTINCT FROM o.{c}" for c in columns)
        schema_editor.execute(
            f"CREATE TABLE {search} ("
            f" id bigint PRIMARY KEY, translation_key uuid NOT NULL,"
            f" live boolean NOT NULL, expired boolean NOT NULL,"
            f" go_live_at timestamptz, expire_at timestamptz, search_vector tsvector NOT NULL)"
        )
        schema_editor.execute(
            f"INSERT INTO {search} SELECT id, translation_key, live, expired, go_live_at,"
            f" expire_at, to_tsvector({CONFIG}, {_text(columns)}) FROM {table}"
        )
        # Its index takes the name of the column's index, dropped with it.
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector")
        schema_editor.execute(
            f"CREATE INDEX {search}_vector ON {search} USING gin (search_vector)"
        )
        schema_editor.execute(f"CREATE INDEX {search}_key ON {search} (translation_key)")
        schema_editor.execute(
            FUNCTION.format(
                search=search, config=CONFIG, text=_text(columns, "n"), changed=changed
            ),
            params=None,
        )
        for event, referencing in [
            ("INSERT", "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT"),
            (
                "UPDATE",
                "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT",
            ),
            ("DELETE", "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT"),
            ("TRUNCATE", "FOR EACH STATEMENT"),
        ]:
            schema_editor.execute(
                f"CREATE TRIGGER {search}_{event.lower()} AFTER {event} ON {table}"
                f" {referencing} EXECUTE FUNCTION {search}_sync()"
            )
        schema_editor.execute(f"ANALYZE {search}")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, columns in SEARCHED_COLUMNS.items():
        search = f"{table}_search"
        for event in ("insert", "update", "delete", "truncate"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {search}_{event} ON {table}")
        schema_editor.execute(f"DROP TABLE IF EXISTS {search}")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {search}_sync()")
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN search_vector tsvector GENERATED ALWAYS AS"
            f" (to_tsvector({CONFIG}, {_text(columns)})) STORED"
        )
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {table}_search_vector"
            f" ON {table} USING gin (search_vector)"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0013_forgiving_search"),
    ]

    operations = [
        migrations.CreateModel(
            name="EventSearchRow",
            fields=[
                ("id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("translation_key", models.UUIDField()),
                ("live", models.BooleanField()),
                ("expired", models.BooleanField()),
                ("go_live_at", models.DateTimeField(null=True)),
                ("expire_at", models.DateTimeField(null=True)),
                ("search_vector", django.contrib.postgres.search.SearchVectorField()),
            ],
            options={
                "db_table": "directory_event_search",
                "managed": False,
            },
        ),
        migrations.CreateModel(
            name="SocialEnterpriseSearchRow",
            fields=[
                ("id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("translation_key", models.UUIDField()),
                ("live", models.BooleanField()),
                ("expired", models.BooleanField()),
                ("go_live_at", models.DateTimeField(null=True)),
                ("expire_at", models.DateTimeField(null=True)),
                ("search_vector", django.contrib.postgres.search.SearchVectorField()),
            ],
            options={
                "db_table": "directory_socialenterprise_search",
                "managed": False,
            },
        ),
        migrations.CreateModel(
            name="SupportOrganisationSearchRow",
            fields=[
                ("id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("translation_key", models.UUIDField()),
                ("live", models.BooleanField()),
                ("expired", models.BooleanField()),
                ("go_live_at", models.DateTimeField(null=True)),
                ("expire_at", models.DateTimeField(null=True)),
                ("search_vector", django.contrib.postgres.search.SearchVectorField()),
            ],
            options={
                "db_table": "directory_supportorganisation_search",
                "managed": False,
            },
        ),
        migrations.RunPython(forward, backward),
    ]
