"""Factories for tests (factory_boy and wagtail-factories).

Records are created in English unless a test says otherwise; relations point at English
vocabulary rows, as in the admin (see directory/models.py).
"""

import datetime
import json
from urllib.parse import urlencode

from django.contrib.admin.utils import quote
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from wagtail.embeds.embeds import get_embed_hash
from wagtail.embeds.models import Embed
from wagtail.models import Locale, Page
from wagtail.rich_text import RichText
from wagtail_localize.models import TranslationSource

import factory
import wagtail_factories

from directory import models as directory
from pages import models as pages


def english():
    return Locale.objects.get(language_code="en")


def home_page(language_code="en"):
    """The home page of a locale (English is created by the migrations)."""
    return pages.HomePage.objects.get(locale__language_code=language_code, depth=2)


class SocialEnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = directory.SocialEnterprise
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Enterprise {n}")
    slug = factory.Sequence(lambda n: f"enterprise-{n}")
    summary = "A social enterprise that employs people far from the labour market."
    country = "DK"
    city = "Copenhagen"
    website = factory.Sequence(lambda n: f"https://enterprise-{n}.example")
    contact_email = factory.Sequence(lambda n: f"private-{n}@enterprise.example")
    locale = factory.LazyFunction(english)
    live = True

    @factory.post_generation
    def sectors(self, create, codes, **kwargs):
        if create and codes:
            self.sectors.set(directory.Sector.objects.filter(locale=self.locale, code__in=codes))
            self.save()


class SupportOrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = directory.SupportOrganisation

    name = factory.Sequence(lambda n: f"Support organisation {n}")
    slug = factory.Sequence(lambda n: f"support-organisation-{n}")
    summary = "Helps social enterprises grow."
    country = "LV"
    city = "Riga"
    locale = factory.LazyFunction(english)
    live = True


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = directory.Event

    title = factory.Sequence(lambda n: f"Event {n}")
    slug = factory.Sequence(lambda n: f"event-{n}")
    summary = "A meeting of the network."
    start = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=30))
    end = factory.LazyAttribute(lambda o: o.start + datetime.timedelta(hours=3))
    time_zone = "Europe/Warsaw"
    country = "PL"
    city = "Gdańsk"
    locale = factory.LazyFunction(english)
    live = True


class ImageFactory(wagtail_factories.ImageFactory):
    title = factory.Sequence(lambda n: f"Image {n}")


class DocumentFactory(wagtail_factories.DocumentFactory):
    title = factory.Sequence(lambda n: f"Document {n}")


VIDEO_URL = "https://www.youtube.com/watch?v=sesn-demo"


def cached_embed():
    """A cached oEmbed answer for VIDEO_URL, so rendering the embed block needs no network."""
    return Embed.objects.get_or_create(
        hash=get_embed_hash(VIDEO_URL),
        defaults={
            "url": VIDEO_URL,
            "type": "video",
            "html": '<iframe title="SESN partner meeting video"></iframe>',
            "title": "SESN partner meeting video",
        },
    )[0]


def every_block(image, document, page):
    """A page body with one of each block of `pages.blocks.BodyBlock` (needs `cached_embed`)."""
    return [
        ("heading", {"text": "What we agreed", "level": "h3"}),
        ("paragraph", RichText("<p>A <b>shared</b> database of enterprises.</p>")),
        (
            "image",
            {
                "image": image,
                "alt_text": "Partners around a table in Gdańsk",
                "caption": "The meeting room",
                "credit": "Photo: BISER",
            },
        ),
        ("quote", {"text": "Hybrid works.", "attribution": "Involved NGO"}),
        ("embed", VIDEO_URL),
        (
            "document",
            {"document": document, "title": "", "description": "Notes from the meeting"},
        ),
        (
            "call_to_action",
            {
                "title": "Join the network",
                "text": "Support organisations are welcome.",
                "link_label": "About us",
                "page": page,
                "url": "",
            },
        ),
        (
            "key_figures",
            {
                "heading": "In numbers",
                "figures": [
                    {"figure": "400+", "caption": "social enterprises"},
                    {"figure": "12", "caption": "countries"},
                ],
            },
        ),
    ]


def add_page(parent, page):
    """Add an (unsaved) page under parent and publish it unless it says live=False."""
    live = page.live
    parent.add_child(instance=page)
    if live:
        page.save_revision().publish()
    else:
        page.save_revision()
    return Page.objects.get(pk=page.pk).specific


def library(language_code="en"):
    home = home_page(language_code)
    existing = pages.LibraryIndexPage.objects.child_of(home).first()
    if existing:
        return existing
    return add_page(home, pages.LibraryIndexPage(title="Library", slug="library"))


