"""Translators per language: the Latvian group translates and publishes Latvian content only.

Everything goes through the admin views and wagtail-localize's endpoints a browser uses. A
refused admin view answers with a redirect to the dashboard ("Sorry, you do not have
permission"); the editor's string endpoints answer 403. Each refusal is checked to have
changed nothing.
"""

import importlib
import json
from urllib.parse import urlencode

from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from wagtail.models import GroupPagePermission, Locale, Page
from wagtail.permissions import policy_registry
from wagtail_localize.models import StringTranslation, Translation, TranslationSource

import pytest

from cms.translation.permissions import translator_group_name
from directory import models as directory
from pages import models as pages
from tests import factories
from tests.factories import client_for

pytestmark = pytest.mark.django_db

PARTNER_LANGUAGES = ["da", "de", "et", "fi", "lt", "lv", "nb", "pl", "sv"]
LATVIAN_GROUP = "Translators: Latvian (lv)"


def locale(code):
    return Locale.objects.get(language_code=code)


@pytest.fixture
def latvian_user(user_in_group):
    return user_in_group(LATVIAN_GROUP, username="ilze")


@pytest.fixture
def latvian(latvian_user):
    return client_for(latvian_user)


@pytest.fixture
def english_article(db):
    return factories.article(
        title="Measuring social impact",
        intro="How social enterprises show the change they make.",
    )


@pytest.fixture
def enterprise(db):
    enterprise = factories.SocialEnterpriseFactory(
        name="Riga Bakery",
        slug="riga-bakery",
        summary="Bakes bread with young people leaving care.",
        country="LV",
    )
    enterprise.save_revision().publish()
    return enterprise


def editor_props(client, obj):
    response = client.get(factories.admin_edit_url(obj))
    assert response.status_code == 200
    return json.loads(response.context["props"])


def put_string(client, props, source, value):
    segment = next(s for s in props["segments"] if s.get("source") == source)
    return client.put(
        segment["editUrl"],
        urlencode({"value": value}),
        content_type="application/x-www-form-urlencoded",
    )


def post_publish(client, obj, django_capture_on_commit_callbacks):
    """Publish from the translation editor; run on-commit callbacks so a leak would show."""
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(factories.admin_edit_url(obj), {"action": "publish"})


def refused(response):
    return response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")


# The groups -------------------------------------------------------------------------------


@pytest.mark.parametrize("code", PARTNER_LANGUAGES)
def test_every_partner_language_has_a_translator_group_limited_to_it(code):
    group = Group.objects.get(name=translator_group_name(code))
    held = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}

    assert {
        "wagtailadmin.access_admin",
        "wagtail_localize.submit_translation",
        f"wagtailcore.translate_{code}",
        "directory.change_socialenterprise",
        "directory.publish_socialenterprise",
        "directory.publish_event",
        "directory.change_sector",
    } <= held
    # One language each; never English; no creating or deleting records.
    assert {p for p in held if ".translate_" in p} == {f"wagtailcore.translate_{code}"}
    assert not {p for p in held if p.startswith(("directory.add_", "directory.delete_"))}


def test_group_editor_offers_the_language_permissions(admin_client):
    group = Group.objects.get(name=LATVIAN_GROUP)
    permission = Permission.objects.get(codename="translate_lv")

    response = admin_client.get(reverse("wagtailusers_groups:edit", args=[group.pk]))

    assert response.status_code == 200
    assert f'value="{permission.pk}"' in response.content.decode()


def test_first_latvian_page_gives_the_latvian_group_its_home(admin_client, english_article):
    assert not Page.objects.filter(locale__language_code="lv").exists()

    factories.localize_submit(admin_client, english_article, "lv")

    home = Page.objects.get(depth=2, locale__language_code="lv")
    granted = GroupPagePermission.objects.filter(page=home)
    assert {(g.group.name, g.permission.codename) for g in granted} == {
        (LATVIAN_GROUP, "change_page"),
        (LATVIAN_GROUP, "publish_page"),
    }


