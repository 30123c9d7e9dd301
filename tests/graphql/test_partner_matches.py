"""`partnerMatches`: ranked partners for an enterprise, with their reasons.

The constructed directory below has a known right order; the expected scores are worked out
from the weights in directory/matching.py.
"""

import random

import pytest

from directory import matching
from directory.models import SocialEnterprise, SupportOrganisation, Term
from tests import factories

pytestmark = pytest.mark.django_db

MATCHES = """
query($enterprise: String!, $locale: Locale, $limit: Int) {
  partnerMatches(enterprise: $enterprise, locale: $locale, limit: $limit) {
    score
    reasons { kind text codes }
    partner { __typename slug name locale country { code name } }
  }
}
"""


def enterprise(slug, country, languages=(), seeking=True, **terms):
    record = factories.SocialEnterpriseFactory(
        slug=slug,
        name=slug.replace("-", " ").title(),
        country=country,
        languages=list(languages),
        seeking_partners=seeking,
    )
    return factories.set_terms(record, **terms)


def organisation(slug, country, served=(), languages=(), seeking=True, **terms):
    record = factories.SupportOrganisationFactory(
        slug=slug,
        name=slug.replace("-", " ").title(),
        country=country,
        countries_served=list(served),
        languages=list(languages),
        seeking_partners=seeking,
    )
    return factories.set_terms(record, **terms)


@pytest.fixture
def network():
    subject = enterprise(
        "bike-workshop",
        "DK",
        ["da", "en"],
        needs=["funding", "mentoring"],
        offers=["training"],
        sectors=["S"],
        sdgs=[8, 12],
        target_groups=["long-term-unemployed"],
    )
    # 2 needs met (2 x 3) + serves Denmark (2) + Danish (0.5)
    organisation("dk-fund", "DK", [], ["da"], offers=["funding", "mentoring", "premises"])
    # wants the training (2) + sector S (1) + SDG 8 (1) + English (0.5) + Sweden borders (0.5)
    enterprise("se-repair", "SE", ["en", "sv"], needs=["training"], sectors=["S"], sdgs=[8])
    # SDGs 8 and 12 (2) + target group (1) + same country (1) + Danish (0.5)
    enterprise("dk-cafe", "DK", ["da"], sdgs=[8, 12], target_groups=["long-term-unemployed"])
    # mentoring (3) + English (0.5); Latvia and Lithuania do not border Denmark
    organisation("lv-incubator", "LV", ["LV", "LT"], ["en"], offers=["mentoring"])
    # Only a language and a neighbouring country in common: not a match.
    enterprise("pl-neighbour", "PL", ["en"], sectors=["C"])
    # Perfect matches that are not on offer: not seeking partners, or not published.
    enterprise("dk-hidden", "DK", ["da"], seeking=False, offers=["funding", "mentoring"])
    organisation("dk-closed-fund", "DK", [], ["da"], seeking=False, offers=["funding"])
    draft = enterprise("dk-draft", "DK", ["da"], offers=["funding", "mentoring"])
    draft.live = False
    draft.save()
    return subject


def ranking(body):
    return [(m["partner"]["slug"], m["score"]) for m in body["data"]["partnerMatches"]]


def test_partners_are_ranked_by_their_documented_score(gql, network):
    body = gql(MATCHES, {"enterprise": "bike-workshop"})
    assert ranking(body) == [
        ("dk-fund", 8.5),
        ("se-repair", 5.0),
        ("dk-cafe", 4.5),
        ("lv-incubator", 3.5),
    ]
    kinds = [m["partner"]["__typename"] for m in body["data"]["partnerMatches"]]
    assert kinds == [
        "SupportOrganisation",
        "SocialEnterprise",
        "SocialEnterprise",
        "SupportOrganisation",
    ]


def test_the_score_follows_the_weights(gql, network):
    body = gql(MATCHES, {"enterprise": "bike-workshop"})
    fund = body["data"]["partnerMatches"][0]
    assert fund["score"] == (
        2 * matching.NEED_MET_WEIGHT
        + matching.SERVES_COUNTRY_WEIGHT
        + matching.COMMON_LANGUAGE_WEIGHT
    )


def test_reasons_name_the_matched_codes_in_readable_text(gql, network):
    matches = gql(MATCHES, {"enterprise": "bike-workshop"})["data"]["partnerMatches"]
    by_slug = {m["partner"]["slug"]: m["reasons"] for m in matches}
    assert by_slug["dk-fund"] == [
        {
            "kind": "NEED_MET",
            "text": "Offers what you need: Funding, Mentoring.",
            "codes": ["funding", "mentoring"],
        },
        {
            "kind": "SERVES_COUNTRY",
            "text": "Supports social enterprises in Denmark.",
            "codes": ["DK"],
        },
        {
            "kind": "COMMON_LANGUAGE",
            "text": "Works in a language you use: Danish.",
            "codes": ["da"],
        },
    ]
    assert [(r["kind"], r["codes"]) for r in by_slug["se-repair"]] == [
        ("OFFER_WANTED", ["training"]),
        ("SHARED_SECTORS", ["S"]),
        ("SHARED_SDGS", ["8"]),
        ("COMMON_LANGUAGE", ["en"]),
        ("NEARBY_COUNTRY", ["SE"]),
    ]
    assert by_slug["se-repair"][4]["text"] == "In a neighbouring country: Sweden."
    assert by_slug["dk-cafe"][0] == {
        "kind": "SHARED_SDGS",
        "text": "Works towards the same SDGs: Decent work and economic growth, "
        "Responsible consumption and production.",
        "codes": ["8", "12"],
    }
    assert [r["kind"] for r in by_slug["dk-cafe"]] == [
        "SHARED_SDGS",
        "SHARED_TARGET_GROUPS",
        "COMMON_LANGUAGE",
        "SAME_COUNTRY",
    ]


