"""A translator makes a Danish article with wagtail-localize; a moderator publishes it."""

import json
from urllib.parse import urlencode

from django.urls import reverse

from wagtail.models import Locale, Page
from wagtail.rich_text import RichText

import pytest

from pages import models as pages
from tests import factories
from tests.factories import client_for

DANISH = {
    "title": "Måling af social effekt",
    "slug": "maling-af-social-effekt",
    "intro": "Hvordan sociale virksomheder viser den forandring, de skaber.",
    "heading": "Hvad vi aftalte",
    "paragraph": "En <b>fælles</b> database over virksomheder.",
}


@pytest.fixture
def english_article(db):
    return factories.article(
        title="Measuring social impact",
        intro="How social enterprises show the change they make.",
        body=[
            ("heading", {"text": "What we agreed", "level": "h2"}),
            ("paragraph", RichText("<p>A <b>shared</b> database of enterprises.</p>")),
        ],
    )


@pytest.fixture
def danish():
    return Locale.objects.get(language_code="da")


@pytest.fixture
def translator(user_in_group):
    return client_for(user_in_group("Translators"))


@pytest.fixture
def moderator(user_in_group):
    return client_for(user_in_group("Moderators"))


def submit_for_translation(client, page, locale):
    return client.post(
        reverse("wagtail_localize:submit_page_translation", args=[page.pk]),
        {"locales": [locale.pk]},
    )


def translation_editor(client, page):
    """The props the translation editor (a React app) is started with."""
    response = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert response.status_code == 200
    return json.loads(response.context["props"])


def translate_strings(client, props, translations):
    """Save one translation per segment, as the editor does when a string is saved."""
    for segment in props["segments"]:
        if segment["type"] != "string":
            continue
        key = segment["contentPath"].split(".")[0]
        if key == "body":
            key = "heading" if segment["contentPath"].endswith(".text") else "paragraph"
        if key not in translations:
            continue
        response = client.put(
            segment["editUrl"],
            urlencode({"value": translations[key]}),
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code == 201, response.content
        assert response.json()["data"] == translations[key]


def test_submitting_an_article_creates_a_danish_draft_with_its_parents(
    translator, english_article, danish
):
    assert not Page.objects.filter(locale=danish).exists()

    response = submit_for_translation(translator, english_article, danish)

    danish_article = english_article.get_translation(danish)
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=[danish_article.pk])
    assert danish_article.translation_key == english_article.translation_key
    assert not danish_article.live
    # The parents did not exist in Danish: the library and the home page were made for it.
    danish_library = danish_article.get_parent().specific
    danish_home = danish_library.get_parent().specific
    assert isinstance(danish_library, pages.LibraryIndexPage)
    assert danish_library.locale == danish
    assert danish_library.translation_key == english_article.get_parent().translation_key
    assert isinstance(danish_home, pages.HomePage)
    assert danish_home.locale == danish
    assert danish_home.translation_key == factories.home_page().translation_key
    assert danish_home.get_parent().is_root()


def test_translator_translates_strings_but_cannot_publish(
    translator, english_article, danish, django_capture_on_commit_callbacks
):
    submit_for_translation(translator, english_article, danish)
    danish_article = english_article.get_translation(danish)
    props = translation_editor(translator, danish_article)

    translate_strings(translator, props, DANISH)
    # Run on-commit callbacks, so a publish that slipped through would show.
    with django_capture_on_commit_callbacks(execute=True):
        response = translator.post(
            reverse("wagtailadmin_pages:edit", args=[danish_article.pk]), {"action": "publish"}
        )

    assert sorted(s["source"] for s in props["segments"] if s["type"] == "string") == [
        "A <b>shared</b> database of enterprises.",
        "How social enterprises show the change they make.",
        "Measuring social impact",
        "What we agreed",
        "measuring-social-impact",
    ]
    assert not props["perms"]["canPublish"]
    # Refused: the admin turns PermissionDenied into a redirect to its dashboard.
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")
    danish_article.refresh_from_db()
    assert not danish_article.live
    # Saved strings wait in translation memory until the page is published.
    assert danish_article.title == "Measuring social impact"


def test_moderator_publishes_the_danish_translation(
    client, translator, moderator, english_article, danish, django_capture_on_commit_callbacks
):
    english_before = pages.ArticlePage.objects.get(pk=english_article.pk)
    submit_for_translation(translator, english_article, danish)
    danish_article = english_article.get_translation(danish)
    translate_strings(translator, translation_editor(translator, danish_article), DANISH)
    assert client.get(f"/da/library/{danish_article.slug}/").status_code == 404

    # wagtail-localize publishes once the transaction commits; tests never commit.
    with django_capture_on_commit_callbacks(execute=True):
        response = moderator.post(
            reverse("wagtailadmin_pages:edit", args=[danish_article.pk]), {"action": "publish"}
        )

    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=[danish_article.pk])
    danish_article = pages.ArticlePage.objects.get(pk=danish_article.pk)
    assert danish_article.live
    assert danish_article.locale == danish
    assert danish_article.translation_key == english_article.translation_key
    assert danish_article.title == DANISH["title"]
    assert danish_article.slug == DANISH["slug"]
    assert danish_article.intro == DANISH["intro"]
    assert danish_article.body[0].value["text"] == DANISH["heading"]
    assert danish_article.body[1].value.source == f"<p>{DANISH['paragraph']}</p>"
    # Block ids are shared, so later changes to the English body can be synced.
    assert [b.id for b in danish_article.body] == [b.id for b in english_before.body]

    public = client.get(danish_article.url)
    assert danish_article.url == f"/da/library/{DANISH['slug']}/"
    assert f"<h1>{DANISH['title']}</h1>" in public.content.decode()
    assert DANISH["paragraph"] in public.content.decode()

    english = pages.ArticlePage.objects.get(pk=english_article.pk)
    assert english.live
    assert english.locale.language_code == "en"
    assert english.title == english_before.title
    assert english.intro == english_before.intro
    assert english.slug == english_before.slug
    assert list(english.body.raw_data) == list(english_before.body.raw_data)
    assert english.latest_revision_id == english_before.latest_revision_id
    assert "Measuring social impact" in client.get(english.url).content.decode()
