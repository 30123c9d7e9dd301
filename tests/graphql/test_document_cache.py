"""Each query text is parsed and validated once per process (`cms.graphql.views`): repeated,
it is answered without either, with the same data or the same errors; a changed limit applies
at once; the cache is bounded."""

import pytest

from cms.graphql import views
from tests import factories

pytestmark = pytest.mark.django_db

QUERY = "{ enterprises(limit: 5) { items { name translations { locale status } } } }"


@pytest.fixture
def counted(monkeypatch):
    """How many times parsing and validating ran."""
    calls = {"parse": 0, "validate": 0}
    parse, validate = views.parse_query, views.validate

    def counting_parse(source):
        calls["parse"] += 1
        return parse(source)

    def counting_validate(*args, **kwargs):
        calls["validate"] += 1
        return validate(*args, **kwargs)

    monkeypatch.setattr(views, "parse_query", counting_parse)
    monkeypatch.setattr(views, "validate", counting_validate)
    views._parsed.cache_clear()
    views._validation_errors.cache_clear()
    yield calls
    views._parsed.cache_clear()
    views._validation_errors.cache_clear()


def test_a_repeated_query_is_parsed_and_validated_once(gql, counted):
    factories.SocialEnterpriseFactory(name="Bike workshop")
    first = gql(QUERY)["data"]
    after_first = dict(counted)
    assert after_first["parse"] == 1 and after_first["validate"] >= 1

    assert gql(QUERY)["data"] == first
    assert gql(QUERY, {"unused": 1})["data"] == first
    assert counted == after_first


def test_an_invalid_query_gets_its_errors_every_time(gql, counted):
    for _ in range(2):
        body = gql("{ enterprises { items { nope } } }", expect_errors=True)
        assert "nope" in body["errors"][0]["message"]
        assert body["_response"].status_code == 400
    assert counted["parse"] == 1

    for _ in range(2):  # a syntax error is not remembered: parsed (and refused) again
        body = gql("{ enterprises { items { name }", expect_errors=True)
        assert body["errors"][0]["message"].startswith("Syntax Error")
    assert counted["parse"] == 3


def test_a_changed_limit_applies_at_once(gql, counted, settings):
    assert "errors" not in gql(QUERY)
    settings.GRAPHQL_MAX_DEPTH = 2
    body = gql(QUERY, expect_errors=True)
    assert body["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"


def test_the_cache_is_bounded(gql, counted):
    for number in range(views.DOCUMENTS_REMEMBERED + 10):
        gql(f"{{ enterprises(limit: {number % 50 + 1}) {{ totalCount }} a{number}: __typename }}")
    assert views._parsed.cache_info().currsize == views.DOCUMENTS_REMEMBERED
    assert views._validation_errors.cache_info().currsize == views.DOCUMENTS_REMEMBERED
