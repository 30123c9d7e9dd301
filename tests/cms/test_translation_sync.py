"""Translating whole sections, synchronising from English, and losing nothing on the way.

- A section (a page and everything below it) goes to several languages in one submission.
- "Sync from English" per locale (Settings > Locales) is for administrators.
- Syncing a changed English source keeps every translation whose source text did not change,
  and every overridden field; the translated copies stay as they were until a translator or
  moderator publishes them.
"""

import json
from urllib.parse import urlencode

from django.urls import reverse

from wagtail.models import Locale, Page, get_translatable_models
from wagtail.rich_text import RichText
from wagtail.snippets.models import get_snippet_models
from wagtail_localize.models import LocaleSynchronization, StringTranslation, Translation

import pytest

from directory import models as directory
from pages import models as pages
from tests import factories
from tests.factories import client_for
from tests.graphql.conftest import gql  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db

LATVIAN_GROUP = "Translators: Latvian (lv)"


def locale(code):
    return Locale.objects.get(language_code=code)


@pytest.fixture
def latvian(user_in_group):
    return client_for(user_in_group(LATVIAN_GROUP, username="ilze"))


def editor_props(client, obj):
    response = client.get(factories.admin_edit_url(obj))
    assert response.status_code == 200
    return json.loads(response.context["props"])


