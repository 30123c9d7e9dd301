"""Forgiving search: accents folded, word forms, small typos; shared by the directory and pages.

PostgreSQL (objects made by directory migration 0013):

- Every searched tsvector (the directory's search rows, migration 0014, and Wagtail's index
  entries, through `SEARCH_CONFIG`) is built with the `sesn_simple` configuration: `unaccent`, then
  `simple`. Its lexemes are the words themselves, lower-case and without accents, in every
  language, so one index serves the ten languages and nothing is dropped as a stop word.
- A searched word becomes `public.sesn_word_query(word)`: the folded word as a prefix, OR the
  stem each PostgreSQL stemmer makes of it (da de en fi lt nb sv) as a prefix. "virksomheder"
  is looked up as `virksomheder:* | virksom:* | ...`, so it finds "virksomhed"; "enterprises"
  finds "enterprise". A stem is a prefix of most forms of its word, so stemming the query alone
  needs no per-row language. Polish, Latvian and Estonian have no stemmer there and rely on the
  prefix. The function is IMMUTABLE: with a constant word the planner computes the tsquery
  once and answers it through the GIN index.
- Typos: only when the exact search finds nothing, the names and cities (titles for pages and
  events) are matched, word by word, by trigram word similarity (`pg_trgm`, GIN indexes on
  the folded names), threshold TYPO_SIMILARITY, at most TYPO_HITS rows. Trigrams forgive a
  wrong, missing or extra letter in a longer word; a swap in a short one ("Gdnask") is too
  many changed trigrams.

SQLite (FTS5 through cms.search_backend): the indexed text and the query are folded in Python
(`fold`), every word is a prefix; no stemming. The typo fallback compares the query's words
with the words of at most TYPO_CANDIDATES names (difflib).
"""

import difflib
import re
import unicodedata

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connection, transaction
from django.db.models import F, Value
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Cast

from wagtail.search.models import IndexEntry

from modelsearch.backends.database.postgres.weights import get_sql_weights
from modelsearch.utils import get_descendants_content_types_pks

# Letters NFKD leaves whole: strokes and ligatures rather than combining marks.
_LETTERS = str.maketrans(
    {
        "ł": "l",
        "Ł": "L",
        "ø": "o",
        "Ø": "O",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ß": "ss",
        "ẞ": "SS",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "þ": "th",
        "Þ": "TH",
        "ı": "i",
        "ħ": "h",
        "Ħ": "H",
        "ŀ": "l",
        "Ŀ": "L",
    }
)

# Characters of the longest word searched on PostgreSQL (folding may double a few letters).
LONGEST_WORD = 1000
# Characters of the longest word the typo fallback looks for.
LONGEST_TYPO = 40
# Rows whose names the typo fallback compares: enough for a regional directory on SQLite.
TYPO_CANDIDATES = 5000
# Rows the typo fallback returns at most.
TYPO_HITS = 200
# pg_trgm word similarity a name needs to count as a misspelling of the query. "Copenhgaen"
# scores 0.55 against "Copenhagen", "Lodz Textile" 0.31 against "Gdansk".
TYPO_SIMILARITY = 0.5
# difflib ratio a word needs on SQLite ("copenhgaen"/"copenhagen": 0.9).
TYPO_RATIO = 0.8


