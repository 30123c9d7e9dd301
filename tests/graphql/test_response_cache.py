"""The response cache: what is stored, what a hit costs, ETags and persisted queries.

Freshness after every kind of change is tested in test_cache_invalidation.py.
"""

import hashlib
import json
from urllib.parse import urlencode

import pytest

from directory.models import SocialEnterprise
from tests.factories import EventFactory, SocialEnterpriseFactory, article
from tests.graphql.test_submissions import ENTERPRISE, SUBMIT_ENTERPRISE

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("response_cache")]

LIST = "{ enterprises(limit: 5) { totalCount items { name slug sectors { name } } } }"


@pytest.fixture
def enterprises():
    return [SocialEnterpriseFactory(sectors=["food"]) for _ in range(3)]


def get(client, query=None, variables=None, **params):
    if query is not None:
        params["query"] = query
    if variables is not None:
        params["variables"] = json.dumps(variables)
    for name in ("extensions",):
        if name in params and not isinstance(params[name], str):
            params[name] = json.dumps(params[name])
    headers = params.pop("headers", {})
    return client.get("/graphql/?" + urlencode(params), headers=headers)


def post(client, body, **headers):
    return client.post(
        "/graphql/", data=json.dumps(body), content_type="application/json", headers=headers
    )


def test_a_repeated_query_is_answered_without_sql(client, enterprises, django_assert_num_queries):
    first = get(client, LIST)
    assert first["X-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = get(client, LIST)
    assert second["X-Cache"] == "hit"
    assert second.content == first.content
    assert second.json()["data"]["enterprises"]["totalCount"] == 3
    assert second["Content-Type"] == "application/json"
    assert "public" in second["Cache-Control"]


def test_spacing_commas_and_comments_do_not_change_the_key(client, enterprises):
    get(client, LIST)
    same = "# the list\n{enterprises(limit:5,){totalCount,items{name\nslug sectors{name}}}}"
    assert get(client, same)["X-Cache"] == "hit"


def test_strings_in_the_query_keep_their_spaces(client, enterprises):
    one = get(client, '{ enterprises(search: "a b") { totalCount } }')
    other = get(client, '{ enterprises(search: "a  b") { totalCount } }')
    assert (one["X-Cache"], other["X-Cache"]) == ("miss", "miss")


def test_variables_and_operation_name_are_part_of_the_key(client, enterprises):
    query = (
        "query A($n: Int!) { enterprises(limit: $n) { items { slug } } } "
        "query B { pages { totalCount } }"
    )
    one = get(client, query, {"n": 1}, operationName="A")
    two = get(client, query, {"n": 2}, operationName="A")
    other = get(client, query, {"n": 1}, operationName="B")
    assert len(one.json()["data"]["enterprises"]["items"]) == 1
    assert len(two.json()["data"]["enterprises"]["items"]) == 2
    assert "pages" in other.json()["data"]
    assert get(client, query, {"n": 2}, operationName="A")["X-Cache"] == "hit"


def test_json_posts_are_cached_but_not_by_browsers(client, enterprises, django_assert_num_queries):
    post(client, {"query": LIST})
    with django_assert_num_queries(0):
        response = post(client, {"query": LIST})
    assert response["X-Cache"] == "hit"
    assert "no-store" in response["Cache-Control"]
    # GET and POST of one query share the stored answer.
    assert get(client, LIST)["X-Cache"] == "hit"


def test_answers_with_errors_are_not_stored(client, enterprises):
    bad = '{ enterprises(filter: {countries: ["XX"]}) { totalCount } }'
    for _ in range(2):
        response = get(client, bad)
        assert "errors" in response.json()
        assert "X-Cache" not in response
        assert "no-store" in response["Cache-Control"]


def test_mutations_always_run(client):
    body = {"query": SUBMIT_ENTERPRISE, "variables": {"input": ENTERPRISE}}
    answers = [post(client, body) for _ in range(2)]
    assert [a.json()["data"]["submitEnterprise"]["ok"] for a in answers] == [True, True]
    assert all("X-Cache" not in answer for answer in answers)
    assert SocialEnterprise.objects.filter(name=ENTERPRISE["name"]).count() == 2


def test_a_session_bypasses_the_cache(admin_client, enterprises):
    get(admin_client, LIST)
    assert "X-Cache" not in get(admin_client, LIST)


def test_a_preview_is_never_stored(client):
    page = article(title="Draft idea", live=False)
    query = 'query P($t: String) { page(path: "/", previewToken: $t) { title } }'
    token = page.create_page_preview().token
    first = get(client, query, {"t": token})
    assert first.json()["data"]["page"]["title"] == "Draft idea"
    second = get(client, query, {"t": token})
    assert "X-Cache" not in second
    assert "no-store" in second["Cache-Control"]


def test_answers_set_no_cookie(client, enterprises):
    for response in (get(client, LIST), get(client, LIST), post(client, {"query": LIST})):
        assert not response.cookies


def test_etag_and_if_none_match(client, enterprises, django_assert_num_queries):
    etag = get(client, LIST)["ETag"]
    assert etag.startswith('"') and len(etag) == 34
    with django_assert_num_queries(0):
        unchanged = get(client, LIST, headers={"If-None-Match": f'"other", W/{etag}'})
    assert unchanged.status_code == 304
    assert unchanged.content == b""
    assert unchanged["ETag"] == etag
    assert "public" in unchanged["Cache-Control"]
    assert get(client, LIST, headers={"If-None-Match": '"other"'}).status_code == 200


def test_a_publish_changes_the_etag(client, enterprises):
    etag = get(client, LIST)["ETag"]
    SocialEnterpriseFactory(name="Aaa first")
    response = get(client, LIST, headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert response["ETag"] != etag


def test_the_cache_can_be_turned_off(client, enterprises, settings):
    settings.GRAPHQL_RESPONSE_CACHE_SECONDS = 0
    get(client, LIST)
    response = get(client, LIST)
    assert "X-Cache" not in response
    assert "public" in response["Cache-Control"]


# Automatic Persisted Queries (Apollo)


def persisted(query):
    digest = hashlib.sha256(query.encode()).hexdigest()
    return {"persistedQuery": {"version": 1, "sha256Hash": digest}}


def test_an_unknown_hash_asks_for_the_query(client):
    response = get(client, extensions=persisted(LIST))
    assert response.status_code == 200
    (error,) = response.json()["errors"]
    assert error["message"] == "PersistedQueryNotFound"
    assert error["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    assert "no-store" in response["Cache-Control"]


def test_a_query_sent_with_its_hash_is_then_found_by_hash(
    client, enterprises, django_assert_num_queries
):
    registered = get(client, LIST, extensions=persisted(LIST))
    assert registered.json()["data"]["enterprises"]["totalCount"] == 3
    with django_assert_num_queries(0):
        by_hash = get(client, extensions=persisted(LIST))
    assert by_hash.content == registered.content
    assert by_hash["X-Cache"] == "hit"
    assert "public" in by_hash["Cache-Control"]


def test_a_persisted_query_runs_again_after_a_publish(client, enterprises):
    get(client, LIST, extensions=persisted(LIST))
    SocialEnterpriseFactory()
    response = get(client, extensions=persisted(LIST))
    assert response["X-Cache"] == "miss"
    assert response.json()["data"]["enterprises"]["totalCount"] == 4


def test_persisted_queries_over_post(client, enterprises):
    post(client, {"query": LIST, "extensions": persisted(LIST)})
    response = post(client, {"extensions": persisted(LIST)})
    assert response.json()["data"]["enterprises"]["totalCount"] == 3


def test_a_hash_that_is_not_the_querys_is_refused(client):
    response = get(client, LIST, extensions=persisted("{ pages { totalCount } }"))
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert "SHA-256" in error["message"]
    # And nothing was stored under the wrong hash.
    again = get(client, extensions=persisted("{ pages { totalCount } }"))
    assert again.json()["errors"][0]["message"] == "PersistedQueryNotFound"


def test_an_invalid_query_is_not_persisted(client):
    bad = "{ nothingHere }"
    assert "errors" in get(client, bad, extensions=persisted(bad)).json()
    again = get(client, extensions=persisted(bad))
    assert again.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"


@pytest.mark.parametrize(
    ("extensions", "message"),
    [
        ("{not json", "not valid JSON"),
        ("[]", "must be an object"),
        ({"persistedQuery": "abc"}, "must be an object"),
        ({"persistedQuery": {"version": 1, "sha256Hash": "abc"}}, "64 hexadecimal"),
        ({"persistedQuery": {"version": 1, "sha256Hash": "z" * 64}}, "64 hexadecimal"),
    ],
)
def test_malformed_persisted_query_extensions_are_bad_requests(client, extensions, message):
    response = get(client, extensions=extensions)
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert message in error["message"]
    assert error["extensions"]["code"] == "BAD_REQUEST"


def test_other_persisted_query_versions_are_not_supported(client):
    extensions = {"persistedQuery": {"version": 2, "sha256Hash": "a" * 64}}
    (error,) = get(client, extensions=extensions).json()["errors"]
    assert error["extensions"]["code"] == "PERSISTED_QUERY_NOT_SUPPORTED"


# Public views other than /graphql/ (calendar feeds), through cms.public_cache.cached_view


def test_calendar_feeds_are_cached_between_publishes(client, django_assert_num_queries):
    EventFactory(title="Summit", slug="summit")
    first = client.get("/events.ics")
    assert first["X-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = client.get("/events.ics")
    assert second["X-Cache"] == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert second["Content-Disposition"] == first["Content-Disposition"]
    assert "public" in second["Cache-Control"]
    assert client.get("/events.ics", headers={"If-None-Match": second["ETag"]}).status_code == 304

    EventFactory(title="Forum", slug="forum")
    third = client.get("/events.ics")
    assert third["X-Cache"] == "miss"
    assert b"Forum" in third.content


def test_feeds_cache_each_query_string_and_never_errors(client):
    EventFactory(title="Summit", slug="summit")
    assert client.get("/events.ics?countries=PL")["X-Cache"] == "miss"
    assert client.get("/events.ics?countries=DK")["X-Cache"] == "miss"
    assert client.get("/events.ics?countries=PL")["X-Cache"] == "hit"
    for _ in range(2):
        missing = client.get("/events/nothing-here.ics")
        assert missing.status_code == 404
        assert "X-Cache" not in missing


# When the cache itself fails, and what it ignores


class Unreachable:
    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise ConnectionError("cache server down")

        return fail


def test_an_unreachable_cache_answers_afresh(client, enterprises, monkeypatch):
    from cms import public_cache

    monkeypatch.setattr(public_cache, "cache", Unreachable)
    for _ in range(2):
        response = get(client, LIST)
        assert response.status_code == 200
        assert response.json()["data"]["enterprises"]["totalCount"] == 3
    # A publish still succeeds (the failed invalidation is logged).
    SocialEnterpriseFactory()


def test_migrations_historical_models_are_not_content():
    from django.apps import apps
    from django.db.migrations.state import ProjectState

    from cms.changes import is_content

    historical = ProjectState.from_apps(apps).apps.get_model("directory", "SocialEnterprise")
    assert is_content(apps.get_model("directory", "SocialEnterprise"))
    assert not is_content(historical)


def test_the_regular_expression_and_the_lexer_make_the_same_key():
    from cms.graphql.cache import normalised

    plain = (
        "query Q($n: Int = -1.5e3) { a: enterprises(limit: $n) { ...F } } fragment F on X { y }"
    )
    assert normalised(plain) == normalised(plain + " # a comment")
    assert normalised("{ a(x: 1) }") != normalised("{ a(x: 1) % }")


def test_a_get_hit_is_answered_before_the_other_middleware_with_cors_headers(
    client, enterprises, settings
):
    settings.CORS_ALLOWED_ORIGINS = ["https://frontend.example"]
    origin = {"Origin": "https://frontend.example"}
    miss = get(client, LIST, headers=origin)
    hit = get(client, LIST, headers=origin)
    assert (miss["X-Cache"], hit["X-Cache"]) == ("miss", "hit")
    assert hit["Access-Control-Allow-Origin"] == "https://frontend.example"
    # The locale middleware never saw it: an answer for everyone does not vary by language.
    assert "Content-Language" in miss and "Content-Language" not in hit
    assert hit.content == miss.content
