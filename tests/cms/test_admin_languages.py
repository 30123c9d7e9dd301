"""The admin in the partner languages: each user picks theirs in Account > Preferences, and
Wagtail's own translations are used from the next page on."""

import json
import re

from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from wagtail.users.models import UserProfile

import pytest

pytestmark = pytest.mark.django_db

PARTNER_LANGUAGES = ["da", "de", "et", "fi", "lt", "lv", "nb", "pl", "sv"]


@pytest.fixture
def translator(user_in_group):
    user = user_in_group("Translators", username="ilze")
    user.email = "ilze@example.com"
    user.save()
    return user


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def save_preferences(client, user, language):
    """Post the account form, as the Save button on Account > Preferences does."""
    return client.post(
        reverse("wagtailadmin_account"),
        {
            "name_email-first_name": "Ilze",
            "name_email-last_name": "Bērziņa",
            "name_email-email": user.email,
            "locale-preferred_language": language,
            "locale-current_time_zone": "Europe/Riga",
            "theme-theme": "system",
            "theme-density": "default",
            "theme-contrast": "system",
            "theme-keyboard_shortcuts": "true",
        },
    )


def test_account_form_offers_the_ten_content_languages(translator):
    response = logged_in(translator).get(reverse("wagtailadmin_account"))

    select = re.search(
        r'<select name="locale-preferred_language".*?</select>', response.content.decode(), re.S
    ).group()
    offered = set(re.findall(r'<option value="([^"]*)"', select))
    assert offered == {"", *(code for code, _name in settings.LANGUAGES)}


@pytest.mark.parametrize("code", PARTNER_LANGUAGES)
def test_translator_uses_the_admin_in_their_language(translator, code):
    client = logged_in(translator)

    saved = save_preferences(client, translator, code)
    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()

    assert saved["Location"] == reverse("wagtailadmin_account")
    assert UserProfile.get_for_user(translator).preferred_language == code
    assert f'<html lang="{code}"' in dashboard
    with translation.override(code):
        words = [translation.gettext("Pages"), translation.gettext("Log out")]
    assert words != ["Pages", "Log out"], "Wagtail has no translation for this language"
    for word in words:
        # The sidebar is rendered from JSON, where non-ASCII letters are escaped.
        assert word in dashboard or json.dumps(word)[1:-1] in dashboard


def test_each_user_keeps_their_own_language(translator, user_in_group):
    colleague = user_in_group("Moderators", username="mette")
    save_preferences(logged_in(translator), translator, "lv")

    dashboard = logged_in(colleague).get(reverse("wagtailadmin_home")).content.decode()

    assert '<html lang="en"' in dashboard


def test_a_language_outside_the_ten_is_refused(translator):
    client = logged_in(translator)
    save_preferences(client, translator, "lv")

    response = save_preferences(client, translator, "fr")

    assert response.status_code == 200
    [locale_form] = [
        panel.get_form()
        for panels in response.context["panels_by_tab"].values()
        for panel in panels
        if panel.name == "locale"
    ]
    assert "preferred_language" in locale_form.errors
    assert UserProfile.get_for_user(translator).preferred_language == "lv"