def test_migration_grants_homes_that_already_exist(english_article):
    """Databases with Danish pages before migration 0003 get the group on the Danish home."""
    danish_home = factories.translate_page(english_article, "da").get_parent().get_parent()
    GroupPagePermission.objects.filter(page=danish_home).delete()
    migration = importlib.import_module("cms.migrations.0003_locale_translator_groups")
    state = MigrationExecutor(connection).loader.project_state(
        ("cms", "0003_locale_translator_groups")
    )

    migration.create_groups(state.apps, None)

    granted = GroupPagePermission.objects.filter(page=danish_home)
    # 0003 names groups in the language itself; 0005 renames them.
    assert {(g.group.name, g.permission.codename) for g in granted} == {
        ("Translators: Dansk (da)", "change_page"),
        ("Translators: Dansk (da)", "publish_page"),
    }


# Pages ------------------------------------------------------------------------------------


@pytest.fixture
def translated_article(admin_client, english_article):
    """The article submitted into Latvian and Danish (drafts), Danish strings filled in."""
    admin_client.post(
        reverse("wagtail_localize:submit_page_translation", args=[english_article.pk]),
        {"locales": [locale("lv").pk, locale("da").pk]},
    )
    danish = english_article.get_translation(locale("da"))
    factories.localize_translate(admin_client, danish, {"Measuring social impact": "Måling"})
    return english_article


def test_latvian_translator_translates_and_publishes_a_latvian_page(
    latvian, translated_article, django_capture_on_commit_callbacks
):
    latvian_article = translated_article.get_translation(locale("lv"))
    props = editor_props(latvian, latvian_article)

    saved = put_string(latvian, props, "Measuring social impact", "Sociālās ietekmes mērīšana")
    response = post_publish(latvian, latvian_article, django_capture_on_commit_callbacks)

    assert props["perms"]["canPublish"]
    assert saved.status_code == 201
    assert response["Location"] == factories.admin_edit_url(latvian_article)
    latvian_article = pages.ArticlePage.objects.get(pk=latvian_article.pk)
    assert latvian_article.live
    assert latvian_article.title == "Sociālās ietekmes mērīšana"


def test_latvian_translator_cannot_edit_or_publish_the_danish_page(
    latvian, translated_article, django_capture_on_commit_callbacks
):
    danish_article = translated_article.get_translation(locale("da"))
    translation = Translation.objects.get(
        source__object_id=translated_article.translation_key, target_locale=locale("da")
    )
    segment = translation.source.stringsegment_set.get(string__data=translated_article.intro)
    strings_before = StringTranslation.objects.filter(locale=locale("da")).count()

    editor = latvian.get(factories.admin_edit_url(danish_article))
    saved = latvian.put(
        reverse("wagtail_localize:edit_string_translation", args=[translation.pk, segment.pk]),
        urlencode({"value": "Hvordan"}),
        content_type="application/x-www-form-urlencoded",
    )
    publish = post_publish(latvian, danish_article, django_capture_on_commit_callbacks)

    assert refused(editor)
    assert saved.status_code == 403
    assert refused(publish)
    assert StringTranslation.objects.filter(locale=locale("da")).count() == strings_before
    danish_article.refresh_from_db()
    assert not danish_article.live
    assert danish_article.title == "Measuring social impact"


def test_latvian_translator_cannot_publish_the_english_source(
    latvian, english_article, django_capture_on_commit_callbacks
):
    revision = english_article.latest_revision_id

    with django_capture_on_commit_callbacks(execute=True):
        response = latvian.post(
            factories.admin_edit_url(english_article),
            {"title": "Changed", "slug": english_article.slug, "action-publish": "publish"},
        )

    assert refused(response)
    english_article.refresh_from_db()
    assert english_article.title == "Measuring social impact"
    assert english_article.latest_revision_id == revision


