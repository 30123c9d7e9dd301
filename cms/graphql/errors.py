"""GraphQL errors with a stable `extensions.code`, and formatting that never leaks internals."""

import logging
import re

from django.conf import settings

from graphql import GraphQLError

logger = logging.getLogger("cms.graphql")


class CodedError(GraphQLError):
    code = "INTERNAL_SERVER_ERROR"

    def __init__(self, message, **extensions):
        super().__init__(message, extensions={"code": self.code, **extensions})


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
    """The words of a search, for Wagtail's search backend; raises BadUserInput without any.

    Quotes, brackets and operators would reach the backend as FTS5 or tsquery syntax (a stray
    quote is an SQLite syntax error): only the words are searched.
    """
    words = " ".join(re.findall(r"\w+", query))
    if not words:
        raise BadUserInput(f"The search {query!r} has no words to look for.", argument=argument)
    return words


def format_error(error):
    """The JSON of one error: our own messages as they are, anything else hidden.

    graphene-django would send the raw exception text (a database error, a traceback line);
    an unexpected exception is logged here and the client sees a generic message.
    """
    original = getattr(error, "original_error", None)
    formatted = error.formatted
    if original is None or isinstance(original, GraphQLError):
        extensions = dict(formatted.get("extensions") or {})
        if isinstance(original, CodedError):
            extensions.update(original.extensions or {})
        extensions.setdefault("code", "GRAPHQL_VALIDATION_FAILED")
        formatted["extensions"] = extensions
        return formatted
    if isinstance(original, TypeError) and "ALLOWED_IMAGE_FILTERS" in str(original):
        # grapple refuses a rendition outside the allow-list with a bare TypeError.
        allowed = ", ".join(settings.GRAPPLE["ALLOWED_IMAGE_FILTERS"])
        formatted["message"] = f"This image rendition is not offered. Allowed: {allowed}."
        formatted["extensions"] = {"code": BadUserInput.code}
        return formatted
    logger.error("Unhandled error in a GraphQL resolver", exc_info=original)
    formatted["message"] = "Internal server error."
    formatted["extensions"] = {"code": "INTERNAL_SERVER_ERROR"}
    return formatted
