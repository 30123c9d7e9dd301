import pytest

from directory.models import Sector
from tests import factories

pytestmark = pytest.mark.django_db

ENTERPRISES = """
query($locale: Locale, $filter: EnterpriseFilter, $limit: Int) {
  enterprises(locale: $locale, filter: $filter, limit: $limit) {
    totalCount
    items { slug name locale key country { code name } sectors { code name locale }
            translations { locale status slug } }
  }
}
"""


def test_enterprises_list_filters_by_country_and_sector_with_total():
    factories.SocialEnterpriseFactory(slug="dk-care", country="DK", sectors=["Q"])
    factories.SocialEnterpriseFactory(slug="dk-food", country="DK", sectors=["I"])
    factories.SocialEnterpriseFactory(slug="pl-care", country="PL", sectors=["Q"])
    import json

    from django.test import Client

    body = (
        Client()
        .post(
            "/graphql/",
            data=json.dumps(
                {
                    "query": ENTERPRISES,
                    "variables": {"filter": {"countries": ["DK"], "sectors": ["Q"]}},
                }
            ),
            content_type="application/json",
        )
        .json()
    )
    assert "errors" not in body, body
    result = body["data"]["enterprises"]
    assert result["totalCount"] == 1
    item = result["items"][0]
    assert item["slug"] == "dk-care"
    assert item["country"] == {"code": "DK", "name": "Denmark"}
    assert item["sectors"][0]["code"] == "Q"
    assert Sector.objects.filter(code="Q").count() >= 1


def test_draft_enterprise_is_absent_from_the_list(gql):
    factories.SocialEnterpriseFactory(slug="public-one")
    factories.SocialEnterpriseFactory(slug="draft-one", live=False)
    body = gql(ENTERPRISES)
    slugs = [item["slug"] for item in body["data"]["enterprises"]["items"]]
    assert slugs == ["public-one"]


def test_country_names_follow_the_requested_locale(gql):
    factories.SocialEnterpriseFactory(slug="dk", country="DE")
    body = gql(ENTERPRISES, {"locale": "da"})
    item = body["data"]["enterprises"]["items"][0]
    assert item["country"]["name"] == "Tyskland"
    assert item["locale"] == "en"  # not translated: served in English


def test_limit_over_the_cap_is_a_bad_user_input_error(gql):
    body = gql(ENTERPRISES, {"limit": 1000}, expect_errors=True)
    error = body["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "100" in error["message"]


def test_unknown_sector_code_is_a_bad_user_input_error(gql):
    body = gql(ENTERPRISES, {"filter": {"sectors": ["ZZ"]}}, expect_errors=True)
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "ZZ" in body["errors"][0]["message"]


def test_unknown_locale_is_refused(gql):
    body = gql(ENTERPRISES, {"locale": "xx"}, expect_errors=True)
    assert body["_response"].status_code == 400
    assert "xx" in body["errors"][0]["message"]


def test_a_twenty_level_query_is_too_complex(gql):
    query = "{ enterprises { items { " + "translations { locale } " + "} } }"
    nested = "__typename"
    for _ in range(20):
        nested = f"pages {{ items {{ {nested} }} }}"
    body = gql("{ " + nested.replace("pages", "a: pages", 1) + " }", expect_errors=True)
    assert body["errors"][0]["extensions"]["code"] in {
        "QUERY_TOO_COMPLEX",
        "GRAPHQL_VALIDATION_FAILED",
    }
    assert query


def test_two_hundred_aliases_are_too_complex(gql):
    fields = " ".join(f"a{i}: enterprises {{ totalCount }}" for i in range(200))
    body = gql("{ " + fields + " }", expect_errors=True)
    codes = {error["extensions"]["code"] for error in body["errors"]}
    assert "QUERY_TOO_COMPLEX" in codes
