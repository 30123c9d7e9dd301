"""Only live, public content, in every root field, nested field and search."""

import datetime

from django.utils import timezone

import pytest

from tests import factories

pytestmark = pytest.mark.django_db

ENTRY_FIELDS = "slug name locale"


def test_draft_unpublished_and_expired_records_are_absent_everywhere(gql):
    factories.SocialEnterpriseFactory(slug="public", name="Public Bakery")
    factories.SocialEnterpriseFactory(slug="draft", name="Draft Bakery", live=False)
    factories.SocialEnterpriseFactory(
        slug="expired",
        name="Expired Bakery",
        expire_at=timezone.now() - datetime.timedelta(hours=1),
    )
    factories.SupportOrganisationFactory(slug="draft-org", name="Draft Bakery Org", live=False)
    factories.EventFactory(slug="draft-event", title="Draft Bakery Fair", live=False)

    data = gql(
        """{
          enterprises { totalCount items { slug } }
          supportOrganisations { totalCount }
          events { totalCount }
          draft: enterprise(slug: "draft") { slug }
          expired: enterprise(slug: "expired") { slug }
          draftOrg: supportOrganisation(slug: "draft-org") { slug }
          draftEvent: event(slug: "draft-event") { slug }
          search(query: "bakery") { title }
        }"""
    )["data"]
    assert data["enterprises"] == {"totalCount": 1, "items": [{"slug": "public"}]}
    assert data["supportOrganisations"]["totalCount"] == 0
    assert data["events"]["totalCount"] == 0
    assert data["draft"] is None
    assert data["expired"] is None
    assert data["draftOrg"] is None
    assert data["draftEvent"] is None
    assert [hit["title"] for hit in data["search"]] == ["Public Bakery"]


def test_a_draft_organiser_is_not_served_through_a_public_event(gql):
    organiser = factories.SupportOrganisationFactory(slug="hidden", live=False)
    factories.EventFactory(slug="meetup", organiser_organisation=organiser)
    event = gql('{ event(slug: "meetup") { slug organiser { slug } } }')["data"]["event"]
    assert event == {"slug": "meetup", "organiser": None}


def test_a_draft_enterprise_is_not_served_through_an_article(gql):
    hidden = factories.SocialEnterpriseFactory(slug="hidden", live=False)
    shown = factories.SocialEnterpriseFactory(slug="shown")
    article = factories.article()
    article.related_enterprises.set([hidden, shown])
    article.save_revision().publish()
    page = gql(
        '{ page(path: "/library/measuring-social-impact/") '
        "{ ... on ArticlePage { relatedEnterprises { slug } } } }"
    )["data"]["page"]
    assert page["relatedEnterprises"] == [{"slug": "shown"}]


def test_private_contact_fields_are_not_in_the_schema(gql):
    body = gql(
        '{ __type(name: "SocialEnterprise") { fields { name } } '
        'event: __type(name: "Event") { fields { name } } }'
    )
    for type_name in ["__type", "event"]:
        names = {field["name"] for field in body["data"][type_name]["fields"]}
        assert "contactEmail" not in names
        assert "contactName" not in names
        assert "live" not in names
        assert "name" in names or "title" in names


def test_page_types_expose_no_draft_state(gql):
    body = gql('{ __type(name: "ArticlePage") { fields { name } } }')
    names = {field["name"] for field in body["data"]["__type"]["fields"]}
    assert {"draftTitle", "live", "hasUnpublishedChanges", "owner", "lockedBy"} & names == set()
    assert {"title", "path", "translations", "body"} <= names


def test_enterprise_in_danish_and_its_fallback(gql):
    enterprise = factories.SocialEnterpriseFactory(slug="bike", name="Bike Workshop")
    factories.translate_record(enterprise, "da", name="Cykelværksted")
    factories.SocialEnterpriseFactory(slug="cafe", name="Café")
    query = "query($l: Locale) { enterprises(locale: $l) { items { slug name locale } } }"
    items = gql(query, {"l": "da"})["data"]["enterprises"]["items"]
    assert sorted((i["slug"], i["name"], i["locale"]) for i in items) == [
        ("bike", "Cykelværksted", "da"),
        ("cafe", "Café", "en"),
    ]
    single = gql('{ enterprise(slug: "bike", locale: da) { name locale } }')["data"]
    assert single["enterprise"] == {"name": "Cykelværksted", "locale": "da"}


def test_an_unpublished_translation_falls_back_to_english(gql):
    enterprise = factories.SocialEnterpriseFactory(slug="bike", name="Bike Workshop")
    factories.translate_record(enterprise, "da", publish=False, name="Cykelværksted")
    single = gql('{ enterprise(slug: "bike", locale: da) { name locale } }')["data"]
    assert single["enterprise"] == {"name": "Bike Workshop", "locale": "en"}


