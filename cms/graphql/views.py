"""Our GraphQL view: request limits, error formatting, caching headers.

Used instead of grapple's view, which is csrf_exempt with no limits at all. A request is
refused before its body is read when it is too large or not JSON; a body that is not a GraphQL
request is a 400 saying what is wrong; the query is parsed under our limits and validated with
our rules before any resolver runs. Every refusal is JSON in our own words.

Answers to anonymous queries are cached between publishes (`cache.py`, `cms/public_cache.py`):
a hit is answered before any parsing, with an ETag, and If-None-Match gets a 304. Apollo's
Automatic Persisted Queries are understood on GET and POST.

Cross-site request forgery: the view is csrf_exempt (frontends hold no session), so it is
content types that keep other sites out. A web page can make a visitor's browser send a
form (`application/x-www-form-urlencoded`, `multipart/form-data`, `text/plain`) but not a
JSON POST without a CORS preflight, which only CORS_ALLOWED_ORIGINS pass. So a POST must be
`application/json`; a query may also come as a GET, a mutation never (405).
"""

import functools
import json

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.signals import setting_changed
from django.http import HttpResponseBadRequest, HttpResponseNotAllowed, JsonResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import csrf_exempt

from graphene_django.views import GraphQLView, HttpError
from graphql import ExecutionResult, GraphQLError, OperationType, execute, get_operation_ast
from graphql.validation import specified_rules, validate

from cms import public_cache

from . import cache
from .cost import QueryCostRule
from .errors import format_error
from .execution import FastExecutionContext
from .validation import (
    NoIntrospectionRule,
    NoNulCharacterRule,
    QueryLimitsRule,
    nul_character_error,
    parse_query,
)

JSON_TYPES = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}


# Checked in a pass of their own before the standard rules, which are slow on the very
# queries these refuse (graphql-core compares every pair of same-named fields).
LIMIT_RULES = (QueryLimitsRule, NoNulCharacterRule, QueryCostRule)


def validation_rules():
    rules = [*specified_rules, *LIMIT_RULES]
    if not settings.GRAPHQL_INTROSPECTION:
        rules.append(NoIntrospectionRule)
    return tuple(rules)


def _json_type(value):
    if value is None:
        return "null"
    return JSON_TYPES.get(type(value), "a number")


def _bad_request(message):
    return HttpError(HttpResponseBadRequest(), message)


# Parsing and validating depend on the query text alone (our rules read no variables:
# cms.graphql.cost), and a frontend sends the same few queries again and again: each is parsed
# and validated once per process (about 2 ms of a 20 ms list), within a bound. A query that
# fails to parse is not remembered (the error is raised again), nor does any document leave
# the cache changed: execution only reads it.
DOCUMENTS_REMEMBERED = 256


def forget_documents(setting, **kwargs):
    """The limits are settings: a changed one (tests override them) applies at once."""
    if setting.startswith("GRAPHQL"):
        _parsed.cache_clear()
        _validation_errors.cache_clear()


setting_changed.connect(forget_documents, dispatch_uid="cms.graphql.forget_documents")


@functools.lru_cache(maxsize=DOCUMENTS_REMEMBERED)
def _parsed(query):
    return parse_query(query)


@functools.lru_cache(maxsize=DOCUMENTS_REMEMBERED)
def _validation_errors(query, schema, rules):
    """The validation errors of `query` (a tuple, empty when valid): the limits first, in a
    pass of their own, then the standard rules."""
    document = _parsed(query)
    limits = [rule for rule in rules if rule in LIMIT_RULES]
    others = [rule for rule in rules if rule not in LIMIT_RULES]
    errors = validate(
        schema, document, limits, max_errors=settings.GRAPHQL_MAX_ERRORS
    ) or validate(schema, document, others, max_errors=settings.GRAPHQL_MAX_ERRORS)
    return tuple(errors)


