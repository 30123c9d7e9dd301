"""The edge of /graphql/: what a hostile or careless client sends is refused there, once,
in our own words, before any resolver runs.

- A NUL character in any string (a literal, a variable, a key) is BAD_USER_INPUT.
- A search has at most GRAPHQL_MAX_SEARCH_TERMS words.
- An error while executing is INTERNAL_SERVER_ERROR, never a validation failure.
- A body that is not a GraphQL request is a 400 saying what is wrong (BAD_REQUEST).
- A POST must be JSON, so no other site can make a browser submit a form to us (CSRF).
- A query has at most GRAPHQL_MAX_DIRECTIVES directives; an answer at most GRAPHQL_MAX_ERRORS
  errors.
"""

import json
from unittest import mock

import pytest

from cms.graphql.schema import schema
from directory import models as directory
from tests import factories

pytestmark = pytest.mark.django_db

INTERNAL_TEXT = ("object of type", "codec", "unhashable", "Perhaps", "Traceback", "NoneType")


def post(client, body, content_type="application/json"):
    raw = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return client.post("/graphql/", data=raw, content_type=content_type)


# NUL characters ----------------------------------------------------------------------------

# (root field, an operation taking the string as `$value`, the same with `LITERAL` in its place)
NUL_ARGUMENTS = {
    "enterprise(slug:)": (
        "query($value: String!) { enterprise(slug: $value) { name } }",
        "{ enterprise(slug: LITERAL) { name } }",
    ),
    "page(path:)": (
        "query($value: String!) { page(path: $value) { title } }",
        "{ page(path: LITERAL) { title } }",
    ),
    "pages(topic:)": (
        "query($value: String) { pages(topic: $value) { totalCount } }",
        "{ pages(topic: LITERAL) { totalCount } }",
    ),
    "pages(search:)": (
        "query($value: String) { pages(search: $value) { totalCount } }",
        "{ pages(search: LITERAL) { totalCount } }",
    ),
    "search(query:)": (
        "query($value: String!) { search(query: $value) { title } }",
        "{ search(query: LITERAL) { title } }",
    ),
    "partnerMatches(enterprise:)": (
        "query($value: String!) { partnerMatches(enterprise: $value) { score } }",
        "{ partnerMatches(enterprise: LITERAL) { score } }",
    ),
    "enterprises(filter: {countries})": (
        "query($value: String!) { enterprises(filter: {countries: [$value]}) { totalCount } }",
        "{ enterprises(filter: {countries: [LITERAL]}) { totalCount } }",
    ),
    "submitEnterprise(input: {name})": (
        "mutation($value: String) { submitEnterprise(input: {name: $value, country: "
        '"DK", contactName: "A", contactEmail: "a@a.example"}) { ok } }',
        "mutation { submitEnterprise(input: {name: LITERAL, country: "
        '"DK", contactName: "A", contactEmail: "a@a.example"}) { ok } }',
    ),
}


def assert_refused_for_nul(response):
    assert response.status_code == 400, response.content
    body = response.json()
    assert "data" not in body  # refused before execution: no resolver ran
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "NUL character" in error["message"]


@pytest.fixture
def enterprise():
    return factories.SocialEnterpriseFactory(slug="ab")


@pytest.mark.parametrize("field", NUL_ARGUMENTS)
def test_a_nul_in_a_variable_is_refused_before_any_resolver(client, enterprise, field):
    operation, _literal = NUL_ARGUMENTS[field]
    before = directory.SocialEnterprise.objects.count()
    response = post(client, {"query": operation, "variables": {"value": "a\x00b"}})
    assert_refused_for_nul(response)
    assert "$value" in response.json()["errors"][0]["message"]
    assert directory.SocialEnterprise.objects.count() == before


@pytest.mark.parametrize("field", NUL_ARGUMENTS)
def test_a_nul_escape_in_a_string_literal_is_refused_before_any_resolver(
    client, enterprise, field
):
    _operation, literal = NUL_ARGUMENTS[field]
    before = directory.SocialEnterprise.objects.count()
    response = post(client, {"query": literal.replace("LITERAL", r'"a\u0000b"')})
    assert_refused_for_nul(response)
    assert response.json()["errors"][0]["locations"]
    assert directory.SocialEnterprise.objects.count() == before


def test_a_raw_nul_in_the_query_text_is_refused(client, enterprise):
    """json.dumps sends the character as the JSON escape \\u0000."""
    response = post(client, {"query": '{ enterprise(slug: "a\x00b") { name } }'})
    assert_refused_for_nul(response)