def test_vocabulary_labels_follow_the_requested_locale(gql):
    from directory.models import Sector

    factories.SocialEnterpriseFactory(slug="care", sectors=["Q"])
    health = Sector.objects.get(code="Q", locale__language_code="en")
    factories.translate_record(health, "da", name="Sundhed og socialt arbejde")
    query = (
        'query($l: Locale) { enterprise(slug: "care", locale: $l) '
        "{ sectors { code name locale } } }"
    )
    danish = gql(query, {"l": "da"})["data"]["enterprise"]["sectors"]
    assert danish == [{"code": "Q", "name": "Sundhed og socialt arbejde", "locale": "da"}]
    polish = gql(query, {"l": "pl"})["data"]["enterprise"]["sectors"]
    assert polish == [
        {"code": "Q", "name": "Human health and social work activities", "locale": "en"}
    ]


CTA = """query($locale: Locale) {
page(path: "/library/measuring-social-impact/", locale: $locale) {
  ... on ArticlePage { body { ... on CallToActionBlock { title page { title locale path } } } }
} }"""


def cta_article(target):
    return factories.article(
        body=[
            (
                "call_to_action",
                {"title": "Read more", "link_label": "Go", "page": target, "url": ""},
            )
        ]
    )


def test_a_page_linked_from_a_block_is_served_only_when_public(gql):
    draft = factories.article(title="Draft target", slug="draft-target", live=False)
    cta_article(draft)
    block = gql(CTA)["data"]["page"]["body"][0]
    assert block["title"] == "Read more"
    assert block["page"] is None


def test_a_page_linked_from_a_block_is_served_in_the_requested_locale(gql):
    target = factories.article(title="Funding basics", slug="funding-basics")
    factories.translate_page(target, "da", title="Finansiering", slug="finansiering")
    cta_article(target)
    block = gql(CTA, {"locale": "da"})["data"]["page"]["body"][0]
    assert block["page"] == {
        "title": "Finansiering",
        "locale": "da",
        "path": "/library/finansiering/",
    }


def test_page_topics_are_labelled_in_the_requested_locale(gql):
    from directory.models import Topic

    topic = Topic.objects.get(slug="funding", locale__language_code="en")
    factories.translate_record(topic, "da", name="Finansiering")
    article = factories.article()
    article.topics.set([topic])
    article.save_revision().publish()
    query = """{ page(path: "/library/measuring-social-impact/", locale: da) {
      ... on ArticlePage { topics { slug name locale } } } }"""
    topics = gql(query)["data"]["page"]["topics"]
    assert topics == [{"slug": "funding", "name": "Finansiering", "locale": "da"}]


def test_grapple_root_fields_are_not_in_the_schema(gql):
    fields = {
        field["name"]
        for field in gql("{ __schema { queryType { fields { name } } } }")["data"]["__schema"][
            "queryType"
        ]["fields"]
    }
    assert fields == {
        "page",
        "pages",
        "enterprise",
        "enterprises",
        "supportOrganisation",
        "supportOrganisations",
        "event",
        "events",
        "search",
        "partnerMatches",
    }


def test_a_live_page_before_its_go_live_time_is_served_nowhere(gql):
    from wagtail.models import Page

    factories.article(title="Published bakery guide", slug="published")
    due = factories.article(title="Embargoed bakery guide", slug="embargoed")
    Page.objects.filter(pk=due.pk).update(go_live_at=timezone.now() + datetime.timedelta(hours=1))

    data = gql(
        """{
          page(path: "/library/embargoed/") { title }
          pages { totalCount items { title } }
          search(query: "bakery guide") { title }
        }"""
    )["data"]
    assert data["page"] is None
    titles = [item["title"] for item in data["pages"]["items"]]
    assert "Published bakery guide" in titles
    assert "Embargoed bakery guide" not in titles
    found = [hit["title"] for hit in data["search"]]
    assert "Published bakery guide" in found
    assert "Embargoed bakery guide" not in found


def test_a_live_record_before_its_go_live_time_is_served_nowhere(gql):
    factories.SocialEnterpriseFactory(slug="open", name="Open Bakery")
    factories.SocialEnterpriseFactory(
        slug="due",
        name="Embargoed Bakery",
        go_live_at=timezone.now() + datetime.timedelta(hours=1),
    )

    data = gql(
        """{
          due: enterprise(slug: "due") { slug }
          enterprises { totalCount items { slug } }
          search(query: "bakery") { title }
        }"""
    )["data"]
    assert data["due"] is None
    assert data["enterprises"] == {"totalCount": 1, "items": [{"slug": "open"}]}
    assert [hit["title"] for hit in data["search"]] == ["Open Bakery"]
