"""`search` on the directory lists: names, summaries and descriptions in every language.

Runs on SQLite (FTS5) and PostgreSQL (full-text search) through Wagtail's database backend;
the words with diacritics are the partners' own languages.
"""

import pytest

from tests import factories

pytestmark = pytest.mark.django_db

ENTERPRISES = """
query($search: String, $locale: Locale, $filter: EnterpriseFilter) {
  enterprises(search: $search, locale: $locale, filter: $filter) {
    totalCount items { slug name locale }
  }
}
"""

ORGANISATIONS = """
query($search: String, $locale: Locale) {
  supportOrganisations(search: $search, locale: $locale) { totalCount items { slug name locale } }
}
"""


def found(gql, search, locale=None, query=ENTERPRISES, field="enterprises"):
    variables = {"search": search}
    if locale:
        variables["locale"] = locale
    return [
        (item["slug"], item["locale"]) for item in gql(query, variables)["data"][field]["items"]
    ]


@pytest.fixture
def bike_workshop():
    source = factories.SocialEnterpriseFactory(
        slug="bike-workshop",
        name="Bike workshop",
        summary="We repair bicycles with people far from the labour market.",
        description="<p>Our mechanics train <b>apprentices</b> every spring.</p>",
    )
    factories.translate_record(
        source,
        "da",
        name="Cykelværksted",
        summary="Vi reparerer cykler i København.",
        description="<p>Vores mekanikere oplærer lærlinge hvert forår.</p>",
    )
    factories.SocialEnterpriseFactory(slug="bakery", name="Bakery", summary="Bread and jobs.")
    return source


def test_search_finds_words_in_name_summary_and_description(gql, bike_workshop):
    assert found(gql, "workshop") == [("bike-workshop", "en")]
    assert found(gql, "bicycles") == [("bike-workshop", "en")]
    assert found(gql, "apprentices") == [("bike-workshop", "en")]
    assert found(gql, "bread") == [("bakery", "en")]
    assert found(gql, "submarine") == []


def test_a_danish_word_finds_the_danish_translation(gql, bike_workshop):
    assert found(gql, "cykelværksted", "da") == [("bike-workshop", "da")]
    assert found(gql, "København", "da") == [("bike-workshop", "da")]
    assert found(gql, "lærlinge", "da") == [("bike-workshop", "da")]


def test_a_match_in_any_translation_selects_the_entry_served_in_the_best_locale(
    gql, bike_workshop
):
    # The Danish word finds the entry asked for in English, and the English word the entry
    # asked for in Danish: the list serves each entry once, in the best locale.
    assert found(gql, "cykler") == [("bike-workshop", "en")]
    assert found(gql, "bicycles", "da") == [("bike-workshop", "da")]
    assert found(gql, "cykler", "pl") == [("bike-workshop", "en")]


def test_polish_and_lithuanian_words_with_diacritics_are_found(gql):
    cooperative = factories.SocialEnterpriseFactory(
        slug="cooperative", name="Social cooperative", country="PL"
    )
    factories.translate_record(
        cooperative,
        "pl",
        name="Spółdzielnia socjalna",
        summary="Zatrudniamy osoby długotrwale bezrobotne w Łodzi.",
    )
    network = factories.SocialEnterpriseFactory(slug="network", name="Network", country="LT")
    factories.translate_record(
        network, "lt", name="Socialinių įmonių tinklas", summary="Vienijame įmones Vilniuje."
    )
    assert found(gql, "spółdzielnia", "pl") == [("cooperative", "pl")]
    assert found(gql, "długotrwale bezrobotne", "pl") == [("cooperative", "pl")]
    assert found(gql, "Łodzi", "pl") == [("cooperative", "pl")]
    assert found(gql, "įmonių", "lt") == [("network", "lt")]
    assert found(gql, "socialinių tinklas", "lt") == [("network", "lt")]


def test_latvian_words_find_support_organisations(gql):
    centre = factories.SupportOrganisationFactory(
        slug="social-innovation-centre", name="Social Innovation Centre"
    )
    factories.translate_record(centre, "lv", name="Sociālās inovācijas centrs")
    hits = found(gql, "inovācijas", "lv", ORGANISATIONS, "supportOrganisations")
    assert hits == [("social-innovation-centre", "lv")]


def test_words_of_a_draft_translation_find_nothing(gql, bike_workshop):
    factories.translate_record(bike_workshop, "sv", name="Hemlig cykelverkstad", publish=False)
    assert found(gql, "hemlig", "sv") == []
    assert found(gql, "hemlig") == []


def test_an_entry_matching_in_two_languages_is_counted_once(gql, bike_workshop):
    guild = factories.SocialEnterpriseFactory(slug="guild", name="Mechanics guild")
    factories.translate_record(guild, "da", name="Mekanikerlauget (Mechanics guild)")
    for locale in ["en", "da"]:
        result = gql(ENTERPRISES, {"search": "guild", "locale": locale})["data"]["enterprises"]
        assert result["totalCount"] == 1
        assert [(item["slug"], item["locale"]) for item in result["items"]] == [("guild", locale)]
    # "mechanics" is in the workshop's English description and in both rows of the guild.
    both = gql(ENTERPRISES, {"search": "mechanics", "locale": "da"})["data"]["enterprises"]
    assert both["totalCount"] == 2


def test_search_combines_with_filters(gql, bike_workshop):
    factories.SocialEnterpriseFactory(slug="bike-pl", name="Bike shop", country="PL")
    body = gql(ENTERPRISES, {"search": "bike", "filter": {"countries": ["PL"]}})
    assert [item["slug"] for item in body["data"]["enterprises"]["items"]] == ["bike-pl"]


def test_quotes_and_operators_are_searched_as_words(gql, bike_workshop):
    assert found(gql, '"bike" (workshop*') == [("bike-workshop", "en")]
    assert found(gql, "bike: -workshop") == [("bike-workshop", "en")]


def test_a_blank_search_lists_everything(gql, bike_workshop):
    assert gql(ENTERPRISES, {"search": "   "})["data"]["enterprises"]["totalCount"] == 2


def test_a_search_without_words_is_bad_user_input(gql, bike_workshop):
    body = gql(ENTERPRISES, {"search": "?!*"}, expect_errors=True)
    error = body["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "no words" in error["message"]
