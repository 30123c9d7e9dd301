"""Per-term counts of the directory's links, kept by the database itself (PostgreSQL only).

The facets of an unfiltered list count, per term, the visible entries of a locale linked to it:
at 100,000 entries that read every link of each dimension (322,000 for SDGs) on every request.
`directory_facetcount` holds those counts ready, for the entries that are visible whatever the
time: published, not marked expired, with no publication window (`go_live_at` and `expire_at`
unset). Entries with a window are few and are counted live on each request (see
`directory.facets`), so the sum is exact at any moment.

Triggers keep the table exact through every write, whoever makes it (the admin, `cms.bulk`'s
bulk paths, raw SQL): the table always holds, per (entry table, relation, locale, term), the
number of links whose entry exists and is counted. Each statement on a link table adds or
subtracts its links whose entry is counted; each statement on an entry table subtracts the links
of rows that stop being counted (or change locale) and adds those of rows that start. Link
statements lock their entries (FOR SHARE) so that a concurrent publication change waits for
them, and sees their links, instead of missing them. TRUNCATE empties the affected counts.

Statement-level triggers with transition tables: a bulk insert of 100,000 links is one grouped
upsert, not 100,000. SQLite has none of this; its facets count live, as before.
"""

from django.db import migrations

COUNTED = "{e}.live AND NOT {e}.expired AND {e}.go_live_at IS NULL AND {e}.expire_at IS NULL"

# entry table -> [(relation, link table, entry column, term column)]
RELATIONS = {
    table: [
        (relation, f"{table}_{relation}", f"{table.removeprefix('directory_')}_id", term)
        for relation, term in [
            ("sectors", "sector_id"),
            ("sdgs", "sdg_id"),
            ("target_groups", "targetgroup_id"),
            ("offers", "term_id"),
            ("needs", "term_id"),
            *([("support_types", "supporttype_id")] if "organisation" in table else []),
        ]
    ]
    for table in ["directory_socialenterprise", "directory_supportorganisation"]
}