def test_latvian_translator_submits_into_latvian_only(latvian, english_article):
    url = reverse("wagtail_localize:submit_page_translation", args=[english_article.pk])

    offered = latvian.get(url).context["form"].fields["locales"].queryset
    response = latvian.post(url, {"locales": [locale("da").pk]})

    assert [loc.language_code for loc in offered] == ["lv"]
    assert response.status_code == 200
    assert response.context["form"].errors["locales"]
    assert not Page.objects.filter(locale__language_code="da").exists()


# Directory records and vocabulary terms ---------------------------------------------------


def test_latvian_translator_translates_and_publishes_a_latvian_enterprise(
    latvian, enterprise, django_capture_on_commit_callbacks
):
    copy = factories.localize_submit(latvian, enterprise, "lv")
    props = editor_props(latvian, copy)

    saved = put_string(latvian, props, "Riga Bakery", "Rīgas maiznīca")
    response = post_publish(latvian, copy, django_capture_on_commit_callbacks)

    assert props["perms"]["canPublish"]
    assert saved.status_code == 201
    assert response["Location"] == factories.admin_edit_url(copy)
    copy.refresh_from_db()
    assert copy.live
    assert copy.name == "Rīgas maiznīca"
    assert copy.locale.language_code == "lv"


@pytest.fixture
def danish_enterprise(admin_client, enterprise):
    copy = factories.localize_submit(admin_client, enterprise, "da")
    factories.localize_translate(admin_client, copy, {"Riga Bakery": "Riga Bageri"})
    return factories.localize_publish(admin_client, copy)


def test_latvian_translator_cannot_edit_publish_or_unpublish_danish_records(
    latvian, danish_enterprise, django_capture_on_commit_callbacks
):
    translation = Translation.objects.get(
        source__object_id=danish_enterprise.translation_key, target_locale=locale("da")
    )
    segment = translation.source.stringsegment_set.get(string__data="Riga Bakery")
    revision = danish_enterprise.latest_revision_id

    editor = latvian.get(factories.admin_edit_url(danish_enterprise))
    saved = latvian.put(
        reverse("wagtail_localize:edit_string_translation", args=[translation.pk, segment.pk]),
        urlencode({"value": "Rīgas maiznīca"}),
        content_type="application/x-www-form-urlencoded",
    )
    publish = post_publish(latvian, danish_enterprise, django_capture_on_commit_callbacks)
    unpublish = latvian.post(
        reverse(
            directory.SocialEnterprise.snippet_viewset.get_url_name("unpublish"),
            args=[danish_enterprise.pk],
        )
    )

    assert refused(editor)
    assert saved.status_code == 403
    assert refused(publish)
    assert refused(unpublish)
    danish_enterprise.refresh_from_db()
    assert danish_enterprise.live
    assert danish_enterprise.name == "Riga Bageri"
    assert danish_enterprise.latest_revision_id == revision
    assert StringTranslation.objects.get(locale=locale("da")).data == "Riga Bageri"