def override(client, obj, content_path, value):
    """Override a synchronised field in the translation editor (an image, a city)."""
    props = editor_props(client, obj)
    [segment] = [
        s
        for s in props["segments"]
        if s["type"] == "synchronised_value" and s["contentPath"] == content_path
    ]
    response = client.put(
        segment["editUrl"],
        urlencode({"value": value}),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 201, response.content


def translated_sources(client, obj):
    """The source text of each string the editor shows as translated, with its translation."""
    props = editor_props(client, obj)
    translated = {t["segment_id"]: t["data"] for t in props["initialStringTranslations"]}
    return {
        s["source"]: translated.get(s["id"]) for s in props["segments"] if s["type"] == "string"
    }


# Sections into several languages ----------------------------------------------------------


def test_a_section_goes_to_several_languages_at_once_as_drafts(gql, user_in_group):  # noqa: F811
    library = factories.library()
    articles = [
        factories.article(title="Measuring social impact"),
        factories.article(title="Fair trade"),
    ]
    translator = client_for(user_in_group("Translators"))
    codes = ["lv", "da", "pl"]

    response = translator.post(
        reverse("wagtail_localize:submit_page_translation", args=[library.pk]),
        {"locales": [locale(code).pk for code in codes], "include_subtree": "on"},
    )
    answer = gql("{ pages(locale: lv) { items { title locale } } }")

    assert response.status_code == 302
    for code in codes:
        for page in [library, *articles]:
            copy = page.get_translation(locale(code)).specific
            assert not copy.live, (code, page.title)
            assert Translation.objects.get(
                source__object_id=page.translation_key, target_locale=locale(code)
            ).enabled
    # Nothing is public in Latvian yet: the list serves the English articles.
    assert sorted((i["title"], i["locale"]) for i in answer["data"]["pages"]["items"]) == [
        ("Fair trade", "en"),
        ("Library", "en"),
        ("Measuring social impact", "en"),
    ]


def english_row(model):
    """One published English row of each kind: records from factories, seeded vocabularies."""
    made = {
        directory.SocialEnterprise: factories.SocialEnterpriseFactory,
        directory.SupportOrganisation: factories.SupportOrganisationFactory,
        directory.Event: factories.EventFactory,
    }
    if model in made:
        row = made[model]()
        row.save_revision().publish()
        return row
    return model.objects.filter(locale__language_code="en").first()


def test_every_translatable_model_is_a_page_or_a_snippet_wagtail_localize_translates():
    snippets = set(get_snippet_models())
    for model in get_translatable_models():
        assert issubclass(model, Page) or model in snippets, model


@pytest.mark.parametrize(
    "model",
    [
        directory.SocialEnterprise,
        directory.SupportOrganisation,
        directory.Event,
        *directory.VOCABULARY_MODELS,
    ],
    ids=lambda model: model.__name__,
)
def test_directory_rows_go_through_wagtail_localize(user_in_group, model):
    row = english_row(model)
    translator = client_for(user_in_group("Translators"))

    copy = factories.localize_submit(translator, row, "lv")

    assert copy.locale.language_code == "lv"
    assert copy.translation_key == row.translation_key
    assert Translation.objects.get(
        source__object_id=row.translation_key, target_locale=locale("lv")
    ).enabled
    if hasattr(copy, "live"):
        assert not copy.live
    editor = translator.get(factories.admin_edit_url(copy))
    assert [t.name for t in editor.templates][0] == "wagtail_localize/admin/edit_translation.html"


# Sync from English per locale -------------------------------------------------------------


def locale_sync_form(source_code):
    prefix = "component-wagtail_localize_localesynchronization"
    return {
        "language_code": "lv",
        f"{prefix}-enabled": "on",
        f"{prefix}-sync_from": locale(source_code).pk,
    }


def test_sync_from_english_per_locale_is_for_administrators(latvian, user_in_group):
    url = reverse("wagtaillocales:edit", args=[locale("lv").pk])
    translator = client_for(user_in_group("Translators"))

    responses = [client.post(url, locale_sync_form("en")) for client in [latvian, translator]]

    for response in responses:
        assert response["Location"] == reverse("wagtailadmin_home")
    assert not LocaleSynchronization.objects.exists()


def test_administrator_syncs_latvian_from_english_and_keeps_translations(
    admin_client, latvian, django_capture_on_commit_callbacks
):
    translated = factories.article(title="Measuring social impact")
    untranslated = factories.article(title="Fair trade")
    latvian_article = factories.localize_submit(latvian, translated, "lv")
    factories.localize_translate(latvian, latvian_article, {"Measuring social impact": "Mērīšana"})
    factories.localize_publish(latvian, latvian_article)

    response = admin_client.post(
        reverse("wagtaillocales:edit", args=[locale("lv").pk]), locale_sync_form("en")
    )

    assert response.status_code == 302
    assert LocaleSynchronization.objects.get(locale=locale("lv")).sync_from == locale("en")
    # Every English page now has a Latvian counterpart: an alias until someone translates it.
    tree = Page.objects.filter(depth__gte=2)
    english_keys = set(tree.filter(locale=locale("en")).values_list("translation_key"))
    latvian_keys = set(tree.filter(locale=locale("lv")).values_list("translation_key"))
    assert english_keys <= latvian_keys
    alias = untranslated.get_translation(locale("lv"))
    assert alias.alias_of_id == untranslated.pk
    # The translation made before is still the translator's, not replaced by an alias.
    latvian_article = pages.ArticlePage.objects.get(pk=latvian_article.pk)
    assert latvian_article.alias_of_id is None
    assert latvian_article.title == "Mērīšana"
    assert latvian_article.live


# Nothing lost when the English source changes ---------------------------------------------


@pytest.fixture
def images():
    return factories.ImageFactory(title="Workshop"), factories.ImageFactory(title="Riga")


@pytest.fixture
def synced_article(admin_client, latvian, images, django_capture_on_commit_callbacks):
    """A Latvian translation with every string translated and the hero image overridden,
    published; then the English intro, paragraph and image change, a heading is added, and
    an administrator syncs (without publishing)."""
    workshop, riga = images
    english = factories.article(
        title="Measuring social impact",
        intro="How social enterprises show the change they make.",
        hero_image=workshop,
        body=[
            ("heading", {"text": "What we agreed", "level": "h2"}),
            ("paragraph", RichText("<p>A shared database.</p>")),
        ],
    )
    latvian_article = factories.localize_submit(latvian, english, "lv")
    factories.localize_translate(
        latvian,
        latvian_article,
        {
            "Measuring social impact": "Sociālās ietekmes mērīšana",
            "How social enterprises show the change they make.": "Kā uzņēmumi rāda pārmaiņas.",
            "What we agreed": "Par ko vienojāmies",
            "A shared database.": "Kopīga datubāze.",
            "measuring-social-impact": "sociala-ietekme",
        },
    )
    override(latvian, latvian_article, "hero_image", riga.pk)
    factories.localize_publish(latvian, latvian_article)

    english = pages.ArticlePage.objects.get(pk=english.pk)
    english.intro = "How social enterprises measure the change they make."
    english.hero_image = factories.ImageFactory(title="New English image")
    # As the page editor does: blocks keep their ids, which is how translations find them.
    english.body[1].value = RichText("<p>A shared database of enterprises.</p>")
    english.body.append(("heading", {"text": "Next steps", "level": "h2"}))
    english.save_revision().publish()
    factories.localize_sync(admin_client, english)
    return pages.ArticlePage.objects.get(pk=latvian_article.pk)


def test_sync_keeps_unchanged_translations_and_drops_none(latvian, synced_article):
    assert translated_sources(latvian, synced_article) == {
        "Measuring social impact": "Sociālās ietekmes mērīšana",
        "measuring-social-impact": "sociala-ietekme",
        "What we agreed": "Par ko vienojāmies",
        # Changed or new in English: waiting for the translator.
        "How social enterprises measure the change they make.": None,
        "A shared database of enterprises.": None,
        "Next steps": None,
    }
    # The translations of the old texts are kept in translation memory as well.
    assert set(
        StringTranslation.objects.filter(locale=locale("lv")).values_list("data", flat=True)
    ) >= {"Kā uzņēmumi rāda pārmaiņas.", "Kopīga datubāze."}


def test_sync_does_not_publish_the_translation(gql, synced_article, images):  # noqa: F811
    answer = gql(
        """{ page(path: "/library/sociala-ietekme/", locale: lv) {
               title locale ... on ArticlePage { intro heroImage { title } } } }"""
    )

    assert answer["data"]["page"] == {
        "title": "Sociālās ietekmes mērīšana",
        "locale": "lv",
        "intro": "Kā uzņēmumi rāda pārmaiņas.",
        "heroImage": {"title": "Riga"},
    }
    assert not synced_article.has_unpublished_changes


def test_publishing_after_sync_keeps_translations_and_the_overridden_image(
    latvian, synced_article, images
):
    published = factories.localize_publish(latvian, synced_article)

    published = pages.ArticlePage.objects.get(pk=published.pk)
    assert published.title == "Sociālās ietekmes mērīšana"
    assert published.slug == "sociala-ietekme"
    assert published.hero_image == images[1]
    assert published.intro == "How social enterprises measure the change they make."
    assert [block.value["text"] for block in published.body if block.block_type == "heading"] == [
        "Par ko vienojāmies",
        "Next steps",
    ]


def test_directory_record_keeps_translations_and_overrides_across_a_sync(
    gql,  # noqa: F811
    admin_client,
    latvian,
):
    enterprise = factories.SocialEnterpriseFactory(
        name="Riga Bakery",
        slug="riga-bakery",
        summary="Bakes bread.",
        city="Riga",
        website="https://bakery.example",
    )
    enterprise.save_revision().publish()
    copy = factories.localize_submit(latvian, enterprise, "lv")
    factories.localize_translate(
        latvian, copy, {"Riga Bakery": "Rīgas maiznīca", "Bakes bread.": "Cep maizi."}
    )
    override(latvian, copy, "city", "Rīga")
    factories.localize_publish(latvian, copy)

    enterprise = directory.SocialEnterprise.objects.get(pk=enterprise.pk)
    enterprise.summary = "Bakes bread and cakes."
    enterprise.city = "Riga (centre)"
    enterprise.website = "https://bakery.example/lv"
    enterprise.save_revision().publish()
    factories.localize_sync(admin_client, enterprise)
    query = '{ enterprise(slug: "riga-bakery", locale: lv) { name summary city website } }'
    before_publishing = gql(query)["data"]["enterprise"]
    factories.localize_publish(latvian, copy)
    after_publishing = gql(query)["data"]["enterprise"]

    assert before_publishing == {
        "name": "Rīgas maiznīca",
        "summary": "Cep maizi.",
        "city": "Rīga",
        "website": "https://bakery.example",
    }
    assert after_publishing == {
        "name": "Rīgas maiznīca",
        "summary": "Bakes bread and cakes.",
        "city": "Rīga",
        "website": "https://bakery.example/lv",
    }


def test_administrator_syncs_and_publishes_every_language(
    admin_client, latvian, django_capture_on_commit_callbacks
):
    english = factories.article(title="Measuring social impact")
    for code in ["lv", "da"]:
        factories.localize_submit(admin_client, english, code)
    factories.localize_translate(
        latvian, english.get_translation(locale("lv")), {"Measuring social impact": "Mērīšana"}
    )

    factories.localize_sync(admin_client, english, publish=True)

    latvian_article = english.get_translation(locale("lv"))
    danish_article = english.get_translation(locale("da"))
    assert latvian_article.live and latvian_article.title == "Mērīšana"
    assert danish_article.live and danish_article.title == "Measuring social impact"