FUNCTIONS = """
CREATE TABLE IF NOT EXISTS directory_facetcount (
    entry_table text NOT NULL,
    relation text NOT NULL,
    locale_id integer NOT NULL,
    term_id bigint NOT NULL,
    entries integer NOT NULL,
    PRIMARY KEY (entry_table, relation, locale_id, term_id)
);

-- The statement adding `sign` times the links of the rows of `rows` (a transition table) that
-- are counted; rows_are_links: rows are links (join their entry) or entries (join their links).
-- The trigger itself runs it: transition tables are visible to the trigger function only.
CREATE OR REPLACE FUNCTION directory_facetcount_add(
    entry_table text, relation text, link_table text, entry_column text, term_column text,
    rows_name text, rows_are_links boolean, sign integer
) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    RETURN format(
        'INSERT INTO directory_facetcount AS f '
        '(entry_table, relation, locale_id, term_id, entries) '
        'SELECT %L, %L, e.locale_id, l.%I, %s * count(*) FROM %s '
        'WHERE e.live AND NOT e.expired AND e.go_live_at IS NULL AND e.expire_at IS NULL '
        'GROUP BY e.locale_id, l.%I '
        'ON CONFLICT (entry_table, relation, locale_id, term_id) '
        'DO UPDATE SET entries = f.entries + EXCLUDED.entries',
        entry_table, relation, term_column, sign,
        CASE WHEN rows_are_links
            THEN format('%I l JOIN %I e ON e.id = l.%I', rows_name, entry_table, entry_column)
            ELSE format('%I e JOIN %I l ON l.%I = e.id', rows_name, link_table, entry_column)
        END,
        term_column
    );
END $$;

-- Counts that reached 0 go: the table holds only terms some counted entry has.
CREATE OR REPLACE FUNCTION directory_facetcount_prune(entry_table text, relation text)
RETURNS void LANGUAGE sql AS $$
    DELETE FROM directory_facetcount f
    WHERE f.entry_table = $1 AND f.relation = $2 AND f.entries = 0;
$$;

-- On a link table; arguments: entry table, relation, entry column, term column.
CREATE OR REPLACE FUNCTION directory_facetcount_links() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        DELETE FROM directory_facetcount
        WHERE entry_table = TG_ARGV[0] AND relation = TG_ARGV[1];
        RETURN NULL;
    END IF;
    -- A concurrent change of an entry's publication waits for this statement's transaction,
    -- then sees its links (READ COMMITTED), so no link is counted by neither or by both.
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        EXECUTE format(
            'SELECT 1 FROM %I e WHERE e.id IN (SELECT %I FROM new_links) ORDER BY e.id FOR SHARE',
            TG_ARGV[0], TG_ARGV[2]);
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        EXECUTE format(
            'SELECT 1 FROM %I e WHERE e.id IN (SELECT %I FROM old_links) ORDER BY e.id FOR SHARE',
            TG_ARGV[0], TG_ARGV[2]);
        EXECUTE directory_facetcount_add(
            TG_ARGV[0], TG_ARGV[1], TG_TABLE_NAME, TG_ARGV[2], TG_ARGV[3], 'old_links', true, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        EXECUTE directory_facetcount_add(
            TG_ARGV[0], TG_ARGV[1], TG_TABLE_NAME, TG_ARGV[2], TG_ARGV[3], 'new_links', true, 1);
    END IF;
    PERFORM directory_facetcount_prune(TG_ARGV[0], TG_ARGV[1]);
    RETURN NULL;
END $$;

-- On an entry table; arguments: (relation, link table, entry column, term column) repeated.
CREATE OR REPLACE FUNCTION directory_facetcount_entries() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    i integer := 0;
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        DELETE FROM directory_facetcount WHERE entry_table = TG_TABLE_NAME;
        RETURN NULL;
    END IF;
    -- An update that changes no row's counting or locale (an edit of a text) changes nothing.
    -- (Nested: a statement naming old_entries cannot even be planned in an INSERT trigger.
    -- EXCEPT, not a join of the transition tables: they have no statistics, and a nested loop
    -- over two of 5,000 rows took 25 s.)
    IF TG_OP = 'UPDATE' THEN
        IF NOT EXISTS (
            SELECT o.id, o.locale_id, o.live AND NOT o.expired AND o.go_live_at IS NULL
                AND o.expire_at IS NULL FROM old_entries o
            EXCEPT
            SELECT n.id, n.locale_id, n.live AND NOT n.expired AND n.go_live_at IS NULL
                AND n.expire_at IS NULL FROM new_entries n
        ) THEN
            RETURN NULL;
        END IF;
    END IF;
    WHILE i < array_length(TG_ARGV, 1) LOOP
        IF TG_OP = 'DELETE' THEN
            EXECUTE directory_facetcount_add(TG_TABLE_NAME, TG_ARGV[i], TG_ARGV[i + 1],
                TG_ARGV[i + 2], TG_ARGV[i + 3], 'old_entries', false, -1);
        ELSIF TG_OP = 'INSERT' THEN
            EXECUTE directory_facetcount_add(TG_TABLE_NAME, TG_ARGV[i], TG_ARGV[i + 1],
                TG_ARGV[i + 2], TG_ARGV[i + 3], 'new_entries', false, 1);
        ELSE
            -- Rows that stop being counted (or leave a locale) take their links away, rows
            -- that start (or arrive) bring them; the same row both ways nets out.
            EXECUTE format(
                'INSERT INTO directory_facetcount AS f '
                '(entry_table, relation, locale_id, term_id, entries) '
                'SELECT %L, %L, changed.locale_id, l.%I, sum(changed.sign) FROM ('
                '  SELECT o.id, o.locale_id, -1 AS sign FROM old_entries o '
                '  WHERE o.live AND NOT o.expired AND o.go_live_at IS NULL '
                '    AND o.expire_at IS NULL '
                '  UNION ALL '
                '  SELECT n.id, n.locale_id, 1 FROM new_entries n '
                '  WHERE n.live AND NOT n.expired AND n.go_live_at IS NULL '
                '    AND n.expire_at IS NULL'
                ') changed JOIN %I l ON l.%I = changed.id '
                'GROUP BY changed.locale_id, l.%I HAVING sum(changed.sign) <> 0 '
                'ON CONFLICT (entry_table, relation, locale_id, term_id) '
                'DO UPDATE SET entries = f.entries + EXCLUDED.entries',
                TG_TABLE_NAME, TG_ARGV[i], TG_ARGV[i + 3], TG_ARGV[i + 1], TG_ARGV[i + 2],
                TG_ARGV[i + 3]);
        END IF;
        PERFORM directory_facetcount_prune(TG_TABLE_NAME, TG_ARGV[i]);
        i := i + 4;
    END LOOP;
    RETURN NULL;
END $$;
"""