def fold(text):
    """`text` lower-case, without accents: "Łódź" -> "lodz", "Sociālās" -> "socialas"."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LETTERS))
    return "".join(char for char in decomposed if not unicodedata.combining(char)).lower()


class ForgivingQuery(SearchQuery):
    """The tsquery of `words` (a string of words, as `search_words` returns it): every word,
    folded, as a prefix or through a stemmer (`public.sesn_word_query`)."""

    def __init__(self, words):
        # A lexeme has at most 2,047 bytes (PostgreSQL's parser skips longer words in documents,
        # and a longer one in a tsquery is an error), so such a word cannot match: it is left
        # out, as the parser would leave it out.
        self.words = [word for word in words.split() if len(word) <= LONGEST_WORD]
        super().__init__(Value(words), search_type="raw")

    def as_sql(self, compiler, connection, **extra):
        if not self.words:
            return "''::tsquery", []  # matches nothing
        parts = ["public.sesn_word_query(%s)"] * len(self.words)
        return "(" + " && ".join(parts) + ")", list(self.words)


def ranked_index_entries(model, words):
    """Wagtail's index entries of `model` (and its subclasses) matching `words`, PostgreSQL,
    with `object_pk` and `score` (ranked as Wagtail's backend ranks: the title's rank times its
    norm plus the body's), best first. `title || body` is what the GIN index of directory
    migration 0004 covers."""
    tsquery = ForgivingQuery(words)
    weights = get_sql_weights()
    document = CombinedExpression(F("title"), "||", F("body"), output_field=SearchVectorField())
    score = SearchRank(F("title"), tsquery, weights=weights) * F("title_norm") + SearchRank(
        F("body"), tsquery, weights=weights
    )
    return (
        IndexEntry.objects.filter(content_type_id__in=get_descendants_content_types_pks(model))
        .alias(document=document)
        .filter(document=tsquery)
        .annotate(object_pk=Cast("object_id", output_field=model._meta.pk), score=score)
        .order_by("-score", "-object_pk")
    )


def folded_sql(expression):
    return f"public.sesn_fold({expression})"


def typo_matches(queryset, words, column_sql):
    """[(pk, similarity)] of the rows of `queryset` whose folded `column_sql` (SQL over the
    model's table, the one a trigram index covers) has a word close to each folded word of
    `words`, best first; PostgreSQL. Runs at once, in a transaction that sets the threshold of
    the `%>` operator the index answers."""
    wanted = fold(words).split()
    expression = folded_sql(column_sql)
    similarity = " + ".join([f"word_similarity(%s, {expression})"] * len(wanted))
    rows = queryset.extra(
        select={"_similarity": f"({similarity}) / {len(wanted)}"},
        select_params=wanted,
        where=[f"{expression} %%> %s"] * len(wanted),
        params=wanted,
    ).order_by("-_similarity", "pk")
    with transaction.atomic(using=queryset.db):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)",
                [str(TYPO_SIMILARITY)],
            )
        return list(rows.values_list("pk", "_similarity")[:TYPO_HITS])


def close_words_matches(rows, words):
    """[(pk, ratio)] of `rows` ((pk, text) pairs) in which every word of `words` is close to
    a word of the text (difflib), best first; the SQLite fallback."""
    wanted = fold(words).split()
    found = []
    for pk, text in rows:
        vocabulary = re.findall(r"\w+", fold(text or ""))
        ratios = []
        for word in wanted:
            best = max(
                (difflib.SequenceMatcher(None, word, known).ratio() for known in vocabulary),
                default=0.0,
            )
            if best < TYPO_RATIO:
                break
            ratios.append(best)
        else:
            found.append((pk, sum(ratios) / len(ratios)))
    found.sort(key=lambda hit: (-hit[1], hit[0]))
    return found[:TYPO_HITS]


def typo_fields(model):
    """The columns of `model` the typo fallback compares (directory migration 0013 indexes
    the same on PostgreSQL): its name or title, and its city when it has one."""
    names = {field.name for field in model._meta.concrete_fields}
    return [name for name in ("name", "title", "city") if name in names]


def typo_fallback(queryset, words, fields=None):
    """[(pk, score)] of the rows of `queryset` whose `fields` (text columns of its model)
    look like a misspelling of `words`: trigram similarity on PostgreSQL, difflib over at most
    TYPO_CANDIDATES rows elsewhere."""
    fields = fields or typo_fields(queryset.model)
    if any(len(word) > LONGEST_TYPO for word in words.split()):
        return []  # no name has such a word; its trigrams would only find noise
    if connection.vendor == "postgresql":
        table = queryset.model._meta.db_table
        column_sql = " || ' ' || ".join(f'coalesce("{table}"."{field}", \'\')' for field in fields)
        return typo_matches(queryset, words, column_sql)
    rows = queryset.values_list("pk", *fields).order_by("pk")[:TYPO_CANDIDATES]
    return close_words_matches(((pk, " ".join(filter(None, texts))) for pk, *texts in rows), words)