def test_a_nul_in_a_nested_variable_key_is_refused(client):
    operation = (
        "mutation($input: SubmitEnterpriseInput!) { submitEnterprise(input: $input) { ok } }"
    )
    variables = {"input": {"name": "Fine", "sectors": ["Q"], "no\x00te": "x"}}
    assert_refused_for_nul(post(client, {"query": operation, "variables": variables}))


def test_nul_in_several_literals_is_reported_once(client):
    query = r'{ a: enterprise(slug: "\u0000") { name } b: page(path: "\u0000") { title } }'
    assert_refused_for_nul(post(client, {"query": query}))


def test_a_nul_in_a_get_request_is_refused(client):
    response = client.get(
        "/graphql/",
        {
            "query": "query($value: String!) { enterprise(slug: $value) { name } }",
            "variables": json.dumps({"value": "a\x00"}),
        },
    )
    assert_refused_for_nul(response)


# Search terms ------------------------------------------------------------------------------

LONG_SEARCHES = {
    "pages": "query($q: String) { pages(search: $q) { totalCount } }",
    "search": "query($q: String!) { search(query: $q) { title } }",
    "enterprises": "query($q: String) { enterprises(search: $q) { totalCount } }",
    "supportOrganisations": (
        "query($q: String) { supportOrganisations(search: $q) { totalCount } }"
    ),
    "events": "query($q: String) { events(search: $q) { totalCount } }",
}


@pytest.mark.parametrize("field", LONG_SEARCHES)
def test_a_search_of_500_words_is_a_clear_error(gql, settings, field):
    words = " ".join(f"word{n}" for n in range(500))
    body = gql(LONG_SEARCHES[field], {"q": words}, expect_errors=True)
    assert body["_response"].status_code == 200
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    limit = settings.GRAPHQL_MAX_SEARCH_TERMS
    assert error["message"] == f"The search has 500 words; the limit is {limit}."


@pytest.mark.parametrize("field", LONG_SEARCHES)
def test_a_search_at_the_term_limit_is_served(gql, settings, field):
    factories.article()
    factories.SocialEnterpriseFactory()
    words = " ".join(f"word{n}" for n in range(settings.GRAPHQL_MAX_SEARCH_TERMS))
    gql(LONG_SEARCHES[field], {"q": words})


# Execution errors --------------------------------------------------------------------------


def enterprise_field(name):
    return schema.graphql_schema.type_map["SocialEnterprise"].fields[name]


def test_a_value_that_cannot_be_serialised_is_an_internal_error(gql, enterprise):
    """graphql-core raises a GraphQLError ("String cannot represent value: ...") while
    completing the field: it happened during execution, so it is not a validation failure."""
    with mock.patch.object(enterprise_field("city"), "resolve", lambda *_: {"secret": 1}):
        body = gql('{ enterprise(slug: "ab") { city } }', expect_errors=True)
    [error] = body["errors"]
    assert error["path"] == ["enterprise", "city"]
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert error["message"] == "Internal server error."
    assert "secret" not in json.dumps(body["errors"])


def test_a_graphql_error_raised_by_a_resolver_is_an_internal_error(gql):
    from graphql import GraphQLError

    with mock.patch("pages.schema.locale_roots", side_effect=GraphQLError("secret inside")):
        body = gql('{ page(path: "/") { title } }', expect_errors=True)
    [error] = body["errors"]
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert "secret" not in error["message"]