def _triggers():
    """(name, table, CREATE TRIGGER statement) of every trigger."""
    for table, relations in RELATIONS.items():
        arguments = ", ".join(f"'{value}'" for relation in relations for value in relation)
        for event, referencing in [
            ("INSERT", "NEW TABLE AS new_entries"),
            ("UPDATE", "OLD TABLE AS old_entries NEW TABLE AS new_entries"),
            ("DELETE", "OLD TABLE AS old_entries"),
        ]:
            name = f"{table}_facetcount_{event.lower()}"
            yield (
                name,
                table,
                (
                    f"CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {referencing} "
                    "FOR EACH STATEMENT EXECUTE FUNCTION "
                    f"directory_facetcount_entries({arguments})"
                ),
            )
        name = f"{table}_facetcount_truncate"
        yield (
            name,
            table,
            (
                f"CREATE TRIGGER {name} AFTER TRUNCATE ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION directory_facetcount_entries()"
            ),
        )
        for relation, link, entry, term in relations:
            arguments = f"'{table}', '{relation}', '{entry}', '{term}'"
            for event, referencing in [
                ("INSERT", "NEW TABLE AS new_links"),
                ("UPDATE", "OLD TABLE AS old_links NEW TABLE AS new_links"),
                ("DELETE", "OLD TABLE AS old_links"),
            ]:
                name = f"{link}_facetcount_{event.lower()}"
                yield (
                    name,
                    link,
                    (
                        f"CREATE TRIGGER {name} AFTER {event} ON {link} REFERENCING {referencing} "
                        "FOR EACH STATEMENT EXECUTE FUNCTION "
                        f"directory_facetcount_links({arguments})"
                    ),
                )
            name = f"{link}_facetcount_truncate"
            yield (
                name,
                link,
                (
                    f"CREATE TRIGGER {name} AFTER TRUNCATE ON {link} "
                    f"FOR EACH STATEMENT EXECUTE FUNCTION directory_facetcount_links({arguments})"
                ),
            )


def backfill_sql():
    """The counts from scratch: what the triggers keep (also what tests compare them with)."""
    parts = []
    for table, relations in RELATIONS.items():
        for relation, link, entry, term in relations:
            parts.append(
                f"SELECT '{table}' AS entry_table, '{relation}' AS relation, e.locale_id, "
                f"l.{term} AS term_id, count(*)::integer AS entries FROM {link} l "
                f"JOIN {table} e ON e.id = l.{entry} WHERE {COUNTED.format(e='e')} "
                f"GROUP BY e.locale_id, l.{term}"
            )
    return " UNION ALL ".join(parts)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTIONS, params=None)
    for name, table, statement in _triggers():
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        schema_editor.execute(statement)
    for table in RELATIONS:
        # The entries counted live: those with a publication window.
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {table}_windowed ON {table} (locale_id, id) "
            "WHERE live AND NOT expired AND (go_live_at IS NOT NULL OR expire_at IS NOT NULL)"
        )
    schema_editor.execute("DELETE FROM directory_facetcount")
    schema_editor.execute(f"INSERT INTO directory_facetcount {backfill_sql()}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, _statement in _triggers():
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
    for table in RELATIONS:
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_windowed")
    schema_editor.execute(
        "DROP FUNCTION IF EXISTS directory_facetcount_entries(), directory_facetcount_links(), "
        "directory_facetcount_add(text, text, text, text, text, text, boolean, integer), "
        "directory_facetcount_prune(text, text)"
    )
    schema_editor.execute("DROP TABLE IF EXISTS directory_facetcount")


class Migration(migrations.Migration):
    dependencies = [("directory", "0008_plural_names")]

    operations = [migrations.RunPython(create, drop)]
