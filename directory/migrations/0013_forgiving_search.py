"""Forgiving search on PostgreSQL: accents folded, stems, trigram indexes (cms/search_text.py).

- Extensions `unaccent` and `pg_trgm` (contrib, trusted).
- `public.sesn_fold(text)`: lower(unaccent(text)), IMMUTABLE (`unaccent` itself is only STABLE,
  it reads its dictionary), so it can be indexed.
- Text search configuration `sesn_simple`: `simple` with `unaccent` in front. Wagtail's backend
  uses it (`SEARCH_CONFIG`), and the directory's `search_vector` columns are rebuilt with it.
  Wagtail's existing index entries are folded in place (lexemes, positions and weights kept).
- `public.sesn_word_query(word)`: the tsquery of one searched word, the folded word and the stem
  of each PostgreSQL stemmer of the project's languages as prefixes (stems under 4 letters are
  left out: "cars" would otherwise find "carbon"), without a prefix that a shorter one covers:
  "cheese" is `'chees':*` alone. Fewer prefixes keep the planner's estimate of the matches
  (each prefix counts at least 0.5% of the rows) low enough for a rare word to be looked up in
  the GIN index rather than found by walking the name order.
- GIN trigram indexes on the folded names and cities of the directory tables and on the folded
  titles of the pages, for the typo fallback.

SQLite has none of these: cms.search_backend folds there.
"""

from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations

STEMMERS = [
    "danish_stem",
    "german_stem",
    "english_stem",
    "finnish_stem",
    "lithuanian_stem",
    "norwegian_stem",
    "swedish_stem",
]

SEARCHED_COLUMNS = {
    "directory_socialenterprise": ["name", "summary", "description", "city"],
    "directory_supportorganisation": ["name", "summary", "description", "city"],
    "directory_event": ["title", "summary", "description", "english_summary", "city"],
}

# The columns the typo fallback compares (cms.search_text.typo_fallback builds the same SQL).
TYPO_COLUMNS = {
    "directory_socialenterprise": ["name", "city"],
    "directory_supportorganisation": ["name", "city"],
    "directory_event": ["title", "city"],
    "wagtailcore_page": ["title"],
}

STEMMER_LIST = ", ".join(f"'{name}'" for name in STEMMERS)

FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION public.sesn_fold(text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$;

CREATE OR REPLACE FUNCTION public.sesn_fold_vector(vector tsvector) RETURNS tsvector
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$
    SELECT coalesce(string_agg(
        '''' || replace(replace(public.sesn_fold(lexeme), '\\', '\\\\'), '''', '''''') || ''''
        || coalesce(':' || (
            SELECT string_agg(position::text || weight, ',')
            FROM unnest(positions, weights) AS p(position, weight)
        ), ''),
        ' '), '')::tsvector
    FROM unnest(vector)
    $$;

CREATE OR REPLACE FUNCTION public.sesn_word_query(word text) RETURNS tsquery
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$
    WITH lexemes AS (
        SELECT public.sesn_fold(word) AS lexeme
        UNION
        SELECT stem FROM unnest(ARRAY[{STEMMER_LIST}]::regdictionary[])
            AS dictionary, unnest(ts_lexize(dictionary, public.sesn_fold(word))) AS stem
        WHERE length(stem) >= 4
    )
    SELECT coalesce(string_agg(quote_literal(lexeme) || ':*', ' | ' ORDER BY lexeme), '')::tsquery
    FROM lexemes AS kept
    WHERE lexeme <> '' AND NOT EXISTS (
        SELECT 1 FROM lexemes AS shorter
        WHERE shorter.lexeme <> kept.lexeme AND starts_with(kept.lexeme, shorter.lexeme)
    )
    $$;

DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'sesn_simple') THEN
        CREATE TEXT SEARCH CONFIGURATION public.sesn_simple (COPY = pg_catalog.simple);
        ALTER TEXT SEARCH CONFIGURATION public.sesn_simple
            ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part
            WITH public.unaccent, pg_catalog.simple;
    END IF;
END $$;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTIONS, params=None)  # several statements: no parameters
    for table, columns in SEARCHED_COLUMNS.items():
        text = " || ' ' || ".join(f"coalesce({column}, '')" for column in columns)
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector")
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN search_vector tsvector GENERATED ALWAYS AS"
            f" (to_tsvector('public.sesn_simple'::regconfig, {text})) STORED"
        )
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {table}_search_vector"
            f" ON {table} USING gin (search_vector)"
        )
    schema_editor.execute(
        "UPDATE wagtailsearch_indexentry"
        " SET title = public.sesn_fold_vector(title), body = public.sesn_fold_vector(body)"
    )
    for table, columns in TYPO_COLUMNS.items():
        text = " || ' ' || ".join(f"coalesce({column}, '')" for column in columns)
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {table}_typos"
            f" ON {table} USING gin (public.sesn_fold({text}) gin_trgm_ops)"
        )
    for table in TYPO_COLUMNS:
        schema_editor.execute(f"ANALYZE {table}")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TYPO_COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_typos")
    for table, columns in SEARCHED_COLUMNS.items():
        text = " || ' ' || ".join(f"coalesce({column}, '')" for column in columns)
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector")
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN search_vector tsvector GENERATED ALWAYS AS"
            f" (to_tsvector('simple'::regconfig, {text})) STORED"
        )
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {table}_search_vector"
            f" ON {table} USING gin (search_vector)"
        )
    schema_editor.execute(
        "DROP FUNCTION IF EXISTS public.sesn_word_query(text);"
        " DROP FUNCTION IF EXISTS public.sesn_fold_vector(tsvector);"
        " DROP TEXT SEARCH CONFIGURATION IF EXISTS public.sesn_simple;"
        " DROP FUNCTION IF EXISTS public.sesn_fold(text);",
        params=None,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0012_facetcount_deferred"),
        ("wagtailsearch", "0010_add_text_fields"),
    ]

    operations = [
        UnaccentExtension(),
        TrigramExtension(),
        migrations.RunPython(forward, backward),
    ]