class CMSGraphQLView(GraphQLView):
    batch = False
    execution_context_class = FastExecutionContext

    @staticmethod
    def format_error(error):
        if isinstance(error, GraphQLError):
            return format_error(error)
        # Our HttpErrors (bad body, wrong method), in our own words.
        return {"message": str(error), "extensions": {"code": "BAD_REQUEST"}}

    def dispatch(self, request, *args, **kwargs):
        self.validation_rules = validation_rules()
        # (generation, key) while this request's answer may be stored; set by _from_cache.
        self.cache_slot = None
        try:
            response = self._refused(request) or self._from_cache(request)
            if response is None:
                # graphene's dispatch without its ensure_csrf_cookie: frontends hold no session
                # (the view is csrf_exempt) and an answer for everyone must not set a cookie.
                response = GraphQLView.dispatch.__wrapped__(self, request, *args, **kwargs)
                response = self._stored(request, response)
        except cache.PersistedQueryError as error:
            response = self._refusal(error.status, str(error), error.code)
        if self._cacheable(request, response):
            patch_cache_control(response, public=True, max_age=settings.GRAPHQL_CACHE_SECONDS)
        else:
            patch_cache_control(response, private=True, no_store=True)
        return response

    def _from_cache(self, request):
        """The stored answer to an anonymous query (304 when the client has it), or None after
        noting in self.cache_slot where this request's answer may be stored."""
        if not public_cache.enabled() or not public_cache.shareable(request):
            return None
        try:
            data = self.parse_body(request)
            if self.graphiql and self.can_display_graphiql(request, data):
                return None
            query, variables, operation_name, _ = self.get_graphql_params(request, data)
        except HttpError:
            return None  # answered, with its reason, by the normal path
        key = cache.request_key(query, variables, operation_name, request.GET.get("pretty"))
        generation, answer = public_cache.cached_answer(key)
        if answer is None:
            self.cache_slot = (generation, key)
            return None
        request.graphql_answer = answer
        return public_cache.answer_response(request, answer, "hit")

    def _stored(self, request, response):
        """Store a fresh answer that anyone may be given, and answer with its ETag."""
        if self.cache_slot is None or not getattr(request, "graphql_shareable", False):
            return response
        if response.status_code != 200 or getattr(request, "is_preview", False):
            return response
        answer = public_cache.store_answer(*self.cache_slot, response.content)
        request.graphql_answer = answer
        return public_cache.answer_response(request, answer, "miss")

    def _refused(self, request):
        """A response refusing the request before its body is read, or None."""
        if request.method == "POST" and self.get_content_type(request) != "application/json":
            return self._refusal(
                415,
                "Send GraphQL as a POST with Content-Type: application/json "
                "(or a query as a GET).",
                "BAD_REQUEST",
            )
        if request.method == "GET":
            size = len(request.GET.get("query", "").encode())
        else:
            try:
                size = len(request.body)
            except RequestDataTooBig:  # past DATA_UPLOAD_MAX_MEMORY_SIZE: not even read
                size = int(request.META["CONTENT_LENGTH"])
        if size > settings.GRAPHQL_MAX_QUERY_BYTES:
            return self._refusal(
                400,
                f"The request is {size} bytes; the limit is {settings.GRAPHQL_MAX_QUERY_BYTES}.",
                "QUERY_TOO_COMPLEX",
            )
        return None

    @staticmethod
    def _refusal(status, message, code):
        return JsonResponse(
            {"errors": [{"message": message, "extensions": {"code": code}}]}, status=status
        )

    def parse_body(self, request):
        """The JSON object a POST carries; a GET's parameters are read by get_graphql_params."""
        if request.method != "POST":
            return {}
        if hasattr(request, "graphql_body"):
            return request.graphql_body
        request.graphql_body = self._json_body(request)
        return request.graphql_body

    def _json_body(self, request):
        try:
            body = json.loads(request.body.decode("utf-8"))
        except UnicodeDecodeError:
            raise _bad_request("The request body is not valid UTF-8.") from None
        except RecursionError:
            raise _bad_request("The request body is nested too deeply.") from None
        except ValueError:
            raise _bad_request("The request body is not valid JSON.") from None
        if not isinstance(body, dict):
            raise _bad_request(
                'The request body must be a JSON object, {"query": "...", "variables": {...}}; '
                f"got {_json_type(body)}."
            )
        return body

    @staticmethod
    def get_graphql_params(request, data):
        """(query, variables, operationName, id) of a GET's parameters or a POST's body, each of
        the type GraphQL over HTTP prescribes; anything else is a 400 saying which."""
        if request.method == "GET":
            data = request.GET
            variables = data.get("variables") or None
            if variables is not None:
                try:
                    variables = json.loads(variables)
                except (ValueError, RecursionError):
                    raise _bad_request("The variables parameter is not valid JSON.") from None
        else:
            variables = data.get("variables")
        query = data.get("query")
        digest = cache.persisted_hash(data.get("extensions"))
        if digest is not None:
            if query is None:
                query = cache.persisted_query(digest)
            elif isinstance(query, str):
                cache.check_persisted(digest, query)
                request.graphql_persist = digest
        operation_name = data.get("operationName")
        if operation_name == "null":
            operation_name = None
        if not isinstance(query, str):
            raise _bad_request(
                'A request needs a query, a string of GraphQL such as "{ pages { totalCount } }"; '
                f"got {_json_type(query)}."
            )
        if not query.strip():
            raise _bad_request("The query is empty.")
        if variables is not None and not isinstance(variables, dict):
            raise _bad_request(
                f"variables must be an object of names and values; got {_json_type(variables)}."
            )
        if operation_name is not None and not isinstance(operation_name, str):
            raise _bad_request(
                f"operationName must be a string; got {_json_type(operation_name)}."
            )
        return query, variables, operation_name, None

    def execute_graphql_request(
        self, request, data, query, variables, operation_name, show_graphiql=False
    ):
        """Run one query under our limits: NUL characters refused, the query parsed with the
        directive cap, validated with our rules, and at most GRAPHQL_MAX_ERRORS errors kept.

        Replaces graphene-django's, which parses without limits and passes unexpected
        exceptions to the client as they are.
        """
        refused = nul_character_error(query, variables)
        if refused:
            return ExecutionResult(errors=[refused])
        try:
            document = _parsed(query)
        except GraphQLError as error:
            return ExecutionResult(errors=[error])

        operation = get_operation_ast(document, operation_name)
        if (
            request.method == "GET"
            and operation is not None
            and operation.operation != OperationType.QUERY
        ):
            raise HttpError(
                HttpResponseNotAllowed(["POST"]),
                f"A {operation.operation.value} must be sent as a POST request.",
            )

        schema = self.schema.graphql_schema
        errors = _validation_errors(query, schema, self.validation_rules)
        if errors:
            return ExecutionResult(errors=list(errors))
        if getattr(request, "graphql_persist", None):
            cache.persist(request.graphql_persist, query)
        try:
            result = execute(
                schema,
                document,
                root_value=self.get_root_value(request),
                context_value=self.get_context(request),
                variable_values=variables,
                operation_name=operation_name,
                middleware=self.get_middleware(request),
                execution_context_class=self.execution_context_class,
            )
        except Exception as error:  # formatted as an internal error, and logged
            return ExecutionResult(errors=[GraphQLError(str(error), original_error=error)])
        if result.errors:
            # Each error keeps its path, so the answer keeps its partial data and status.
            result.errors = result.errors[: settings.GRAPHQL_MAX_ERRORS]
        else:
            request.graphql_shareable = (
                operation is not None and operation.operation == OperationType.QUERY
            )
        return result

    @staticmethod
    def _cacheable(request, response):
        """Public GET answers may be cached by browsers and CDNs; previews, errors and POSTs
        never are."""
        if request.method != "GET" or response.status_code not in (200, 304):
            return False
        if getattr(request, "is_preview", False):
            return False
        return hasattr(request, "graphql_answer") or getattr(request, "graphql_shareable", False)


