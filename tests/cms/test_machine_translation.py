"""Machine translation in the translation editor: configured from the environment, fills empty
segments when the translator presses the button, publishes nothing, and a failing service gets
a clear message instead of a server error."""

import json
import os
import subprocess
import sys

from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from wagtail.models import Locale
from wagtail_localize.machine_translators import get_machine_translator
from wagtail_localize.machine_translators.base import BaseMachineTranslator
from wagtail_localize.models import StringTranslation, Translation
from wagtail_localize.strings import StringValue

import pytest
import requests

from cms.settings.base import BASE_DIR, machine_translator
from cms.translation import machine_translation
from pages import models as pages
from tests import factories

LATVIAN_GROUP = "Translators: Latvian (lv)"
FAKE = {"CLASS": "tests.cms.test_machine_translation.FakeTranslator"}
DEEPL = {
    "CLASS": "cms.translation.machine_translation.DeepLTranslator",
    "OPTIONS": {"AUTH_KEY": "key:fx"},
}
LIBRETRANSLATE = {
    "CLASS": "cms.translation.machine_translation.LibreTranslator",
    "OPTIONS": {"LIBRETRANSLATE_URL": "https://libre.example", "API_KEY": "secret"},
}


class FakeTranslator(BaseMachineTranslator):
    """Prefixes every string with the target language code."""

    display_name = "Fake translator"

    def translate(self, source_locale, target_locale, strings):
        return {
            string: StringValue(f"[{target_locale.language_code}] {string.data}")
            for string in strings
        }

    def can_translate(self, source_locale, target_locale):
        return source_locale != target_locale


# Configuration ----------------------------------------------------------------------------


def test_no_machine_translator_when_neither_service_is_configured():
    assert machine_translator({}) is None
    assert machine_translator({"DEEPL_AUTH_KEY": " ", "LIBRETRANSLATE_URL": ""}) is None


def test_deepl_is_configured_from_its_key_and_wins_over_libretranslate():
    environ = {"DEEPL_AUTH_KEY": "abc:fx", "LIBRETRANSLATE_URL": "https://libre.example"}

    assert machine_translator(environ) == {
        "CLASS": "cms.translation.machine_translation.DeepLTranslator",
        "OPTIONS": {"AUTH_KEY": "abc:fx"},
    }


def test_libretranslate_is_configured_from_its_url_and_optional_key():
    assert machine_translator({"LIBRETRANSLATE_URL": "http://localhost:5000/"}) == {
        "CLASS": "cms.translation.machine_translation.LibreTranslator",
        "OPTIONS": {"LIBRETRANSLATE_URL": "http://localhost:5000", "API_KEY": ""},
    }
    assert (
        machine_translator(
            {"LIBRETRANSLATE_URL": "https://libre.example", "LIBRETRANSLATE_API_KEY": "k"}
        )["OPTIONS"]["API_KEY"]
        == "k"
    )


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "None"),
        ({"DEEPL_AUTH_KEY": "abc"}, "cms.translation.machine_translation.DeepLTranslator"),
        (
            {"LIBRETRANSLATE_URL": "http://lt:5000"},
            "cms.translation.machine_translation.LibreTranslator",
        ),
    ],
)
def test_settings_module_reads_the_environment_without_importing_app_code(environ, expected):
    script = (
        "import sys, cms.settings.base as s; "
        "config = s.WAGTAILLOCALIZE_MACHINE_TRANSLATOR; "
        "print(config and config['CLASS']); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'directory', 'pages'} "
        "or m.startswith('cms.machine')))"
    )
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEEPL_AUTH_KEY", "LIBRETRANSLATE_URL", "LIBRETRANSLATE_API_KEY"}
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        env={**env, **environ},
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )

    assert result.stdout.splitlines() == [expected, "[]"]


