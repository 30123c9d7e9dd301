"""Translating directory records with wagtail-localize, through its admin views.

A translator submits the English record for translation ("Translate" on the snippet listing),
fills in the strings in the translation editor and publishes. The copy is a draft until then
(WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE = False), shares translation_key and slug with
the English record, and points at the same English vocabulary rows (see directory/models.py).
"""

import datetime
import json
from urllib.parse import urlencode

from django.urls import reverse

from wagtail.models import Locale
from wagtail_localize.models import StringTranslation, Translation

import pytest

from directory import models as directory
from tests import factories

pytestmark = pytest.mark.django_db


def english_terms(model, *codes):
    return model.objects.filter(locale__language_code="en", **{f"{model.code_field}__in": codes})


def danish():
    return Locale.objects.get(language_code="da")


def submit_for_translation(client, obj, language_code="da"):
    """Post the snippet's "Translate" form; the response leads to the translated copy's editor."""
    opts = obj._meta
    url = reverse(
        "wagtail_localize:submit_snippet_translation",
        args=[opts.app_label, opts.model_name, obj.pk],
    )
    locale = Locale.objects.get(language_code=language_code)
    response = client.post(url, {"locales": [locale.pk]})
    assert response.status_code == 302, response.content.decode()
    return response["Location"]


def translate_strings(client, editor_url, translations):
    """Fill in strings in the translation editor, as its React app does (one PUT per string)."""
    response = client.get(editor_url)
    assert [t.name for t in response.templates][
        0
    ] == "wagtail_localize/admin/edit_translation.html"
    segments = {
        segment["contentPath"]: segment
        for segment in json.loads(response.context["props"])["segments"]
        if segment["type"] == "string"
    }
    for field_name, text in translations.items():
        response = client.put(
            segments[field_name]["editUrl"],
            urlencode({"value": text}),
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code == 201, response.content
    return segments


def publish_translation(client, editor_url):
    response = client.post(editor_url, {"action": "publish"})
    assert response.status_code == 302
    return response


@pytest.fixture
def enterprise():
    enterprise = factories.SocialEnterpriseFactory(
        name="Copenhagen Bikes",
        slug="copenhagen-bikes",
        summary="Repairs bikes with people far from the labour market.",
        sectors=["G", "S"],
    )
    enterprise.sdgs.set(english_terms(directory.Sdg, 8, 12))
    enterprise.offers.set(english_terms(directory.Term, "training"))
    enterprise.recognised_status = english_terms(directory.RecognisedStatus, "dk-rsv").get()
    enterprise.save()
    enterprise.save_revision().publish()
    return enterprise


@pytest.fixture
def event():
    event = factories.EventFactory(
        title="Development workshop",
        slug="development-workshop",
        summary="Partners develop the training programme together.",
        start=datetime.datetime(2022, 6, 1, 7, 0, tzinfo=datetime.UTC),
        event_type=english_terms(directory.EventType, "workshop").get(),
    )
    event.topics.set(english_terms(directory.Topic, "collaboration", "education"))
    event.save()
    event.save_revision().publish()
    return event


def test_submitting_enterprise_for_translation_makes_a_danish_draft(admin_client, enterprise):
    editor_url = submit_for_translation(admin_client, enterprise)

    copy = directory.SocialEnterprise.objects.get(locale=danish())
    assert editor_url == reverse(
        directory.SocialEnterprise.snippet_viewset.get_url_name("edit"), args=[copy.pk]
    )
    assert Translation.objects.filter(source__object_id=enterprise.translation_key).exists()
    assert copy.translation_key == enterprise.translation_key
    assert copy.slug == "copenhagen-bikes"
    assert not copy.live
    assert copy not in directory.SocialEnterprise.objects.public()
    assert enterprise in directory.SocialEnterprise.objects.public()


def test_danish_enterprise_is_translated_and_published_through_localize(admin_client, enterprise):
    editor_url = submit_for_translation(admin_client, enterprise)

    translate_strings(
        admin_client,
        editor_url,
        {
            "name": "Københavnske Cykler",
            "summary": "Reparerer cykler med mennesker langt fra arbejdsmarkedet.",
        },
    )

    copy = directory.SocialEnterprise.objects.get(locale=danish())
    assert StringTranslation.objects.filter(locale=danish()).count() == 2
    assert not copy.live, "translating strings must not publish the Danish copy"
    assert not directory.SocialEnterprise.objects.public().in_locale("da").exists()

    publish_translation(admin_client, editor_url)

    copy.refresh_from_db()
    assert copy.live
    assert copy.name == "Københavnske Cykler"
    assert copy.summary == "Reparerer cykler med mennesker langt fra arbejdsmarkedet."
    assert list(directory.SocialEnterprise.objects.public().in_locale("da")) == [copy]
    assert copy.translation_key == enterprise.translation_key
    assert copy.slug == enterprise.slug
    # Relations stay on the English vocabulary rows.
    assert set(copy.sectors.all()) == set(enterprise.sectors.all())
    assert {s.locale.language_code for s in copy.sectors.all()} == {"en"}
    assert set(copy.sdgs.all()) == set(english_terms(directory.Sdg, 8, 12))
    assert set(copy.offers.all()) == set(enterprise.offers.all())
    assert copy.recognised_status == enterprise.recognised_status
    # The English record is untouched.
    enterprise.refresh_from_db()
    assert enterprise.name == "Copenhagen Bikes"


def test_danish_copy_follows_english_vocabulary_changes_on_sync(admin_client, enterprise):
    """A later change to the English record's sectors reaches the Danish copy when the
    translations are synced ("Sync translated snippets")."""
    editor_url = submit_for_translation(admin_client, enterprise)
    publish_translation(admin_client, editor_url)
    enterprise.sectors.set(english_terms(directory.Sector, "Q"))
    enterprise.save_revision().publish()
    source = Translation.objects.get(target_locale=danish()).source

    response = admin_client.post(
        reverse("wagtail_localize:update_translations", args=[source.pk]),
        {"publish_translations": "on"},
    )

    assert response.status_code == 302
    copy = directory.SocialEnterprise.objects.get(locale=danish())
    assert list(copy.sectors.values_list("code", flat=True)) == ["Q"]


def test_danish_event_is_translated_and_published_through_localize(admin_client, event):
    editor_url = submit_for_translation(admin_client, event)
    copy = directory.Event.objects.get(locale=danish())
    assert not copy.live
    assert copy not in directory.Event.objects.public()

    translate_strings(
        admin_client,
        editor_url,
        {
            "title": "Udviklingsworkshop",
            "summary": "Partnerne udvikler uddannelsesprogrammet sammen.",
        },
    )
    copy.refresh_from_db()
    assert not copy.live

    publish_translation(admin_client, editor_url)

    copy.refresh_from_db()
    assert copy.live
    assert copy.title == "Udviklingsworkshop"
    assert copy.summary == "Partnerne udvikler uddannelsesprogrammet sammen."
    assert list(directory.Event.objects.public().in_locale("da")) == [copy]
    assert copy.translation_key == event.translation_key
    assert copy.slug == event.slug
    assert copy.start == event.start
    assert copy.event_type == event.event_type
    assert copy.event_type.locale.language_code == "en"
    assert set(copy.topics.all()) == set(
        english_terms(directory.Topic, "collaboration", "education")
    )