def test_latvian_translator_cannot_change_the_english_record(
    latvian, enterprise, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = latvian.post(
            factories.admin_edit_url(enterprise),
            {"name": "Changed", "slug": enterprise.slug, "action-publish": "publish"},
        )

    assert refused(response)
    enterprise.refresh_from_db()
    assert enterprise.name == "Riga Bakery"
    assert enterprise.latest_revision.content["name"] == "Riga Bakery"


def test_being_a_translator_too_does_not_extend_publishing_to_danish(
    user_in_group, danish_enterprise, django_capture_on_commit_callbacks
):
    """The Translators group may edit every language but publishes none: the Latvian group's
    publishing right stays Latvian."""
    user = user_in_group(LATVIAN_GROUP, username="ilze")
    user.groups.add(Group.objects.get(name="Translators"))
    client = client_for(user)
    revision = danish_enterprise.latest_revision_id

    editor = client.get(factories.admin_edit_url(danish_enterprise))
    publish = post_publish(client, danish_enterprise, django_capture_on_commit_callbacks)

    assert editor.status_code == 200
    assert refused(publish)
    danish_enterprise.refresh_from_db()
    assert danish_enterprise.latest_revision_id == revision


def test_latvian_translator_translates_vocabulary_labels_into_latvian_only(
    latvian, django_capture_on_commit_callbacks
):
    sector = directory.Sector.objects.get(locale__language_code="en", code="Q")
    submit_url = reverse(
        "wagtail_localize:submit_snippet_translation", args=["directory", "sector", sector.pk]
    )

    into_danish = latvian.post(submit_url, {"locales": [locale("da").pk]})
    latvian_sector = factories.localize_submit(latvian, sector, "lv")
    saved = put_string(latvian, editor_props(latvian, latvian_sector), sector.name, "Veselība")
    post_publish(latvian, latvian_sector, django_capture_on_commit_callbacks)

    assert into_danish.status_code == 200 and into_danish.context["form"].errors
    assert not directory.Sector.objects.filter(locale__language_code="da").exists()
    assert saved.status_code == 201
    latvian_sector.refresh_from_db()
    assert latvian_sector.name == "Veselība"
    assert latvian_sector.code == "Q"


def test_policy_lists_only_rows_in_the_translators_language(
    latvian_user, enterprise, danish_enterprise
):
    latvian_copy = factories.translate_record(enterprise, "lv")
    policy = policy_registry.get_by_type(directory.SocialEnterprise)

    editable = policy.instances_user_has_permission_for(latvian_user, "change")

    assert list(editable) == [latvian_copy]
    assert policy.user_has_permission_for_instance(latvian_user, "view", danish_enterprise)
    assert not policy.user_has_permission_for_instance(latvian_user, "publish", enterprise)


# Syncing ----------------------------------------------------------------------------------


def test_sync_and_publish_needs_publishing_rights_in_every_language(
    latvian, user_in_group, translated_article, django_capture_on_commit_callbacks
):
    """Syncing with "Publish immediately" would publish Danish too: refused, nothing synced."""
    source = TranslationSource.objects.get(object_id=translated_article.translation_key)
    synced_at = source.last_updated_at
    translator = client_for(user_in_group("Translators"))
    url = reverse("wagtail_localize:update_translations", args=[source.pk])

    responses = []
    for client in [latvian, translator]:
        with django_capture_on_commit_callbacks(execute=True):
            responses.append(client.post(url, {"publish_translations": "on"}, follow=True))

    for response in responses:
        assert "Nothing was synced" in response.content.decode()
    source.refresh_from_db()
    assert source.last_updated_at == synced_at
    assert not pages.ArticlePage.objects.filter(
        locale__language_code__in=["lv", "da"], live=True
    ).exists()


def test_converting_a_translation_to_an_alias_needs_publishing_rights(
    user_in_group, translated_article
):
    """An alias shows the English page at once: for translators who may not publish, no."""
    danish_article = translated_article.get_translation(locale("da"))
    translator = client_for(user_in_group("Translators"))

    response = translator.post(
        reverse("wagtail_localize:convert_to_alias", args=[danish_article.pk])
    )

    assert refused(response)
    danish_article.refresh_from_db()
    assert danish_article.alias_of_id is None
    assert not danish_article.live


def test_latvian_translator_finds_work_in_the_translations_report(latvian, translated_article):
    latvian_article = translated_article.get_translation(locale("lv"))
    danish_article = translated_article.get_translation(locale("da"))

    response = latvian.get(
        reverse("wagtail_localize:translations_report"),
        {"target_locale": "lv", "waiting_for_translation": "true"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="{factories.admin_edit_url(latvian_article)}"' in html
    assert f'href="{factories.admin_edit_url(danish_article)}"' not in html
