"""GraphQL errors with a stable `extensions.code`, and formatting that never leaks internals."""

import logging
import re

from django.conf import settings

from graphql import GraphQLError, GraphQLSyntaxError

logger = logging.getLogger("cms.graphql")


class CodedError(GraphQLError):
    """An error we raise on purpose: its message is for the client, `code` says what kind it is.

    `nodes` locates it in the query when it was found there (a validation rule's finding).
    """

    code = "INTERNAL_SERVER_ERROR"

    def __init__(self, message, nodes=None, **extensions):
        super().__init__(message, nodes, extensions={"code": self.code, **extensions})


class BadUserInput(CodedError):
    code = "BAD_USER_INPUT"


class NotFound(CodedError):
    code = "NOT_FOUND"


class QueryTooComplex(CodedError):
    code = "QUERY_TOO_COMPLEX"


class RateLimited(CodedError):
    code = "RATE_LIMITED"


def check_limit(limit, offset=0):
    """Lists are capped; a larger limit is an error, not a silent truncation."""
    maximum = settings.GRAPHQL_MAX_LIMIT
    if limit is None:
        limit = 20
    if limit < 0 or limit > maximum:
        raise BadUserInput(
            f"limit must be between 0 and {maximum}; got {limit}.", argument="limit"
        )
    if offset is None:
        offset = 0
    if offset < 0:
        raise BadUserInput(f"offset must not be negative; got {offset}.", argument="offset")
    return limit, offset


def search_words(query, argument="search"):
    """The words of a search, for Wagtail's search backend; raises BadUserInput without any,
    or with more than GRAPHQL_MAX_SEARCH_TERMS.

    Quotes, brackets and operators would reach the backend as FTS5 or tsquery syntax (a stray
    quote is an SQLite syntax error): only the words are searched. The backends build one
    nested expression per word, so a search of a few hundred words overflows Python's stack
    while the SQL is compiled; no one searches with more than a few dozen.
    """
    words = re.findall(r"\w+", query)
    if not words:
        raise BadUserInput(f"The search {query!r} has no words to look for.", argument=argument)
    maximum = settings.GRAPHQL_MAX_SEARCH_TERMS
    if len(words) > maximum:
        raise BadUserInput(
            f"The search has {len(words)} words; the limit is {maximum}.", argument=argument
        )
    return " ".join(words)


def format_error(error):
    """The JSON of one error: our own messages as they are, anything else hidden.

    - Our CodedErrors keep their message and `extensions.code`, wherever they were raised.
    - A query the server refused to run (no path, nothing raised underneath) is
      GRAPHQL_PARSE_FAILED or GRAPHQL_VALIDATION_FAILED, with graphql-core's message.
    - Anything that went wrong while running it (a path, or an exception underneath) is
      INTERNAL_SERVER_ERROR with a generic message, and logged: graphene-django would send the
      raw text (a database error, a serialisation failure naming our values).
    """
    original = getattr(error, "original_error", None)
    formatted = error.formatted
    extensions = dict(formatted.get("extensions") or {})
    coded = next((e for e in (error, original) if isinstance(e, CodedError)), None)
    if coded is not None:
        formatted["extensions"] = {**extensions, **coded.extensions}
        return formatted
    if error.path is None and (original is None or isinstance(original, GraphQLError)):
        failed = "PARSE" if isinstance(error, GraphQLSyntaxError) else "VALIDATION"
        extensions.setdefault("code", f"GRAPHQL_{failed}_FAILED")
        formatted["extensions"] = extensions
        return formatted
    logger.error(
        "Unhandled error in a GraphQL request at %s: %s",
        error.path,
        error.message,
        exc_info=original or error,
    )
    formatted["message"] = "Internal server error."
    formatted["extensions"] = {"code": "INTERNAL_SERVER_ERROR"}
    return formatted