@pytest.mark.parametrize(
    ("config", "cls", "endpoint"),
    [
        (DEEPL, machine_translation.DeepLTranslator, "https://api-free.deepl.com/v2/translate"),
        (LIBRETRANSLATE, machine_translation.LibreTranslator, "https://libre.example"),
    ],
)
def test_configured_class_is_what_wagtail_localize_uses(settings, config, cls, endpoint):
    settings.WAGTAILLOCALIZE_MACHINE_TRANSLATOR = config

    translator = get_machine_translator()

    assert type(translator) is cls
    assert translator.get_api_endpoint() == endpoint


# The button -------------------------------------------------------------------------------


def locale(code):
    return Locale.objects.get(language_code=code)


@pytest.fixture
def latvian(user_in_group):
    client = Client()
    client.force_login(user_in_group(LATVIAN_GROUP, username="ilze"))
    return client


@pytest.fixture
def published_latvian_article(db, latvian):
    """A Latvian translation with only its title translated, published by its translator."""
    english = factories.article(
        title="Measuring social impact",
        intro="How social enterprises show the change they make.",
    )
    latvian_article = factories.localize_submit(latvian, english, "lv")
    factories.localize_translate(
        latvian, latvian_article, {"Measuring social impact": "Sociālās ietekmes mērīšana"}
    )
    return factories.localize_publish(latvian, latvian_article)


def translation_of(page):
    return Translation.objects.get(
        source__object_id=page.translation_key, target_locale=page.locale
    )


def press_button(client, page):
    """POST to the editor's "Translate with ..." URL, as the button does."""
    url = reverse("wagtail_localize:machine_translate", args=[translation_of(page).pk])
    return client.post(url, {"next": factories.admin_edit_url(page)})


def last_message(response):
    """The message the response added (earlier ones may wait unread in the session)."""
    return [str(message).strip() for message in get_messages(response.wsgi_request)][-1]


@pytest.mark.django_db
def test_without_a_service_the_editor_has_no_button(settings, latvian, published_latvian_article):
    settings.WAGTAILLOCALIZE_MACHINE_TRANSLATOR = None

    props = json.loads(
        latvian.get(factories.admin_edit_url(published_latvian_article)).context["props"]
    )
    response = press_button(latvian, published_latvian_article)

    assert props["machineTranslator"] is None
    # A 404, which Django's LocaleMiddleware turns into a redirect to /en/admin/...
    assert response.status_code in (302, 404)
    assert response.get("Location", "").startswith("/en/admin/")
    assert not StringTranslation.objects.filter(translation_type="machine").exists()


@pytest.mark.django_db
def test_button_fills_empty_segments_and_publishes_nothing(
    settings, latvian, published_latvian_article
):
    settings.WAGTAILLOCALIZE_MACHINE_TRANSLATOR = FAKE
    page = published_latvian_article
    live_revision, latest_revision = page.live_revision_id, page.latest_revision_id
    props = json.loads(latvian.get(factories.admin_edit_url(page)).context["props"])

    response = press_button(latvian, page)

    assert props["machineTranslator"]["name"] == "Fake translator"
    assert response["Location"] == factories.admin_edit_url(page)
    assert last_message(response) == "Successfully translated with Fake translator."
    machine = StringTranslation.objects.filter(locale=locale("lv"), translation_type="machine")
    assert {t.data for t in machine} == {
        "[lv] How social enterprises show the change they make.",
        "[lv] measuring-social-impact",
    }
    assert {t.tool_name for t in machine} == {"Fake translator"}
    # The title the translator wrote is kept.
    assert StringTranslation.objects.get(
        locale=locale("lv"), translation_of__data="Measuring social impact"
    ).data == ("Sociālās ietekmes mērīšana")
    # Nothing published or saved on the page itself.
    page = pages.ArticlePage.objects.get(pk=page.pk)
    assert page.intro == "How social enterprises show the change they make."
    assert (page.live_revision_id, page.latest_revision_id) == (live_revision, latest_revision)
    assert not page.has_unpublished_changes


