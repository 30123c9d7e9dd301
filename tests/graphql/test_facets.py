"""`facets` on `enterprises` and `supportOrganisations`: counts over the filtered list."""

import importlib
import json

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

import pytest

from directory.models import RecognisedStatus, Term
from tests import factories

pytestmark = pytest.mark.django_db

ENTERPRISE_FACETS = """
query($locale: Locale, $filter: EnterpriseFilter, $search: String, $limit: Int) {
  enterprises(locale: $locale, filter: $filter, search: $search, limit: $limit) {
    totalCount
    items { slug }
    facets {
      countries { value label count } sectors { value label count }
      sdgs { value label count } targetGroups { value label count }
      offers { value label count } needs { value label count }
      recognisedStatuses { value label count } languages { value label count }
    }
  }
}
"""

ORGANISATION_FACETS = """
query($locale: Locale, $filter: SupportOrganisationFilter) {
  supportOrganisations(locale: $locale, filter: $filter) {
    totalCount
    facets {
      countries { value label count } servesCountries { value label count }
      supportTypes { value label count } sectors { value count } sdgs { value count }
      offers { value count } needs { value count }
    }
  }
}
"""


def counts(facets):
    return [(facet["value"], facet["count"]) for facet in facets]


def enterprise(slug, country="DK", languages=(), **terms):
    record = factories.SocialEnterpriseFactory(
        slug=slug, name=slug.title(), country=country, languages=list(languages)
    )
    return factories.set_terms(record, **terms) if terms else record


@pytest.fixture
def directory():
    enterprise("dk-care", "DK", ["da", "en"], sectors=["Q"], sdgs=[8, 10], offers=["training"])
    enterprise("dk-food", "DK", ["da"], sectors=["I", "Q"], sdgs=[8], needs=["funding"])
    enterprise("pl-care", "PL", ["pl", "en"], sectors=["Q"], sdgs=[3], needs=["funding"])
    enterprise("lt-craft", "LT", ["lt"], sectors=["C"], target_groups=["youth"])


def test_facets_count_the_whole_filtered_list_not_the_page(gql, directory):
    body = gql(ENTERPRISE_FACETS, {"filter": {"sectors": ["Q"]}, "limit": 1})
    result = body["data"]["enterprises"]
    assert result["totalCount"] == 3
    assert len(result["items"]) == 1
    facets = result["facets"]
    assert counts(facets["countries"]) == [("DK", 2), ("PL", 1)]
    assert counts(facets["sectors"]) == [("Q", 3), ("I", 1)]
    # Ties by label: "Good health and well-being" (3) before "Reduced inequalities" (10).
    assert counts(facets["sdgs"]) == [("8", 2), ("3", 1), ("10", 1)]
    assert counts(facets["needs"]) == [("funding", 2)]
    assert counts(facets["offers"]) == [("training", 1)]
    assert facets["targetGroups"] == []  # the only youth enterprise is filtered out
    assert counts(facets["languages"]) == [("da", 2), ("en", 2), ("pl", 1)]


def test_facets_are_sorted_by_count_then_label(gql, directory):
    facets = gql(ENTERPRISE_FACETS)["data"]["enterprises"]["facets"]
    # Q is on three entries; C and I on one each, in label order:
    # "Accommodation and food ..." (I) before "Manufacturing" (C).
    assert counts(facets["sectors"]) == [("Q", 3), ("I", 1), ("C", 1)]
    assert facets["sectors"][0]["label"] == "Human health and social work activities"
    assert [f["label"] for f in facets["countries"]] == ["Denmark", "Lithuania", "Poland"]


def test_facets_follow_filters_search_and_near(gql, directory):
    factories.SocialEnterpriseFactory(
        slug="gdansk-bakery",
        name="Gdańsk Bakery",
        country="PL",
        latitude="54.352000",
        longitude="18.646600",
    )
    searched = gql(ENTERPRISE_FACETS, {"search": "bakery"})["data"]["enterprises"]
    assert searched["totalCount"] == 1
    assert counts(searched["facets"]["countries"]) == [("PL", 1)]
    near = {"lat": 54.35, "lng": 18.65, "km": 20}
    located = gql(ENTERPRISE_FACETS, {"filter": {"near": near}})["data"]["enterprises"]
    assert counts(located["facets"]["countries"]) == [("PL", 1)]
    assert located["facets"]["sectors"] == []


def test_translations_are_counted_once_per_entry(gql, directory):
    source = factories.SocialEnterpriseFactory(slug="translated", country="DK")
    factories.set_terms(source, sectors=["Q"])
    factories.translate_record(source, "da", name="Oversat")
    factories.translate_record(source, "pl", name="Przetłumaczone", publish=False)
    for locale in ["en", "da", "pl"]:
        result = gql(ENTERPRISE_FACETS, {"locale": locale})["data"]["enterprises"]
        assert result["totalCount"] == 5
        assert counts(result["facets"]["countries"])[0] == ("DK", 3), locale
        assert counts(result["facets"]["sectors"])[0] == ("Q", 4), locale


