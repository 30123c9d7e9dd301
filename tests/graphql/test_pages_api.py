"""`page` and `pages` through /graphql/, in English and Danish."""

import datetime

from django.contrib.auth.models import Group
from django.utils import timezone

from wagtail.models import PageViewRestriction

import pytest

from tests import factories

pytestmark = pytest.mark.django_db

PAGE = """
query($path: String!, $locale: Locale) {
  page(path: $path, locale: $locale) {
    __typename id key title path locale pageType
    translations { locale title path status }
    ... on ArticlePage { intro kind date topics { slug name locale } }
  }
}
"""

PAGES = """
query($locale: Locale, $type: PageType, $topic: String, $search: String, $order: PageOrder,
      $limit: Int, $offset: Int) {
  pages(locale: $locale, type: $type, topic: $topic, search: $search, order: $order,
        limit: $limit, offset: $offset) {
    totalCount
    items { __typename title path locale key }
  }
}
"""


@pytest.fixture
def article():
    return factories.article(title="Measuring social impact", slug="measuring-social-impact")


def test_page_by_path_in_english(gql, article):
    page = gql(PAGE, {"path": "/library/measuring-social-impact/"})["data"]["page"]
    assert page["__typename"] == "ArticlePage"
    assert page["title"] == "Measuring social impact"
    assert page["path"] == "/library/measuring-social-impact/"
    assert page["locale"] == "en"
    assert page["pageType"] == "ARTICLE"
    assert page["key"] == str(article.translation_key)


def test_home_page_is_path_slash(gql):
    page = gql(PAGE, {"path": "/"})["data"]["page"]
    assert page["__typename"] == "HomePage"
    assert page["path"] == "/"


def test_page_by_path_in_danish_serves_the_danish_translation(gql, article):
    factories.translate_page(article, "da", title="Måling af social effekt", slug="maaling")
    page = gql(PAGE, {"path": "/library/maaling/", "locale": "da"})["data"]["page"]
    assert page["title"] == "Måling af social effekt"
    assert page["locale"] == "da"
    assert page["key"] == str(article.translation_key)


def test_english_path_with_danish_locale_serves_the_danish_translation(gql, article):
    factories.translate_page(article, "da", title="Måling af social effekt", slug="maaling")
    page = gql(PAGE, {"path": "/library/measuring-social-impact/", "locale": "da"})["data"]["page"]
    assert page["locale"] == "da"
    assert page["title"] == "Måling af social effekt"


def test_untranslated_page_falls_back_to_english(gql, article):
    page = gql(PAGE, {"path": "/library/measuring-social-impact/", "locale": "da"})["data"]["page"]
    assert page["locale"] == "en"
    assert page["title"] == "Measuring social impact"


def test_language_switcher_lists_every_locale_with_its_status(gql, article):
    factories.translate_page(article, "da", title="Måling af social effekt", slug="maaling")
    factories.translate_page(article, "de", publish=False, title="Wirkungsmessung")
    page = gql(PAGE, {"path": "/library/measuring-social-impact/"})["data"]["page"]
    by_locale = {t["locale"]: t for t in page["translations"]}
    assert len(by_locale) == 10
    assert by_locale["en"]["status"] == "SOURCE"
    assert by_locale["da"] == {
        "locale": "da",
        "title": "Måling af social effekt",
        "path": "/library/maaling/",
        "status": "TRANSLATED",
    }
    # A draft translation is in progress, and its draft title is not shown.
    assert by_locale["de"]["status"] == "IN_PROGRESS"
    assert by_locale["de"]["title"] is None
    assert by_locale["pl"]["status"] == "MISSING"


def test_pages_list_returns_one_row_per_translation_group(gql, article):
    factories.translate_page(article, "da", title="Måling af social effekt", slug="maaling")
    factories.article(title="Only in English", slug="only-english")
    result = gql(PAGES, {"locale": "da", "type": "ARTICLE"})["data"]["pages"]
    assert result["totalCount"] == 2
    served = {item["title"]: item["locale"] for item in result["items"]}
    assert served == {"Måling af social effekt": "da", "Only in English": "en"}


