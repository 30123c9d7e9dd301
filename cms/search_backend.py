"""Wagtail's database search backend, folding accents on SQLite (see cms.search_text).

On PostgreSQL this is Wagtail's backend as it is: `SEARCH_CONFIG` (`sesn_simple`, directory
migration 0013) folds accents in the database. SQLite's FTS5 tokenizer drops combining marks
but keeps "ł", "ø", "æ", "ß" as they are, so its index entries and queries are folded in Python
with `cms.search_text.fold`, and every word of a query is a prefix (Wagtail's makes only the
last one a prefix), which stands in for the stemming SQLite lacks.
"""

import functools

from django.db import connection

from modelsearch.backends import database
from modelsearch.query import PlainText

from cms.search_text import fold


@functools.cache
def _folding_sqlite_backend():
    # Imported here: the SQLite backend's module looks up a model only SQLite databases have.
    from modelsearch.backends.database.sqlite import sqlite

    class FoldingObjectIndexer(sqlite.ObjectIndexer):
        def prepare_value(self, value):
            return fold(super().prepare_value(value))

    class FoldingQueryCompiler(sqlite.SQLiteSearchQueryCompiler):
        def build_search_query_content(self, query, config=None):
            if not isinstance(query, PlainText):
                return super().build_search_query_content(query, config=config)
            terms = fold(query.query_string).split()
            if not terms:
                return None
            lexemes = sqlite.Lexeme(terms[0], prefix=True)
            for term in terms[1:]:
                if query.operator.upper() == "AND":
                    lexemes &= sqlite.Lexeme(term, prefix=True)
                else:
                    lexemes |= sqlite.Lexeme(term, prefix=True)
            return sqlite.SearchQueryExpression(lexemes, config=config)

    class FoldingAutocompleteCompiler(sqlite.SQLiteAutocompleteQueryCompiler):
        def build_search_query_content(self, query, config=None):
            if isinstance(query, PlainText):
                query = PlainText(fold(query.query_string), query.operator, query.boost)
            return super().build_search_query_content(query, config=config)

    class FoldingSQLiteSearchBackend(sqlite.SQLiteSearchBackend):
        query_compiler_class = FoldingQueryCompiler
        autocomplete_query_compiler_class = FoldingAutocompleteCompiler

    # SQLiteIndex.add_items builds its indexers from the module's ObjectIndexer, with no hook
    # to pass another; this backend is the only SQLite one the project configures.
    sqlite.ObjectIndexer = FoldingObjectIndexer
    return sqlite.SQLiteSearchBackend, FoldingSQLiteSearchBackend


def SearchBackend(params):  # noqa: N802 (the name Wagtail looks a backend module up by)
    backend = database.SearchBackend(params)
    if connection.vendor == "sqlite":
        plain, folding = _folding_sqlite_backend()
        if isinstance(backend, plain):
            return folding(params)
    return backend