def test_drafts_and_expired_entries_are_not_counted(gql, directory):
    draft = enterprise("draft", "EE", sectors=["Q"])
    draft.live = False
    draft.save()
    facets = gql(ENTERPRISE_FACETS)["data"]["enterprises"]["facets"]
    assert "EE" not in [facet["value"] for facet in facets["countries"]]
    assert counts(facets["sectors"])[0] == ("Q", 3)


def test_labels_are_in_the_requested_locale_with_english_fallback(gql, directory):
    funding = Term.objects.get(slug="funding", locale__language_code="en")
    factories.translate_record(funding, "da", name="Finansiering")
    facets = gql(ENTERPRISE_FACETS, {"locale": "da"})["data"]["enterprises"]["facets"]
    assert facets["needs"] == [{"value": "funding", "label": "Finansiering", "count": 2}]
    # No Danish row for "training": its English label.
    assert facets["offers"] == [{"value": "training", "label": "Training", "count": 1}]
    assert {f["value"]: f["label"] for f in facets["countries"]}["DK"] == "Danmark"
    assert {f["value"]: f["label"] for f in facets["languages"]}["pl"] == "polsk"


def test_recognised_status_facet_counts_the_foreign_key(gql):
    rsv = RecognisedStatus.objects.get(slug="dk-rsv", locale__language_code="en")
    factories.SocialEnterpriseFactory(recognised_status=rsv)
    factories.SocialEnterpriseFactory(recognised_status=rsv)
    factories.SocialEnterpriseFactory(recognised_status=None)
    facets = gql(ENTERPRISE_FACETS)["data"]["enterprises"]["facets"]
    assert facets["recognisedStatuses"] == [
        {"value": "dk-rsv", "label": "Registered social enterprise (Denmark, RSV)", "count": 2}
    ]


def test_empty_list_has_empty_facets(gql, directory):
    result = gql(ENTERPRISE_FACETS, {"filter": {"countries": ["IS"]}})["data"]["enterprises"]
    assert result["totalCount"] == 0
    assert all(values == [] for values in result["facets"].values())


def test_organisation_facets_count_served_countries_or_the_own_country(gql):
    funder = factories.SupportOrganisationFactory(country="LV", countries_served=["LV", "LT"])
    factories.set_terms(funder, support_types=["funder"], offers=["funding"])
    incubator = factories.SupportOrganisationFactory(country="EE", countries_served=[])
    factories.set_terms(incubator, support_types=["incubator", "funder"], needs=["volunteers"])
    factories.SupportOrganisationFactory(country="DK", countries_served=["DK", "SE", "LT"])
    result = gql(ORGANISATION_FACETS)["data"]["supportOrganisations"]
    facets = result["facets"]
    assert counts(facets["countries"]) == [("DK", 1), ("EE", 1), ("LV", 1)]
    assert counts(facets["servesCountries"]) == [
        ("LT", 2),
        ("DK", 1),
        ("EE", 1),
        ("LV", 1),
        ("SE", 1),
    ]
    assert counts(facets["supportTypes"]) == [("funder", 2), ("incubator", 1)]
    assert counts(facets["offers"]) == [("funding", 1)]
    assert counts(facets["needs"]) == [("volunteers", 1)]

    served = gql(ORGANISATION_FACETS, {"filter": {"servesCountries": ["LT"]}})
    assert counts(served["data"]["supportOrganisations"]["facets"]["countries"]) == [
        ("DK", 1),
        ("LV", 1),
    ]


def test_organisation_facet_labels_follow_the_locale(gql):
    factories.SupportOrganisationFactory(country="DE", countries_served=["DE", "PL"])
    facets = gql(ORGANISATION_FACETS, {"locale": "pl"})["data"]["supportOrganisations"]
    labels = {f["value"]: f["label"] for f in facets["facets"]["servesCountries"]}
    assert labels == {"DE": "Niemcy", "PL": "Polska"}


def queries(query, variables=None):
    client = Client()
    payload = json.dumps({"query": query, "variables": variables or {}})
    client.post("/graphql/", data=payload, content_type="application/json")
    with CaptureQueriesContext(connection) as captured:
        body = client.post("/graphql/", data=payload, content_type="application/json").json()
    assert "errors" not in body, body
    return len(captured)


@pytest.mark.count_queries
def test_facets_cost_one_query_per_selected_dimension_and_nothing_unselected(directory):
    factories.translate_record(Term.objects.get(slug="funding", locale__language_code="en"), "da")
    plain = queries("{ enterprises { totalCount items { slug } } }")
    one = queries("{ enterprises { totalCount items { slug } facets { countries { value } } } }")
    every = queries(ENTERPRISE_FACETS)
    assert one == plain + 1
    assert every == plain + 8
    # Labels in another locale: one more query, for every dimension together.
    plain_da = queries("{ enterprises(locale: da) { totalCount items { slug } } }")
    every_da = queries(ENTERPRISE_FACETS, {"locale": "da"})
    assert every_da == plain_da + 8 + 1


# Unfiltered lists in English read the counts PostgreSQL keeps (directory migration 0009);
# any filter counts live. Through every kind of change, both must agree with what is listed.