def fake_post(status=200, body=None, error=None, calls=None):
    def post(url, *args, **kwargs):
        if calls is not None:
            calls.append((url, kwargs))
        if error:
            raise error
        response = requests.Response()
        response.status_code = status
        response._content = json.dumps(body).encode() if body is not None else b"<html>"
        return response

    return post


@pytest.mark.django_db
def test_deepl_request_and_answer(settings, monkeypatch, latvian, published_latvian_article):
    settings.WAGTAILLOCALIZE_MACHINE_TRANSLATOR = DEEPL
    calls = []
    answer = {"translations": [{"text": "Kā sociālie uzņēmumi"}, {"text": "merisana"}]}
    monkeypatch.setattr(requests, "post", fake_post(body=answer, calls=calls))

    press_button(latvian, published_latvian_article)

    [(url, request)] = calls
    assert url == "https://api-free.deepl.com/v2/translate"
    assert request["headers"] == {"Authorization": "DeepL-Auth-Key key:fx"}
    assert request["data"]["source_lang"] == "EN"
    assert request["data"]["target_lang"] == "LV"
    assert sorted(request["data"]["text"]) == [
        "How social enterprises show the change they make.",
        "measuring-social-impact",
    ]
    machine = StringTranslation.objects.filter(translation_type="machine")
    assert {t.tool_name for t in machine} == {"DeepL"}
    assert len(machine) == 2


@pytest.mark.django_db
def test_libretranslate_request_and_answer(
    settings, monkeypatch, latvian, published_latvian_article
):
    settings.WAGTAILLOCALIZE_MACHINE_TRANSLATOR = LIBRETRANSLATE
    calls = []
    answer = {"translatedText": ["Kā sociālie uzņēmumi", "merisana"]}
    monkeypatch.setattr(requests, "post", fake_post(body=answer, calls=calls))

    press_button(latvian, published_latvian_article)

    [(url, request)] = calls
    assert url == "https://libre.example/translate"
    assert request["json"]["source"] == "en"
    assert request["json"]["target"] == "lv"
    assert request["json"]["api_key"] == "secret"
    assert request["json"]["format"] == "html"
    machine = StringTranslation.objects.filter(translation_type="machine")
    assert {t.tool_name for t in machine} == {"LibreTranslate"}
    assert len(machine) == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("config", "post", "message"),
    [
        (DEEPL, fake_post(status=403, body={"message": "Forbidden"}), "refused the API key"),
        (DEEPL, fake_post(status=456, body={}), "usage limit is reached"),
        (DEEPL, fake_post(body={"translations": []}), "incomplete answer"),
        (DEEPL, fake_post(body={"message": "?"}), "without translations"),
        (LIBRETRANSLATE, fake_post(error=requests.ConnectionError()), "could not be reached"),
        (LIBRETRANSLATE, fake_post(status=500), "HTTP 500"),
        (LIBRETRANSLATE, fake_post(status=200), "not JSON"),
    ],
)
def test_failing_service_gets_a_clear_message_and_saves_nothing(
    settings, monkeypatch, latvian, published_latvian_article, config, post, message
):
    settings.WAGTAILLOCALIZE_MACHINE_TRANSLATOR = config
    monkeypatch.setattr(requests, "post", post)
    before = list(StringTranslation.objects.values_list("pk", "data"))

    response = press_button(latvian, published_latvian_article)

    assert response.status_code == 302
    shown = last_message(response)
    assert message in shown
    assert "Nothing was translated" in shown
    assert list(StringTranslation.objects.values_list("pk", "data")) == before


@pytest.mark.django_db
def test_translator_of_another_language_cannot_machine_translate(
    settings, user_in_group, published_latvian_article
):
    settings.WAGTAILLOCALIZE_MACHINE_TRANSLATOR = FAKE
    danish_translator = Client()
    danish_translator.force_login(user_in_group("Translators: Danish (da)", username="mette"))

    response = press_button(danish_translator, published_latvian_article)

    assert response["Location"] == reverse("wagtailadmin_home")
    assert not StringTranslation.objects.filter(translation_type="machine").exists()