def test_pages_filter_by_type_and_topic(gql, article):
    from directory.models import Topic

    article.topics.set([Topic.objects.get(slug="impact-measurement", locale__language_code="en")])
    article.save_revision().publish()
    factories.article(title="Funding basics", slug="funding-basics")
    result = gql(PAGES, {"topic": "impact-measurement"})["data"]["pages"]
    assert [item["title"] for item in result["items"]] == ["Measuring social impact"]
    result = gql(PAGES, {"type": "LIBRARY_INDEX"})["data"]["pages"]
    assert [item["__typename"] for item in result["items"]] == ["LibraryIndexPage"]


def test_unknown_topic_is_a_bad_user_input_error(gql):
    body = gql(PAGES, {"topic": "no-such-topic"}, expect_errors=True)
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "no-such-topic" in body["errors"][0]["message"]


def test_pages_order_and_pagination(gql):
    for title in ["Bravo", "Alpha", "Charlie"]:
        factories.article(title=title, slug=title.lower())
    result = gql(PAGES, {"type": "ARTICLE", "order": "TITLE", "limit": 2, "offset": 1})
    pages = result["data"]["pages"]
    assert pages["totalCount"] == 3
    assert [item["title"] for item in pages["items"]] == ["Bravo", "Charlie"]


def test_order_takes_only_the_enum_not_a_field_name(gql):
    body = gql(PAGES, {"order": "owner__password"}, expect_errors=True)
    assert body["_response"].status_code == 400
    assert "owner__password" in body["errors"][0]["message"]


def test_pages_search_finds_words_of_the_body_intro(gql, article):
    factories.article(title="Funding basics", slug="funding-basics", intro="Grants and loans.")
    result = gql(PAGES, {"search": "grants"})["data"]["pages"]
    assert [item["title"] for item in result["items"]] == ["Funding basics"]


def test_draft_restricted_and_expired_pages_are_absent(gql, article):
    factories.article(title="Draft article", slug="draft", live=False)
    restricted = factories.article(title="Members only", slug="members-only")
    PageViewRestriction.objects.create(
        page=restricted, restriction_type=PageViewRestriction.GROUPS
    ).groups.set([Group.objects.get(name="Editors")])
    expired = factories.article(title="Old news", slug="old-news")
    expired.expire_at = timezone.now() - datetime.timedelta(days=1)
    expired.save()

    titles = [i["title"] for i in gql(PAGES, {"type": "ARTICLE"})["data"]["pages"]["items"]]
    assert titles == ["Measuring social impact"]
    for path in ["/library/draft/", "/library/members-only/", "/library/old-news/"]:
        assert gql(PAGE, {"path": path})["data"]["page"] is None
    for word in ["draft", "members", "old"]:
        hits = gql(PAGES, {"search": word})["data"]["pages"]["items"]
        assert hits == []


def test_draft_changes_of_a_live_page_are_not_served(gql, article):
    article.title = "Unpublished new title"
    article.save_revision()
    page = gql(PAGE, {"path": "/library/measuring-social-impact/"})["data"]["page"]
    assert page["title"] == "Measuring social impact"


def test_path_must_start_with_a_slash(gql):
    body = gql(PAGE, {"path": "library"}, expect_errors=True)
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_an_alias_in_another_locale_is_served_as_english(gql, article):
    from wagtail.models import Locale

    alias = article.copy_for_translation(
        Locale.objects.get(language_code="lv"), copy_parents=True, alias=True
    )
    assert alias.live and alias.alias_of_id == article.pk
    page = gql(PAGE, {"path": "/library/measuring-social-impact/", "locale": "lv"})["data"]["page"]
    assert page["locale"] == "en"
    items = gql(PAGES, {"locale": "lv", "type": "ARTICLE"})["data"]["pages"]["items"]
    assert [(item["title"], item["locale"]) for item in items] == [
        ("Measuring social impact", "en")
    ]


@pytest.mark.parametrize("words", ['"impact', "impact (", "AND OR NOT"])
def test_search_syntax_characters_are_not_an_internal_error(gql, article, words):
    body = gql(PAGES, {"search": words}, expect_errors=True)
    assert "errors" not in body or body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_search_without_words_is_a_bad_user_input_error(gql):
    body = gql(PAGES, {"search": "!!"}, expect_errors=True)
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
