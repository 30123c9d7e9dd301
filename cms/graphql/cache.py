"""GraphQL answers cached between publishes, and Automatic Persisted Queries.

An anonymous query's answer is stored by cms/public_cache.py (which says what renews it) under
a key made of the query's tokens (so spacing and comments do not matter), its variables and its
operation name. A hit is two cache reads (generation, answer) and no SQL, no parsing and no
resolver.

Only answers that are the same for everyone are stored: queries (never mutations) without
errors, outside a preview, from a request with no session cookie (the view decides).

Persisted queries follow Apollo's protocol: a request carrying
`extensions.persistedQuery.sha256Hash` without a query is answered from the query stored under
that hash, or with `PersistedQueryNotFound`, after which the client sends the query and the hash
together and the query is stored once it passes validation. So a CDN can cache GET requests
whose URL holds a hash instead of a whole query.
"""

import hashlib
import json
import re
import string

from django.conf import settings

from graphql import GraphQLError
from graphql.language import Lexer, Source, TokenKind

from cms.public_cache import cache

PERSISTED_PREFIX = "graphql:apq:"
#: GraphQL's names, numbers and punctuators (spaces, line ends and commas are ignored tokens).
TOKENS = re.compile(r"\.\.\.|[_A-Za-z][_0-9A-Za-z]*|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|[^\s,\ufeff]")
HEX = frozenset(string.hexdigits)


# Keys


def normalised(query):
    """The query's tokens, one space apart: the same for any spacing, commas or comments.
    Strings keep their exact value (JSON-quoted); a query that does not lex is its own text.

    Without strings or comments (most frontends' queries), a regular expression finds the same
    tokens several times faster than the lexer; any other character is a token of its own, so
    two different queries never share a key.
    """
    if '"' not in query and "#" not in query:
        return " ".join(TOKENS.findall(query))
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
    return "graphql:" + hashlib.sha256(request.encode()).hexdigest()


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