EVERY_COUNTRY = ["DK", "PL", "LT", "SE", "EE"]
RELATIONS = ["sectors", "sdgs", "targetGroups", "offers", "needs"]


def kept_and_live(gql):
    kept = gql(ENTERPRISE_FACETS)["data"]["enterprises"]
    live = gql(ENTERPRISE_FACETS, {"filter": {"countries": EVERY_COUNTRY}})["data"]["enterprises"]
    assert kept["totalCount"] == live["totalCount"]
    return {name: counts(kept["facets"][name]) for name in RELATIONS}, {
        name: counts(live["facets"][name]) for name in RELATIONS
    }


def test_unfiltered_facets_agree_with_live_counts_through_every_change(gql, directory):
    import datetime

    from django.utils import timezone

    from directory.models import SocialEnterprise

    def check():
        kept, live = kept_and_live(gql)
        assert kept == live
        return kept

    assert check()["sectors"] == [("Q", 3), ("I", 1), ("C", 1)]
    care = SocialEnterprise.objects.get(slug="dk-care")
    factories.translate_record(care, "da", name="Omsorg")  # a copy with the same links
    assert check()["sectors"][0] == ("Q", 3)
    factories.set_terms(care, sectors=["C", "S"], sdgs=[8])  # links replaced
    assert check()["sectors"] == [("Q", 2), ("C", 2), ("I", 1), ("S", 1)]
    food = SocialEnterprise.objects.get(slug="dk-food")
    food.live = False
    food.save()  # unpublished
    assert ("I", 1) not in check()["sectors"]
    food.live = True
    food.expire_at = timezone.now() + datetime.timedelta(days=1)
    food.save()  # published again, with a window: counted live
    assert ("I", 1) in check()["sectors"]
    craft = SocialEnterprise.objects.get(slug="lt-craft")
    craft.go_live_at = timezone.now() + datetime.timedelta(days=1)
    craft.save()  # not yet visible
    assert check()["targetGroups"] == []
    craft.go_live_at = None
    craft.expired = True
    craft.save()
    assert check()["targetGroups"] == []
    SocialEnterprise.objects.filter(slug="pl-care").delete()
    assert check()["needs"] == [("funding", 1)]
    enterprise("ee-new", "EE", sectors=["Q"], needs=["funding"])
    assert check()["needs"] == [("funding", 2)]


def difference():
    """Rows where the triggers' table and migration 0009's counts from scratch disagree."""
    scratch = importlib.import_module("directory.migrations.0009_facet_counts").backfill_sql()
    with connection.cursor() as cursor:
        cursor.execute(
            f"(({scratch}) EXCEPT SELECT * FROM directory_facetcount) UNION ALL "
            f"(SELECT * FROM directory_facetcount EXCEPT ({scratch}))"
        )
        return cursor.fetchall()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the kept counts: PostgreSQL")
def test_kept_counts_are_the_counts_from_scratch_after_every_write(gql, directory):
    """The triggers' table equals the counts computed from the links (migration 0009's
    backfill), for enterprises and support organisations, after writes of every kind."""
    from directory.models import SocialEnterprise, SupportOrganisation

    assert difference() == []
    organisation = factories.SupportOrganisationFactory(slug="fund", country="DK")
    factories.set_terms(organisation, support_types=["funder"], offers=["funding"])
    factories.translate_record(SocialEnterprise.objects.get(slug="dk-care"), "da")
    SocialEnterprise.objects.filter(slug="dk-food").update(live=False)
    SocialEnterprise.objects.filter(slug="lt-craft").update(expired=True)
    SupportOrganisation.objects.filter(slug="fund").update(expired=True)
    SupportOrganisation.objects.filter(slug="fund").update(expired=False)
    SocialEnterprise.objects.filter(slug="pl-care").delete()
    assert difference() == []
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM directory_facetcount WHERE entries <= 0")
        assert cursor.fetchone() == (0,)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the kept counts: PostgreSQL")
def test_a_bulk_write_defers_the_counts_and_recounts_once(gql, directory, tmp_path):
    """Inside facet_counts.deferred the triggers step aside; the counts are exact afterwards
    (an import of new and changed entries, then an admin edit, which the triggers count)."""
    from django.core.management import call_command

    from directory import facet_counts
    from directory.models import SocialEnterprise

    with facet_counts.deferred(SocialEnterprise):
        SocialEnterprise.objects.filter(slug="dk-food").update(live=False)
        assert difference() != []  # not counted while deferred
    assert difference() == []

    path = tmp_path / "enterprises.csv"
    path.write_text(
        "external_id,name,country,summary,sectors\n"
        "imp-1,Imported one,DK,Made by an import.,Q\n"
        "imp-2,Imported two,PL,Made by an import.,Q\n"
    )
    call_command("import_directory", str(path), type="enterprises", publish=True, verbosity=0)
    assert SocialEnterprise.objects.filter(name="Imported two", live=True).exists()
    assert difference() == []
    factories.set_terms(SocialEnterprise.objects.get(name="Imported one"), sectors=[])
    assert difference() == []
