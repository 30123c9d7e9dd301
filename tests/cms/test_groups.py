"""The editorial groups: named in English, and the admin says what each may do."""

from django.contrib.auth.models import Group
from django.urls import reverse

import pytest

from cms.groups import group_role
from cms.translation.permissions import translator_group_name

pytestmark = pytest.mark.django_db

PARTNER_LANGUAGES = ["da", "de", "et", "fi", "lt", "lv", "nb", "pl", "sv"]


def test_language_groups_are_named_in_english_with_their_code():
    names = set(Group.objects.values_list("name", flat=True))

    assert "Translators: Latvian (lv)" in names
    assert "Translators: Norwegian Bokmål (nb)" in names
    assert {translator_group_name(code) for code in PARTNER_LANGUAGES} <= names
    assert not any("Latviešu" in name or "Dansk" in name for name in names)


def test_renaming_kept_the_language_groups_permissions():
    group = Group.objects.get(name="Translators: Latvian (lv)")
    held = {p.codename for p in group.permissions.all()}

    assert {"translate_lv", "submit_translation", "publish_socialenterprise"} <= held
    assert group.permissions.get(codename="translate_lv").name == (
        "Can translate and publish Latvian (lv) content"
    )


def test_every_group_the_migrations_make_has_a_role():
    for group in Group.objects.all():
        assert group_role(group.name), group.name


def test_the_group_list_says_who_publishes(admin_client):
    response = admin_client.get(reverse("wagtailusers_groups:index"))
    html = response.content.decode()

    assert response.status_code == 200
    assert "Translate and publish Latvian content only" in html
    assert "Never publish: a moderator publishes their work" in html


def test_the_group_editor_shows_the_role_above_the_permissions(admin_client):
    group = Group.objects.get(name="Translators")

    response = admin_client.get(reverse("wagtailusers_groups:edit", args=[group.pk]))

    assert response.status_code == 200
    assert "data-group-role" in response.content.decode()
    assert "Never publish" in response.content.decode()
