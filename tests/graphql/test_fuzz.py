"""Property-based fuzzing of /graphql/ through the real view, over demo content.

Queries and mutations are generated from `schema.graphql` by hypothesis-graphql, valid ones
(with arguments pointing at real records often enough that resolvers run) and invalid ones
(one schema violation each), together with variables of every JSON shape and raw bodies no
client library would send. Whatever arrives, the answer is JSON, never a 5xx, never
`INTERNAL_SERVER_ERROR`, and no error message shows internals (a traceback, SQL, a class or
module name, a Python exception text).

FUZZ_EXAMPLES is the number of examples over all tests of this module: about 300 in
`make test` (the same examples each run, so the suite stays reproducible) and 10,000 with
random examples in `make fuzz`.
"""

import datetime
import json
import os
import re
from functools import cache
from pathlib import Path

from django.core.cache import cache as django_cache
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.utils import timezone

from wagtail.models import Page

import graphql
import hypothesis_graphql
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import nodes

from directory import models as directory
from pages import models as pages
from tests import factories

pytestmark = pytest.mark.fuzz

SCHEMA = graphql.build_schema((Path(__file__).parents[2] / "schema.graphql").read_text())

EXPLICIT_EXAMPLES = "FUZZ_EXAMPLES" in os.environ
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "300"))

# Each test's share of FUZZ_EXAMPLES: valid queries matter most, because only they reach the
# resolvers with real data.
SHARES = {"queries": 0.35, "invalid": 0.2, "mutations": 0.15, "variables": 0.2, "bodies": 0.1}


def fuzz_settings(share):
    return settings(
        max_examples=max(1, int(EXAMPLES * SHARES[share])),
        deadline=None,
        # The suite replays the same examples on every run; `make fuzz` explores new ones.
        derandomize=not EXPLICIT_EXAMPLES,
        database=None,
        print_blob=True,
        # The Django client and the seeded database are shared on purpose: each example
        # clears the cache and rolls its writes back (see `post`).
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
        ],
    )


# What an error message must never contain. Messages may quote the client's own input, so
# the patterns are specific to what Python, Django and the databases write.
INTERNAL_TEXT = re.compile(
    "|".join(
        [
            r"Traceback \(most recent call last\)",
            r'File "[^"]*", line \d+',
            r"\b(?:django|wagtail|grapple|graphene|graphene_django|modelcluster|taggit)\.\w",
            r"\b(?:directory|pages|cms)\.(?:models|schema|mutations|graphql|blocks)\b",
            r"psycopg|sqlite|\bfts5\b|tsquery|tsvector",
            r"\bSELECT\b.+\bFROM\b|\bINSERT INTO\b|\bUPDATE\b.+\bSET\b|syntax error at or near",
            r"\b(?:Operational|Integrity|Programming|Data|Database|Internal)Error\b",
            r"object has no attribute|NoneType|object is not (?:subscriptable|iterable|callable)",
            r"has no len\(\)|codec can't (?:en|de)code|invalid literal for|unsupported operand",
            r"index out of range|maximum recursion depth|positional argument|keyword argument",
            r"<class '|<[\w.]+ object at 0x[0-9a-fA-F]+>|\bat 0x[0-9a-fA-F]{6,}",
            r"prefetch_related|select_related|\bqueryset\b|\.objects\.|Cannot find '\w+' on",
            r"cannot represent value: <",
        ]
    ),
    re.IGNORECASE,
)
# Case matters for class names: "an error" in prose is fine, "KeyError" is not.
CLASS_NAME = re.compile(
    r"\b[A-Z][A-Za-z]*(?:Error|Exception)\b|\bDoesNotExist\b|MultipleObjectsReturned"
    r"|SuspiciousOperation|\bNotImplemented\b"
)


# Data --------------------------------------------------------------------------------------