def test_parse_and_validation_errors_keep_their_codes(client):
    parse = post(client, {"query": "{ pages { "}).json()["errors"][0]
    assert parse["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    invalid = post(client, {"query": "{ pages { noSuchField } }"}).json()["errors"][0]
    assert invalid["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


# Request bodies ----------------------------------------------------------------------------

QUERY = "{ pages { totalCount } }"
BAD_BODIES = {
    "query is a number": (
        {"query": 12},
        'A request needs a query, a string of GraphQL such as "{ pages { totalCount } }"; '
        "got a number.",
    ),
    "query is a list": ({"query": [QUERY]}, "got an array."),
    "query is an object": ({"query": {"q": QUERY}}, "got an object."),
    "query is null": ({"query": None}, "got null."),
    "query is missing": ({"variables": {}}, "got null."),
    "query is blank": ({"query": "  "}, "The query is empty."),
    "variables are a list": (
        {"query": QUERY, "variables": [1]},
        "variables must be an object of names and values; got an array.",
    ),
    "variables are a string": ({"query": QUERY, "variables": "{}"}, "got a string."),
    "operationName is a number": (
        {"query": QUERY, "operationName": 5},
        "operationName must be a string; got a number.",
    ),
    "body is a list": ([{"query": QUERY}], "must be a JSON object"),
    "body is a string": ('"{ pages { totalCount } }"', "got a string."),
    "invalid UTF-8": (b'{"query": "\xff"}', "The request body is not valid UTF-8."),
    "invalid JSON": ("{query: 1", "The request body is not valid JSON."),
    "body is null": ("null", "got null."),
    "deeply nested JSON": ("[" * 15000, "The request body is nested too deeply."),
}


@pytest.mark.parametrize("case", BAD_BODIES)
def test_a_body_that_is_not_a_graphql_request_is_a_400_in_our_words(client, case):
    body, expected = BAD_BODIES[case]
    response = post(client, body)
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert expected in error["message"]
    assert not any(text in error["message"] for text in INTERNAL_TEXT)
    assert "no-store" in response["Cache-Control"]


def test_a_body_too_large_to_read_is_refused_in_json(client):
    response = post(client, {"query": QUERY, "variables": {"padding": "x" * 3_000_000}})
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert "limit is" in error["message"]


@pytest.mark.parametrize(
    ("variables", "expected"),
    [("{bad", "The variables parameter is not valid JSON."), ("[1]", "got an array.")],
)
def test_get_with_bad_variables_is_a_400_in_our_words(client, variables, expected):
    response = client.get("/graphql/", {"query": QUERY, "variables": variables})
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert expected in error["message"]


def test_get_and_json_post_still_serve_queries(client):
    assert client.get("/graphql/", {"query": QUERY}).json()["data"]["pages"]["totalCount"] == 0
    body = post(client, {"query": QUERY, "variables": None, "operationName": None}).json()
    assert body["data"]["pages"]["totalCount"] == 0


# Content types (CSRF) ----------------------------------------------------------------------

SUBMIT = (
    'mutation { submitEnterprise(input: {name: "Forged", country: "DK", contactName: "A", '
    'contactEmail: "a@a.example"}) { ok } }'
)


@pytest.mark.parametrize(
    "content_type",
    ["application/x-www-form-urlencoded", "multipart/form-data", "text/plain", None],
)
def test_a_mutation_posted_as_a_form_is_refused_and_writes_nothing(client, content_type):
    before = directory.SocialEnterprise.objects.count()
    if content_type == "application/x-www-form-urlencoded":
        response = client.post("/graphql/", f"query={SUBMIT}", content_type=content_type)
    elif content_type == "text/plain":
        response = client.post(
            "/graphql/", json.dumps({"query": SUBMIT}), content_type=content_type
        )
    else:  # the test client's default: multipart/form-data
        response = client.post("/graphql/", {"query": SUBMIT})
    assert response.status_code == 415
    [error] = response.json()["errors"]
    assert "application/json" in error["message"]
    assert directory.SocialEnterprise.objects.count() == before


def test_a_mutation_sent_as_a_json_post_is_accepted(client):
    before = directory.SocialEnterprise.objects.count()
    body = post(client, {"query": SUBMIT}).json()
    assert body["data"]["submitEnterprise"]["ok"] is True
    assert directory.SocialEnterprise.objects.count() == before + 1


def test_a_mutation_over_get_is_refused_with_405(client):
    before = directory.SocialEnterprise.objects.count()
    response = client.get("/graphql/", {"query": SUBMIT})
    assert response.status_code == 405
    assert response.json()["errors"][0]["message"] == "A mutation must be sent as a POST request."
    assert directory.SocialEnterprise.objects.count() == before


# Directives and errors ---------------------------------------------------------------------


def test_thousands_of_directives_are_refused_at_parse_with_one_error(client, settings):
    settings.GRAPHQL_MAX_QUERY_BYTES = 200_000  # the directive cap, not the size, refuses it
    query = "{ __typename" + " @include(if: true)" * 6000 + " }"
    with mock.patch("cms.graphql.views.validate") as validate:
        response = post(client, {"query": query})
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert "directives" in error["message"]
    validate.assert_not_called()


def test_an_18kb_query_of_6000_directives_gets_one_error(client):
    query = "{__typename" + "@a" * 6000 + "}"
    assert len(query) < 20000
    response = post(client, {"query": query})
    assert [e["extensions"]["code"] for e in response.json()["errors"]] == ["QUERY_TOO_COMPLEX"]


def test_directives_up_to_the_limit_are_served(client, settings):
    fields = " __typename @include(if: true)" * settings.GRAPHQL_MAX_DIRECTIVES
    body = post(client, {"query": "{" + fields + " }"}).json()
    assert body == {"data": {"__typename": "Query"}}
    over = post(client, {"query": "{" + fields + " __typename @skip(if: false) }"}).json()
    assert over["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"


def test_validation_errors_are_capped(client, settings):
    query = "{ " + " ".join(f"noSuchField{n}" for n in range(300)) + " }"
    errors = post(client, {"query": query}).json()["errors"]
    assert len(errors) <= settings.GRAPHQL_MAX_ERRORS + 1  # and a note that validation stopped


def test_execution_errors_are_capped_and_the_data_kept(gql, settings):
    settings.GRAPHQL_MAX_ERRORS = 5
    factories.SocialEnterpriseFactory.create_batch(8)

    def fail(*_args):
        raise RuntimeError("boom")

    with mock.patch.object(enterprise_field("city"), "resolve", fail):
        body = gql("{ enterprises { items { slug city } } }", expect_errors=True)
    assert len(body["errors"]) == 5
    assert len(body["data"]["enterprises"]["items"]) == 8


# Fragments spread twice at every link -------------------------------------------------------


def doubling_fragments(links, leaf="__typename"):
    """A query of `links` fragments, each spreading the next twice: 2**links uses of the last
    in under 2 KB when links is 40."""
    fragments = [f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(links)]
    fragments.append(f"fragment F{links} on Query {{ {leaf} }}")
    return "query { ...F0 }\n" + "\n".join(fragments)


def test_the_query_limits_measure_each_fragment_once():
    """Depth and aliases are measured once per fragment, not once per use: walking every use
    of a doubling chain took exponential time (a 20 KB query held a worker for minutes)."""
    from graphql import parse

    from cms.graphql.validation import _Shape

    document = parse(doubling_fragments(40, leaf="a: __typename"))
    fragments = {d.name.value: d for d in document.definitions if d.kind == "fragment_definition"}
    calls = []
    shape = _Shape(fragments)
    measure = shape.of
    shape.of = lambda selection_set: calls.append(1) or measure(selection_set)
    depth, aliases = shape.of(document.definitions[0].selection_set)
    assert (depth, aliases) == (1, 2**40)
    assert len(calls) <= 2 * len(fragments) + 1


def test_a_doubling_fragment_chain_is_answered(gql):
    body = gql(doubling_fragments(40))
    assert body["data"] == {"__typename": "Query"}


def test_a_doubling_fragment_chain_of_aliases_is_refused_as_too_complex(gql):
    body = gql(doubling_fragments(40, leaf="a: __typename"), expect_errors=True)
    assert body["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"


# One field repeated hundreds of times ------------------------------------------------------


def test_a_field_repeated_hundreds_of_times_is_refused_before_the_standard_rules(client):
    """graphql-core compares every pair of same-named fields: 600 copies of one field took it
    seconds. Our limits run in a pass of their own first, and refuse it."""
    from graphql.validation import specified_rules

    query = "{ " + " ".join(['enterprise(slug: "a") { name }'] * 600) + " }"
    assert len(query) < 20000
    with mock.patch("cms.graphql.views.validate", wraps=__import__("graphql").validate) as spy:
        response = post(client, {"query": query})
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert "600 times" in error["message"]
    assert spy.call_count == 1
    assert not set(specified_rules) & set(spy.call_args.args[2])


def test_repeats_count_fields_flattened_from_fragments(client, settings):
    settings.GRAPHQL_MAX_FIELD_REPEATS = 5
    query = (
        "query { pages { totalCount ...A ...B } } "
        "fragment A on PageList { totalCount totalCount } "
        "fragment B on PageList { totalCount ... on PageList { totalCount totalCount } }"
    )
    [error] = post(client, {"query": query}).json()["errors"]
    assert "6 times" in error["message"]


def test_fields_repeated_up_to_the_limit_are_served(client, settings):
    query = "{ pages { " + "totalCount " * settings.GRAPHQL_MAX_FIELD_REPEATS + "} }"
    assert post(client, {"query": query}).json() == {"data": {"pages": {"totalCount": 0}}}
