"""`translations { status progress }` on /graphql/, after translating through wagtail-localize's
admin views. The article has three string segments: title, slug and intro."""

import json

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from wagtail.models import Locale
from wagtail_localize.models import Translation, TranslationSource

import pytest

from tests import factories

pytestmark = pytest.mark.django_db

PAGE = """query($path: String!) { page(path: $path) {
  title translations { locale title path status progress }
} }"""

ENTERPRISES = """query($limit: Int) { enterprises(limit: $limit, order: NAME) { items {
  name translations { locale slug status progress }
} } }"""


def translations(body):
    return {entry["locale"]: entry for entry in body["translations"]}


@pytest.fixture
def article(db):
    return factories.article(
        title="Measuring social impact",
        intro="How social enterprises show the change they make.",
    )


def test_draft_translation_is_in_progress_without_its_draft_title(gql, admin_client, article):
    danish = factories.localize_submit(admin_client, article, "da")
    factories.localize_translate(admin_client, danish, {article.title: "Måling af social effekt"})
    danish.refresh_from_db()
    assert danish.draft_title == "Måling af social effekt"

    page = gql(PAGE, {"path": "/library/measuring-social-impact/"})["data"]["page"]

    by_locale = translations(page)
    assert by_locale["da"] == {
        "locale": "da",
        "title": None,
        "path": None,
        "status": "IN_PROGRESS",
        "progress": 33.3,
    }
    assert by_locale["en"] == {
        "locale": "en",
        "title": "Measuring social impact",
        "path": "/library/measuring-social-impact/",
        "status": "SOURCE",
        "progress": None,
    }
    assert by_locale["de"] == {
        "locale": "de",
        "title": None,
        "path": None,
        "status": "MISSING",
        "progress": 0.0,
    }


def test_translation_is_outdated_once_the_english_source_is_published_again(
    gql, admin_client, article
):
    danish = factories.localize_submit(admin_client, article, "da")
    factories.localize_translate(
        admin_client,
        danish,
        {
            "Measuring social impact": "Måling af social effekt",
            "measuring-social-impact": "maling",
            "How social enterprises show the change they make.": "Hvordan det virker.",
        },
    )
    factories.localize_publish(admin_client, danish)
    path = {"path": "/library/measuring-social-impact/"}
    assert translations(gql(PAGE, path)["data"]["page"])["da"]["status"] == "TRANSLATED"

    article.intro = "How social enterprises show what they change."
    article.save_revision().publish()

    by_locale = translations(gql(PAGE, path)["data"]["page"])
    # Still public: the live Danish title and path stay available to language switchers.
    assert by_locale["da"] == {
        "locale": "da",
        "title": "Måling af social effekt",
        "path": "/library/maling/",
        "status": "OUTDATED",
        "progress": 100.0,
    }

    factories.localize_sync(admin_client, article, publish=True)

    by_locale = translations(gql(PAGE, path)["data"]["page"])
    assert by_locale["da"]["status"] == "IN_PROGRESS"
    assert by_locale["da"]["progress"] == 66.7


def test_enterprise_list_reports_the_status_of_each_translation(gql, admin_client):
    outdated = factories.SocialEnterpriseFactory(name="Aarhus Bakery", slug="aarhus-bakery")
    outdated.save_revision().publish()
    copied = factories.SocialEnterpriseFactory(name="Bike Workshop", slug="bike-workshop")
    factories.SocialEnterpriseFactory(name="Café Riga", slug="cafe-riga")
    danish = factories.localize_submit(admin_client, outdated, "da")
    factories.localize_translate(admin_client, danish, {"Aarhus Bakery": "Aarhus Bageri"})
    factories.localize_publish(admin_client, danish)
    outdated.name = "Aarhus Bakery and Café"
    outdated.save_revision().publish()
    factories.translate_record(copied, "da", name="Cykelværksted")
    factories.translate_record(copied, "pl", publish=False, name="Warsztat rowerowy")

    items = gql(ENTERPRISES, {"limit": 10})["data"]["enterprises"]["items"]

    statuses = {
        item["name"]: {
            t["locale"]: (t["status"], t["progress"])
            for t in item["translations"]
            if t["locale"] in ("en", "da", "pl")
        }
        for item in items
    }
    # The factory's summary is a second segment, left untranslated.
    assert statuses == {
        "Aarhus Bakery and Café": {
            "en": ("SOURCE", None),
            "da": ("OUTDATED", 50.0),
            "pl": ("MISSING", 0.0),
        },
        "Bike Workshop": {
            "en": ("SOURCE", None),
            "da": ("TRANSLATED", None),
            "pl": ("IN_PROGRESS", None),
        },
        "Café Riga": {"en": ("SOURCE", None), "da": ("MISSING", 0.0), "pl": ("MISSING", 0.0)},
    }
    slugs = {t["locale"]: t["slug"] for t in items[1]["translations"]}
    assert slugs["da"] == "bike-workshop"
    assert slugs["pl"] is None


def count_queries(query, variables):
    client = Client()
    client.post(
        "/graphql/", json.dumps({"query": query, "variables": variables}), "application/json"
    )
    with CaptureQueriesContext(connection) as captured:
        response = client.post(
            "/graphql/", json.dumps({"query": query, "variables": variables}), "application/json"
        )
    assert "errors" not in response.json()
    return len(captured)


@pytest.mark.count_queries
def test_statuses_cost_the_same_for_10_and_100_entries_with_localize_translations():
    entries = factories.SocialEnterpriseFactory.create_batch(100)
    # Set up as wagtail-localize's own tests do: a source, a translation, its target.
    for entry in entries[:15]:
        source, _created = TranslationSource.get_or_create_from_instance(entry)
        for code in ("da", "pl"):
            translation = Translation.objects.create(
                source=source, target_locale=Locale.objects.get(language_code=code)
            )
            translation.save_target(publish=True)

    small = count_queries(ENTERPRISES, {"limit": 10})
    large = count_queries(ENTERPRISES, {"limit": 100})

    assert small == large, f"{small} queries for 10 entries, {large} for 100"