def test_only_published_entries_seeking_partners_are_proposed(gql, network):
    slugs = [slug for slug, _score in ranking(gql(MATCHES, {"enterprise": "bike-workshop"}))]
    assert "bike-workshop" not in slugs
    for hidden in ["dk-hidden", "dk-closed-fund", "dk-draft"]:
        assert hidden not in slugs


def test_language_and_geography_alone_do_not_make_a_match(gql, network):
    slugs = [slug for slug, _score in ranking(gql(MATCHES, {"enterprise": "bike-workshop"}))]
    assert "pl-neighbour" not in slugs


def test_the_enterprise_itself_need_not_seek_partners(gql, network):
    network.seeking_partners = False
    network.save()
    assert ranking(gql(MATCHES, {"enterprise": "bike-workshop"}))[0] == ("dk-fund", 8.5)


def test_matching_works_in_both_directions(gql, network):
    """se-repair needs training, which bike-workshop offers: bike-workshop is its partner."""
    ranked = ranking(gql(MATCHES, {"enterprise": "se-repair"}))
    assert ranked[0] == ("bike-workshop", 2 * 1.0 + 3.0 + 0.5 + 0.5)


def test_equal_scores_are_ordered_by_name(gql, network):
    enterprise("alpha-cafe", "DK", ["da"], sdgs=[8, 12], target_groups=["long-term-unemployed"])
    ranked = ranking(gql(MATCHES, {"enterprise": "bike-workshop"}))
    assert ranked[2:4] == [("alpha-cafe", 4.5), ("dk-cafe", 4.5)]


def test_limit_keeps_the_best_and_is_capped(gql, network):
    assert ranking(gql(MATCHES, {"enterprise": "bike-workshop", "limit": 2})) == [
        ("dk-fund", 8.5),
        ("se-repair", 5.0),
    ]
    assert (
        gql(MATCHES, {"enterprise": "bike-workshop", "limit": 0})["data"]["partnerMatches"] == []
    )
    body = gql(MATCHES, {"enterprise": "bike-workshop", "limit": 101}, expect_errors=True)
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "100" in body["errors"][0]["message"]


def test_texts_and_labels_follow_the_requested_locale(gql, network):
    funding = Term.objects.get(slug="funding", locale__language_code="en")
    factories.translate_record(funding, "da", name="Finansiering")
    factories.translate_record(
        SocialEnterprise.objects.get(slug="se-repair"), "da", name="Svensk reparation"
    )
    matches = gql(MATCHES, {"enterprise": "bike-workshop", "locale": "da"})["data"]
    fund, repair = matches["partnerMatches"][:2]
    # Mentoring has no Danish label yet: English.
    assert fund["reasons"][0]["codes"] == ["funding", "mentoring"]
    assert "Finansiering, Mentoring" in fund["reasons"][0]["text"]
    assert "Danmark" in fund["reasons"][1]["text"]
    assert "dansk" in fund["reasons"][2]["text"]
    assert fund["partner"]["locale"] == "en"
    assert repair["partner"] == {
        "__typename": "SocialEnterprise",
        "slug": "se-repair",
        "name": "Svensk reparation",
        "locale": "da",
        "country": {"code": "SE", "name": "Sverige"},
    }


def test_a_translated_partner_is_proposed_once(gql, network):
    cafe = SocialEnterprise.objects.get(slug="dk-cafe")
    factories.translate_record(cafe, "da", name="Dansk café")
    slugs = [slug for slug, _score in ranking(gql(MATCHES, {"enterprise": "bike-workshop"}))]
    assert slugs.count("dk-cafe") == 1
    danish = ranking(gql(MATCHES, {"enterprise": "bike-workshop", "locale": "da"}))
    assert [slug for slug, _score in danish].count("dk-cafe") == 1


def test_the_enterprise_is_found_by_slug_in_any_locale(gql, network):
    factories.translate_record(network, "pl", name="Warsztat rowerowy")
    assert ranking(gql(MATCHES, {"enterprise": "bike-workshop", "locale": "pl"}))[0] == (
        "dk-fund",
        8.5,
    )


@pytest.mark.parametrize("slug", ["no-such-enterprise", "dk-draft", "dk-fund"])
def test_an_unknown_draft_or_non_enterprise_slug_is_not_found(gql, network, slug):
    body = gql(MATCHES, {"enterprise": slug}, expect_errors=True)
    error = body["errors"][0]
    assert error["extensions"]["code"] == "NOT_FOUND"
    assert f'No published social enterprise has the slug "{slug}"' in error["message"]
    assert body["data"] is None