def seed_content():
    """The demo content, synthetic records, and one page of every type whose body holds every
    block, with Danish translations, so that generated queries find real data."""
    call_command("seed_demo", "--enterprises=30", "--events=15", "--pages=15", verbosity=0)
    factories.cached_embed()
    image = factories.ImageFactory(title="Partner meeting")
    document = factories.DocumentFactory(title="Meeting minutes")
    library = pages.LibraryIndexPage.objects.get(locale__language_code="en", slug="library")
    about = pages.StandardPage.objects.get(locale__language_code="en", slug="about")
    body = factories.every_block(image, document, about)
    topics = list(directory.Topic.objects.filter(locale__language_code="en")[:2])
    article = factories.article(
        parent=library,
        title="Fuzzed article",
        kind="case_study",
        date=datetime.date(2022, 1, 24),
        hero_image=image,
        countries=["DK", "LV"],
        authors=[pages.ArticleAuthor(name="Anna Nowak", organisation="BISER")],
        topics=topics,
        related_enterprises=list(directory.SocialEnterprise.objects.filter(live=True)[:3]),
        body=body,
    )
    material = factories.add_page(
        library,
        pages.TeachingMaterialPage(
            title="Fuzzed workshop",
            slug="fuzzed-workshop",
            intro="A half-day workshop plan.",
            audience=["educators"],
            level="intermediate",
            format="workshop_plan",
            duration_minutes=180,
            learning_outcomes=[("outcome", {"text": "choose impact indicators"})],
            material_languages=["en"],
            licence="cc-by-sa-4.0",
            downloads=[
                pages.TeachingMaterialDownload(document=document, title="Guide", language="lv")
            ],
            body=body,
        ),
    )
    tool = factories.add_page(
        library,
        pages.ToolPage(
            title="Fuzzed whiteboard",
            slug="fuzzed-whiteboard",
            intro="Plan together online.",
            category="online_collaboration",
            website="https://whiteboard.example",
            pricing="nonprofit_discount",
            open_source=True,
            platforms=["web"],
            body=body,
        ),
    )
    factories.add_page(
        library, pages.StandardPage(title="Fuzzed standard", slug="fuzzed-standard", body=body)
    )
    for page in (article, material, tool):
        factories.translate_page(page, "da", title=f"{page.title} (da)")
    # Hostile states next to the public ones: a draft and an expired page.
    factories.article(parent=library, title="Fuzzed draft", live=False)
    expired = factories.article(parent=library, title="Fuzzed expired")
    Page.objects.filter(pk=expired.pk).update(expire_at=timezone.now() - datetime.timedelta(1))
    enterprise = directory.SocialEnterprise.objects.filter(live=True, locale__language_code="en")
    factories.translate_record(enterprise.first(), "de", name="Übersetzt")


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seeded once for the module and rolled back after its last test."""
    with django_db_blocker.unblock(), transaction.atomic():
        seed_content()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def real(seeded, db):
    """Values of string arguments that name real records, by argument or input field name."""
    return real_values()


def real_values():
    english = {"locale__language_code": "en"}
    page_paths = ["/"]
    for page in Page.objects.filter(depth__gt=2).specific():
        url = page.get_url_parts()
        if url:
            page_paths.append(url[2].removeprefix(f"/{page.locale.language_code}"))
    enterprises = list(directory.SocialEnterprise.objects.values_list("slug", flat=True))
    organisations = list(directory.SupportOrganisation.objects.values_list("slug", flat=True))
    events = list(directory.Event.objects.values_list("slug", flat=True))
    words = [
        word
        for title in Page.objects.values_list("title", flat=True)
        for word in re.findall(r"\w{4,}", title)
    ]

    def codes(model):
        values = model.objects.filter(**english).values_list(model.code_field, flat=True)
        return sorted(values)

    return {
        "slug": enterprises + organisations + events,
        "enterprise": enterprises,
        # contactEntry's entry, and e-mail addresses for it and for subscribe.
        "entry": enterprises + organisations,
        "email": ["reader@example.com", "Visitor.Name+tag@example.dk", "no-at-sign"],
        "organiser": organisations + enterprises,
        "path": page_paths,
        "topic": codes(directory.Topic),
        "topics": codes(directory.Topic),
        "search": words,
        "query": words,
        "countries": ["DK", "PL", "LV", "LT", "EE", "SE", "FI", "DE", "NO", "XX"],
        "servesCountries": ["DK", "PL", "LV"],
        "country": ["DK", "PL", "LV"],
        "sectors": codes(directory.Sector),
        "sdgs": codes(directory.Sdg),
        "offers": codes(directory.Term),
        "needs": codes(directory.Term),
        "targetGroups": codes(directory.TargetGroup),
        "recognisedStatuses": codes(directory.RecognisedStatus),
        "supportTypes": codes(directory.SupportType),
        "types": codes(directory.EventType),
        "eventType": codes(directory.EventType),
        # Numbers within the limits, so that lists are not refused before they run.
        "limit": [0, 1, 5, 20, 100],
        "offset": [0, 1, 3, 50],
        "lat": [54.35, 56.95, 0.0],
        "lng": [18.65, 24.1, 0.0],
        "km": [1.0, 50.0, 2000.0],
    }


# Values ------------------------------------------------------------------------------------

WORD = st.sampled_from(["social", "enterprise", "impact", "Ω", "søg", "x"])
NASTY_STRINGS = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "a\x00b",
        "%",
        "_",
        "\\",
        "'",
        '"',
        "*",
        "' OR 1=1 --",
        "/../../etc/passwd",
        "\ud800",
        "\u202e",
        "0001-01-01T00:00:00",
        "9999-12-31T23:59:59+14:00",
        "2024-02-30",
        "-1",
        "1e309",
        "NaN",
        "AND OR NOT",
        "(",
        '"unclosed',
    ]
)
LONG_SEARCH = st.integers(100, 600).flatmap(
    lambda n: st.lists(WORD, min_size=n, max_size=n).map(" ".join)
)
TEXT = st.text(max_size=40) | NASTY_STRINGS | LONG_SEARCH
HUGE_INTS = st.sampled_from([2**31 - 1, 2**31, -(2**31) - 1, 2**63, -(2**63) - 1, 10**30])
INTS = st.integers(-5, 200) | HUGE_INTS | st.integers()
FLOATS = st.floats(allow_nan=False, allow_infinity=False) | st.sampled_from([1e308, -0.0, 1e-320])
DATETIMES = (
    st.datetimes(
        min_value=datetime.datetime(1, 1, 1), max_value=datetime.datetime(9999, 12, 31)
    ).map(datetime.datetime.isoformat)
    | NASTY_STRINGS
)
DATES = st.dates().map(datetime.date.isoformat) | NASTY_STRINGS

# Custom scalars as hypothesis-graphql literals (it generates only the built-in ones).
CUSTOM_SCALARS = {
    "DateTime": DATETIMES.map(nodes.String),
    "Date": DATES.map(nodes.String),
    "JSON": TEXT.map(nodes.String),
    "JSONString": TEXT.map(nodes.String),
    "RichText": TEXT.map(nodes.String),
}

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | INTS | FLOATS | TEXT,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=8,
)


def value_for(type_, real):
    """A JSON value for a variable of GraphQL input type `type_`: usually of that type
    (often a real code or slug), sometimes null, sometimes anything at all."""
    if isinstance(type_, graphql.GraphQLNonNull):
        type_ = type_.of_type
    if isinstance(type_, graphql.GraphQLList):
        typed = st.lists(value_for(type_.of_type, real), max_size=4)
    elif isinstance(type_, graphql.GraphQLEnumType):
        typed = st.sampled_from(list(type_.values)) | TEXT
    elif isinstance(type_, graphql.GraphQLInputObjectType):
        typed = st.fixed_dictionaries(
            {},
            optional={
                name: field_value(name, field.type, real) for name, field in type_.fields.items()
            },
        )
    else:
        typed = {
            "Int": INTS,
            "Float": FLOATS | INTS,
            "Boolean": st.booleans(),
            "DateTime": DATETIMES,
            "Date": DATES,
        }.get(type_.name, TEXT)
    return st.one_of(typed, typed, typed, st.none(), JSON_VALUES)


def field_value(name, type_, real):
    known = real.get(name)
    if not known:
        return value_for(type_, real)
    if isinstance(graphql.get_nullable_type(type_), graphql.GraphQLList):
        known_values = st.lists(st.sampled_from(known), max_size=3)
    else:
        known_values = st.sampled_from(known)
    return known_values | value_for(type_, real)


# Operations --------------------------------------------------------------------------------


@st.composite
def selections(draw, type_, depth):
    """Some fields of `type_` that need no argument, to `depth` levels, with fragments on a few
    possible types of an interface or union (so that page bodies and their blocks are read)."""
    type_ = graphql.get_named_type(type_)
    if graphql.is_leaf_type(type_):
        return ""
    parts = ["__typename"]
    if isinstance(type_, graphql.GraphQLObjectType | graphql.GraphQLInterfaceType):
        for name, field in type_.fields.items():
            if any(graphql.is_required_argument(arg) for arg in field.args.values()):
                continue
            if not draw(st.booleans()):
                continue
            if graphql.is_leaf_type(graphql.get_named_type(field.type)):
                parts.append(name)
            elif depth > 0:
                parts.append(f"{name} {{ {draw(selections(field.type, depth - 1))} }}")
    if graphql.is_abstract_type(type_):
        possible = sorted(SCHEMA.get_possible_types(type_), key=lambda t: t.name)
        for chosen in draw(st.lists(st.sampled_from(possible), max_size=3, unique=True)):
            parts.append(f"... on {chosen.name} {{ {draw(selections(chosen, depth))} }}")
    return " ".join(parts)


def operation(root, name, fields):
    """An operation calling one root field with every argument passed as a variable."""
    field = root.fields[name]
    declarations = ", ".join(f"${arg}: {spec.type}" for arg, spec in field.args.items())
    arguments = ", ".join(f"{arg}: ${arg}" for arg in field.args)
    keyword = "mutation" if root is SCHEMA.mutation_type else "query"
    return (
        f"{keyword} Fuzz{f'({declarations})' if declarations else ''} "
        f"{{ {name}{f'({arguments})' if arguments else ''}"
        f"{f' {{ {fields} }}' if fields else ''} }}"
    )


@st.composite
def operations_with_variables(draw, real):
    root = draw(st.sampled_from([SCHEMA.query_type, SCHEMA.mutation_type]))
    name = draw(st.sampled_from(sorted(root.fields)))
    variables = draw(
        st.fixed_dictionaries(
            {},
            optional={
                arg: field_value(arg, spec.type, real)
                for arg, spec in root.fields[name].args.items()
            },
        )
    )
    if draw(st.integers(0, 9)) == 0:
        variables[draw(st.text(max_size=8))] = draw(JSON_VALUES)
    fields = draw(selections(root.fields[name].type, depth=3))
    return {"query": operation(root, name, fields), "variables": variables}


def literal(value):
    if isinstance(value, str):
        return nodes.String(value)
    return nodes.Int(value) if isinstance(value, int) else nodes.Float(value)


class RealArguments(graphql.Visitor):
    """Replace some generated string arguments with slugs, paths and codes of real records,
    so that generated queries reach records and not only NOT_FOUND."""

    def __init__(self, draw, real):
        super().__init__()
        self.draw = draw
        self.real = real

    def _replace(self, node):
        known = self.real.get(node.name.value)
        if not known or not self.draw(st.integers(0, 3)):
            return None
        if isinstance(node.value, graphql.ListValueNode):
            picked = self.draw(st.lists(st.sampled_from(known), min_size=1, max_size=3))
            value = graphql.ListValueNode(values=[literal(item) for item in picked])
        elif isinstance(node.value, graphql.VariableNode | graphql.NullValueNode):
            return None
        else:
            value = literal(self.draw(st.sampled_from(known)))
        return node.__class__(name=node.name, value=value)

    def enter_argument(self, node, *args):
        return self._replace(node)

    def enter_object_field(self, node, *args):
        return self._replace(node)


@st.composite
def generated(draw, real, strategy):
    document = draw(strategy)
    document = graphql.visit(document, RealArguments(draw, real))
    return {"query": graphql.print_ast(document)}


def document(node):
    return node


@cache
def documents(kind, mode):
    make = hypothesis_graphql.queries if kind == "query" else hypothesis_graphql.mutations
    return make(SCHEMA, custom_scalars=CUSTOM_SCALARS, print_ast=document, mode=mode)


def generated_operations(real, kind, mode):
    return generated(real, documents(kind, mode))


RAW_BODIES = st.one_of(
    JSON_VALUES.map(lambda value: {"query": value}),
    JSON_VALUES.map(lambda value: {"query": "{ __typename }", "variables": value}),
    JSON_VALUES.map(lambda value: {"query": "{ __typename }", "operationName": value}),
    JSON_VALUES.map(lambda value: {"query": "{ __typename }", "extensions": value}),
    st.lists(st.just({"query": "{ __typename }"}), max_size=3),
    JSON_VALUES,
    TEXT.map(lambda text: {"query": text}),
    st.just({"query": "{ a: __typename } " * 2}),
    st.just({"query": "query A { __typename } query B { __typename }"}),
    st.just({"query": "{ __schema { types { name } } }"}),
    st.just({"query": "{ pages { items { title } } }", "operationName": "Missing"}),
)
RAW_BYTES = st.one_of(
    st.binary(max_size=200),
    st.sampled_from([b"\xff\xfe", b'{"query": "{ __typename }"\xff}', b"", b"{", b"null"]),
)
CONTENT_TYPES = st.sampled_from(
    [
        "application/json",
        "application/json; charset=latin-1",
        "application/graphql",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "text/plain",
    ]
)


# The oracle --------------------------------------------------------------------------------


def leaks(message):
    return INTERNAL_TEXT.search(message) or CLASS_NAME.search(message)


def check(response):
    """The answer to any request: JSON, not a 5xx, and errors in our own words."""
    assert response.status_code < 500, response.content[:2000]
    body = json.loads(response.content)
    assert isinstance(body, dict), body
    for error in body.get("errors") or []:
        message = error.get("message", "")
        code = (error.get("extensions") or {}).get("code")
        assert code != "INTERNAL_SERVER_ERROR", error
        assert not leaks(message), error
        # An error with a path happened while executing: it is never a validation error.
        if error.get("path"):
            assert code != "GRAPHQL_VALIDATION_FAILED", error
    return body


@pytest.fixture
def post(real):
    """Send one request through the real view; its writes and rate-limit counts are undone."""
    client = Client(raise_request_exception=False)

    def send(data=None, raw=None, content_type="application/json"):
        django_cache.clear()
        with transaction.atomic():
            if raw is None:
                raw = json.dumps(data).encode()
            response = client.generic("POST", "/graphql/", raw, content_type=content_type)
            transaction.set_rollback(True)
        return check(response)

    return send


# Tests -------------------------------------------------------------------------------------


@fuzz_settings("queries")
@given(data=st.data())
def test_valid_queries_answer_without_internal_errors(post, real, data):
    post(data.draw(generated_operations(real, "query", hypothesis_graphql.Mode.POSITIVE)))


@fuzz_settings("invalid")
@given(data=st.data())
def test_invalid_operations_are_refused_in_our_own_words(post, real, data):
    kind = data.draw(st.sampled_from(["query", "mutation"]))
    post(data.draw(generated_operations(real, kind, hypothesis_graphql.Mode.NEGATIVE)))


@fuzz_settings("mutations")
@given(data=st.data())
def test_valid_mutations_answer_without_internal_errors(post, real, data):
    post(data.draw(generated_operations(real, "mutation", hypothesis_graphql.Mode.POSITIVE)))


@fuzz_settings("mutations")
@given(data=st.data())
def test_contact_and_alerts_run_their_e_mails_without_internal_errors(
    post, real, data, monkeypatch
):
    """contactEntry and subscribe with their background e-mails run at once (not discarded
    with the rolled-back transaction), so relaying and confirming are fuzzed too."""
    monkeypatch.setattr(
        transaction, "on_commit", lambda callback, using=None, robust=False: callback()
    )
    name = data.draw(st.sampled_from(["contactEntry", "subscribe"]))
    root = SCHEMA.mutation_type
    variables = data.draw(
        st.fixed_dictionaries(
            {
                arg: field_value(arg, spec.type, real)
                for arg, spec in root.fields[name].args.items()
            }
        )
    )
    post({"query": operation(root, name, "ok errors { field message }"), "variables": variables})


@fuzz_settings("variables")
@given(data=st.data())
def test_any_variables_answer_without_internal_errors(post, real, data):
    post(data.draw(operations_with_variables(real)))


@fuzz_settings("bodies")
@given(data=st.data())
def test_any_request_body_answers_json_without_internal_errors(post, data):
    if data.draw(st.booleans()):
        post(data.draw(RAW_BODIES))
    else:
        post(raw=data.draw(RAW_BYTES), content_type=data.draw(CONTENT_TYPES))