graphql_view = csrf_exempt(CMSGraphQLView.as_view(graphiql=settings.GRAPHQL_GRAPHIQL))


class CachedAnswerMiddleware:
    """Answers a GET to /graphql/ that is a cache hit before the rest of the middleware runs.

    Sessions, locale, CSRF, authentication, messages and redirects have nothing to add to an
    answer that is the same for everyone, and together they cost more than the hit itself. Listed
    right after SecurityMiddleware and CorsMiddleware, whose headers every answer keeps. Anything
    that is not a plain hit (a miss, GraphiQL, a POST, a bad request) goes on to the view.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.path = reverse("graphql")

    def __call__(self, request):
        if request.method == "GET" and request.path_info == self.path:
            response = self._hit(request)
            if response is not None:
                response["Cache-Control"] = self.cache_control
                return response
        return self.get_response(request)

    @property
    def cache_control(self):
        return f"public, max-age={settings.GRAPHQL_CACHE_SECONDS}"

    @staticmethod
    def _hit(request):
        if not public_cache.enabled() or not public_cache.shareable(request):
            return None
        if settings.GRAPHQL_GRAPHIQL and "text/html" in request.headers.get("Accept", ""):
            return None
        params = request.GET
        if "extensions" in params or "query" not in params:
            return None  # persisted queries and bad requests: the view's
        key = _get_key(
            params["query"],
            params.get("variables") or None,
            params.get("operationName"),
            params.get("pretty"),
        )
        if key is None:
            return None
        _generation, answer = public_cache.cached_answer(key)
        if answer is None:
            return None
        return public_cache.answer_response(request, answer, "hit")


@functools.lru_cache(maxsize=256)
def _get_key(query, variables, operation_name, pretty):
    """The cache key of a GET's parameters, as the view computes it when storing the answer;
    remembered, because frontends repeat the same few URLs. None when the variables are not a
    JSON object (the view says why)."""
    if variables is not None:
        try:
            variables = json.loads(variables)
        except (ValueError, RecursionError):
            return None
        if not isinstance(variables, dict):
            return None
    if operation_name == "null":
        operation_name = None
    return cache.request_key(query, variables, operation_name, pretty)