def test_a_support_organisation_serving_a_neighbouring_country_is_nearby(gql, network):
    organisation("se-advisers", "SE", ["SE", "NO"], offers=["funding"])
    matches = gql(MATCHES, {"enterprise": "bike-workshop"})["data"]["partnerMatches"]
    advisers = next(m for m in matches if m["partner"]["slug"] == "se-advisers")
    assert advisers["score"] == matching.NEED_MET_WEIGHT + matching.NEARBY_COUNTRY_WEIGHT
    assert advisers["reasons"][1] == {
        "kind": "NEARBY_COUNTRY",
        "text": "In a neighbouring country: Norway, Sweden.",
        "codes": ["NO", "SE"],
    }


def test_an_enterprise_without_a_country_gets_no_geographic_reasons(gql, network):
    enterprise("nomad", "", ["en"], needs=["training"])
    matches = gql(MATCHES, {"enterprise": "nomad"})["data"]["partnerMatches"]
    assert [(m["partner"]["slug"], m["score"]) for m in matches] == [("bike-workshop", 3.5)]
    assert [r["kind"] for r in matches[0]["reasons"]] == ["NEED_MET", "COMMON_LANGUAGE"]


# SQL ranks the candidates and score() writes the reasons of the chosen few: on random small
# directories, both must give every candidate the same total and agree on who is a match.

COUNTRIES = ["DK", "SE", "DE", "PL", "LT", "LV", "NO", ""]
LANGUAGES = ["en", "da", "sv", "de", "pl", "lt"]
TERMS = ["funding", "mentoring", "training", "premises", "research"]
SECTORS = ["C", "Q", "S"]
SDGS = [3, 8, 10, 12]
GROUPS = ["youth", "women", "long-term-unemployed"]


def random_terms(rng):
    def some(values):
        return rng.sample(values, rng.randint(0, min(3, len(values))))

    return {
        "needs": some(TERMS),
        "offers": some(TERMS),
        "sectors": some(SECTORS),
        "sdgs": some(SDGS),
        "target_groups": some(GROUPS),
    }


def random_directory(rng):
    subject = enterprise(
        "subject",
        rng.choice(COUNTRIES),
        rng.sample(LANGUAGES, rng.randint(0, 2)),
        **random_terms(rng),
    )
    for number in range(12):
        enterprise(
            f"enterprise-{number:02d}",
            rng.choice(COUNTRIES),
            rng.sample(LANGUAGES, rng.randint(0, 2)),
            seeking=rng.random() < 0.8,
            **random_terms(rng),
        )
    for number in range(6):
        organisation(
            f"organisation-{number:02d}",
            rng.choice(COUNTRIES),
            rng.sample(COUNTRIES[:-1], rng.randint(0, 3)),
            rng.sample(LANGUAGES, rng.randint(0, 2)),
            seeking=rng.random() < 0.8,
            offers=rng.sample(TERMS, rng.randint(0, 2)),
            needs=rng.sample(TERMS, rng.randint(0, 1)),
            sectors=rng.sample(SECTORS, rng.randint(0, 1)),
        )
    return subject


@pytest.mark.parametrize("seed", range(6))
def test_the_sql_score_of_every_candidate_is_the_python_score(seed):
    subject = random_directory(random.Random(seed))
    own = matching.as_candidate(subject)
    for model in (SocialEnterprise, SupportOrganisation):
        everyone = model.objects.filter(seeking_partners=True).exclude(slug="subject")
        terms = matching.matched_terms(model, subject, [row.pk for row in everyone])
        expected = {}
        for row in everyone:
            total, reasons = matching.score(own, matching.as_candidate(row), terms.get(row.pk, {}))
            if reasons:
                expected[row.slug] = total
        rows = matching.ranked_candidates(model, subject, "en", 100)
        assert {row.slug: float(row.score) for row in rows} == expected
        order = sorted(rows, key=lambda row: (-expected[row.slug], row.name.casefold(), row.slug))
        assert [row.slug for row in rows] == [row.slug for row in order]


def test_the_limit_keeps_the_best_candidates_of_each_kind(network):
    assert [
        row.slug for row in matching.ranked_candidates(SocialEnterprise, network, "en", 1)
    ] == ["se-repair"]


@pytest.mark.parametrize("seed", range(6))
def test_a_small_limit_keeps_exactly_the_best_of_the_full_ranking(seed):
    """The bar below which entries are not scored (the best `limit` shared-term weights minus
    what geography and language can add) never drops one of the best."""
    subject = random_directory(random.Random(seed))
    for model in (SocialEnterprise, SupportOrganisation):
        everyone = [row.slug for row in matching.ranked_candidates(model, subject, "en", 100)]
        for limit in (1, 2, 3, 5):
            best = matching.ranked_candidates(model, subject, "en", limit)
            assert [row.slug for row in best] == everyone[:limit], (model, limit)
