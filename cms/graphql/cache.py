"""GraphQL answers cached between publishes, and Automatic Persisted Queries.

An anonymous query's answer is stored in the cache `GRAPHQL_RESPONSE_CACHE_ALIAS` (Redis when
REDIS_URL is set, so every instance shares it; local memory otherwise, which is right for one
process only) under a key made of the *generation* and the request: the query's tokens (so
spacing and comments do not matter), its variables and its operation name. A hit is two cache
reads (generation, answer) and no SQL, no parsing and no resolver.

Invalidation is a new generation, never a search for the affected keys: every write of content
(`cms.changes.content_changed`: publish, unpublish, delete, move, scheduled publishing, images,
documents, terms, imports) makes one, so the next answer in every locale, fallback rows
included, is computed afresh and old answers age out with their timeout. Content also changes
with no write when a `go_live_at` or `expire_at` passes; the generation records the next such
moment (`cms.changes.next_scheduled_change`) and a request after it starts a new generation.

Only answers that are the same for everyone are stored: queries (never mutations) without
errors, outside a preview, from a request with no session cookie. A generation is a random
token rather than a counter, so a cache that lost it (restart, eviction) can never bring old
answers back.

Persisted queries follow Apollo's protocol: a request carrying
`extensions.persistedQuery.sha256Hash` without a query is answered from the query stored under
that hash, or with `PersistedQueryNotFound`, after which the client sends the query and the hash
together and the query is stored once it passes validation. So a CDN can cache GET requests
whose URL holds a hash instead of a whole query.
"""

import hashlib
import json
import secrets
import string
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.utils import timezone

from graphql import GraphQLError
from graphql.language import Lexer, Source, TokenKind

from cms import changes

GENERATION_KEY = "graphql:generation"
ANSWER_PREFIX = "graphql:answer:"
PERSISTED_PREFIX = "graphql:apq:"
HEX = frozenset(string.hexdigits)


def cache():
    return caches[settings.GRAPHQL_RESPONSE_CACHE_ALIAS]


def enabled():
    return settings.GRAPHQL_RESPONSE_CACHE_SECONDS > 0


# Keys


def normalised(query):
    """The query's tokens, one space apart: the same for any spacing, commas or comments.
    Strings keep their exact value (JSON-quoted); a query that does not lex is its own text."""
    lexer = Lexer(Source(query))
    parts = []
    try:
        token = lexer.advance()
        while token.kind != TokenKind.EOF:
            if token.kind in (TokenKind.STRING, TokenKind.BLOCK_STRING):
                parts.append(json.dumps(token.value))
            else:
                parts.append(token.value or token.kind.value)
            token = lexer.advance()
    except GraphQLError:
        return query
    return " ".join(parts)


def request_key(query, variables, *others):
    """The cache key of a request: its normalised query, its variables and whatever else
    (operation name, output format) changes the answer."""
    request = json.dumps(
        [normalised(query), variables or {}, others],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(request.encode()).hexdigest()


# Generations


def _new_generation():
    """A fresh token, with the next moment at which time alone changes what is public."""
    at = changes.next_scheduled_change()
    state = {"token": secrets.token_hex(8), "until": at.timestamp() if at else None}
    cache().set(GENERATION_KEY, state, timeout=None)
    return state


def current_generation():
    state = cache().get(GENERATION_KEY)
    until = state and state["until"]
    if state is None or (until is not None and timezone.now().timestamp() >= until):
        state = _new_generation()
    return state["token"]


def new_generation(**kwargs):
    """Receiver of content_changed: every answer cached so far is from the past."""
    if enabled():
        cache().delete(GENERATION_KEY)


# Answers


@dataclass(frozen=True)
class Answer:
    body: bytes
    etag: str


def etag_of(body):
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def cached_answer(key):
    """(generation, Answer or None) for a request key."""
    generation = current_generation()
    stored = cache().get(f"{ANSWER_PREFIX}{generation}:{key}")
    return generation, (Answer(*stored) if stored else None)


def store_answer(generation, key, body):
    """Store an answer made in `generation`. An answer whose generation ended while it was made
    (a publish meanwhile) is not stored: it may show what was there before."""
    answer = Answer(body, etag_of(body))
    if cache().get(GENERATION_KEY, {}).get("token") == generation:
        cache().set(
            f"{ANSWER_PREFIX}{generation}:{key}",
            (answer.body, answer.etag),
            timeout=settings.GRAPHQL_RESPONSE_CACHE_SECONDS,
        )
    return answer


def etag_matches(if_none_match, etag):
    """If-None-Match holds the ETag (weak comparison, as RFC 9110 prescribes for it)."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
    return etag.removeprefix("W/") in tags


# Persisted queries


class PersistedQueryError(Exception):
    def __init__(self, message, code, status=200):
        super().__init__(message)
        self.code = code
        self.status = status


def persisted_hash(extensions):
    """The sha256Hash of an Apollo persisted-query extension, or None when there is none."""
    if extensions is None:
        return None
    if isinstance(extensions, str):
        try:
            extensions = json.loads(extensions)
        except (ValueError, RecursionError):
            raise PersistedQueryError(
                "The extensions parameter is not valid JSON.", "BAD_REQUEST", 400
            ) from None
    if not isinstance(extensions, dict):
        raise PersistedQueryError("extensions must be an object.", "BAD_REQUEST", 400)
    persisted = extensions.get("persistedQuery")
    if persisted is None:
        return None
    if not isinstance(persisted, dict):
        raise PersistedQueryError(
            'extensions.persistedQuery must be an object, {"version": 1, "sha256Hash": "..."}.',
            "BAD_REQUEST",
            400,
        )
    if persisted.get("version", 1) != 1:
        raise PersistedQueryError(
            "Only version 1 of persisted queries is supported.", "PERSISTED_QUERY_NOT_SUPPORTED"
        )
    digest = persisted.get("sha256Hash")
    if not isinstance(digest, str) or len(digest) != 64 or not HEX.issuperset(digest):
        raise PersistedQueryError(
            "persistedQuery.sha256Hash must be the 64 hexadecimal digits of the query's SHA-256.",
            "BAD_REQUEST",
            400,
        )
    return digest.lower()


def persisted_query(digest):
    """The query stored under a hash; PersistedQueryNotFound (Apollo's words) when unknown."""
    query = cache().get(PERSISTED_PREFIX + digest)
    if query is None:
        raise PersistedQueryError("PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND")
    return query


def check_persisted(digest, query):
    if hashlib.sha256(query.encode()).hexdigest() != digest:
        raise PersistedQueryError(
            "persistedQuery.sha256Hash is not the SHA-256 of the query sent with it.",
            "BAD_REQUEST",
            400,
        )


def persist(digest, query):
    cache().set(PERSISTED_PREFIX + digest, query, timeout=settings.GRAPHQL_PERSISTED_QUERY_SECONDS)