def article(parent=None, **fields):
    fields.setdefault("title", "Measuring social impact")
    fields.setdefault("slug", fields["title"].lower().replace(" ", "-"))
    fields.setdefault("intro", "How social enterprises show the change they make.")
    return add_page(parent or library(), pages.ArticlePage(**fields))


def translate_page(page, language_code, publish=True, **changes):
    """A translation of `page` (and of its parents where missing), as wagtail-localize makes.

    The admin flow itself is tested in tests/pages/test_translation.py; API tests only need
    the resulting rows.
    """
    locale = Locale.objects.get(language_code=language_code)
    translation = page.copy_for_translation(locale, copy_parents=True)
    for field, value in changes.items():
        setattr(translation, field, value)
    revision = translation.save_revision()
    if publish:
        revision.publish()
        # copy_parents leaves the parents as drafts: publish the chain up to the home page.
        for ancestor in translation.get_ancestors().filter(depth__gte=2, live=False):
            ancestor.specific.save_revision().publish()
    return Page.objects.get(pk=translation.pk).specific


def translate_record(record, language_code, publish=True, **changes):
    locale = Locale.objects.get(language_code=language_code)
    translation = record.copy_for_translation(locale)
    for field, value in changes.items():
        setattr(translation, field, value)
    if not hasattr(translation, "save_revision"):  # vocabulary terms have no drafts
        translation.save()
        return translation
    translation.live = False
    translation.save()
    if publish:
        translation.save_revision().publish()
    return type(record).objects.get(pk=translation.pk)


def set_terms(record, **codes):
    """Point many-to-many relations at the English vocabulary rows with these codes, as the
    admin does: `set_terms(entry, sdgs=[8], offers=["funding"], support_types=["funder"])`."""
    for relation, values in codes.items():
        vocabulary = type(record)._meta.get_field(relation).related_model
        rows = vocabulary.objects.filter(
            locale__language_code="en", **{f"{vocabulary.code_field}__in": values}
        )
        if len(rows) != len(set(values)):
            raise ValueError(f"Unknown {relation}: {values}")
        getattr(record, relation).set(rows)
    record.save()
    return record


# wagtail-localize through its own admin views ----------------------------------------------


def admin_edit_url(obj):
    """The admin editor of a page or a directory record (wagtail-localize's translation
    editor for a translation it manages)."""
    if isinstance(obj, Page):
        return reverse("wagtailadmin_pages:edit", args=[obj.pk])
    return reverse(obj.snippet_viewset.get_url_name("edit"), args=[quote(obj.pk)])


def localize_submit(client, obj, language_code):
    """Submit `obj` with wagtail-localize's "Translate" form; returns the draft copy it makes."""
    locale = Locale.objects.get(language_code=language_code)
    if isinstance(obj, Page):
        url = reverse("wagtail_localize:submit_page_translation", args=[obj.pk])
    else:
        opts = obj._meta
        url = reverse(
            "wagtail_localize:submit_snippet_translation",
            args=[opts.app_label, opts.model_name, quote(obj.pk)],
        )
    response = client.post(url, {"locales": [locale.pk]})
    assert response.status_code == 302, response.content.decode()
    return obj.get_translation(locale)


def localize_translate(client, translation, strings):
    """Save strings in the translation editor as its React app does (one PUT per string).

    `strings` maps source text to its translation; the other strings stay untranslated.
    """
    response = client.get(admin_edit_url(translation))
    assert response.status_code == 200
    segments = [
        segment
        for segment in json.loads(response.context["props"])["segments"]
        if segment["type"] == "string" and segment["source"] in strings
    ]
    assert {segment["source"] for segment in segments} == set(strings)
    for segment in segments:
        response = client.put(
            segment["editUrl"],
            urlencode({"value": strings[segment["source"]]}),
            content_type="application/x-www-form-urlencoded",
        )
        # 201 for a new translation, 200 when it replaces one.
        assert response.status_code in (200, 201), response.content


def localize_publish(client, translation):
    """Publish from the translation editor; wagtail-localize publishes on commit."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(admin_edit_url(translation), {"action": "publish"})
    assert response.status_code == 302, response.content.decode()
    translation.refresh_from_db()
    return translation


def localize_sync(client, obj, publish=False):
    """wagtail-localize's "Sync translated pages/snippets" on the source `obj`: its content is
    extracted again; with `publish`, every translation is regenerated and published."""
    source = TranslationSource.objects.get(object_id=obj.translation_key, locale_id=obj.locale_id)
    data = {"publish_translations": "on"} if publish else {}
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            reverse("wagtail_localize:update_translations", args=[source.pk]), data
        )
    assert response.status_code == 302, response.content.decode()


def client_for(user):
    """A test client logged in as `user` (each role in a test gets its own session)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client
