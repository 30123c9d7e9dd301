"""The project's own text in the partner languages: complete catalogs that compile, every marked
string translated, the admin in the editor's language, API texts in the requested locale.

The catalogs are cms/locale (with the templates'), pages/locale and directory/locale; the
Wagtail admin strings Wagtail's own Danish and Latvian catalogs lack are in cms/wagtail_locale.
`make messages` adds newly marked strings to every catalog; this file fails until they are
translated.
"""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from wagtail.users.models import UserProfile

import polib
import pytest

from directory.models import SocialEnterprise
from tests import factories

PROJECT = Path(__file__).resolve().parents[2]
LANGUAGES = ["da", "de", "et", "fi", "lt", "lv", "nb", "pl", "sv"]
APPS = ["cms", "pages", "directory"]
# CLDR/gettext: one, few, many for the Baltic languages and Polish.
PLURAL_FORMS = {"lt": 3, "lv": 3, "pl": 3}


def catalog_path(app, language, folder="locale"):
    return PROJECT / app / folder / language / "LC_MESSAGES" / "django.po"


def all_catalogs():
    paths = [catalog_path(app, language) for app in APPS for language in LANGUAGES]
    paths += [catalog_path("cms", language, "wagtail_locale") for language in ["da", "lv"]]
    return paths


def keys(po):
    return {(entry.msgctxt, entry.msgid) for entry in po if not entry.obsolete}


def label(path):
    return str(path.relative_to(PROJECT))


# The catalogs ------------------------------------------------------------------------------


def test_catalogs_are_where_django_finds_them():
    assert settings.LOCALE_PATHS[0] == PROJECT / "cms" / "locale"
    assert PROJECT / "cms" / "wagtail_locale" in settings.LOCALE_PATHS
    for path in all_catalogs():
        assert path.is_file(), f"{label(path)} is missing"


@pytest.mark.parametrize("path", all_catalogs(), ids=label)
def test_catalog_is_complete_and_compiles(path):
    po = polib.pofile(str(path))
    language = path.parts[-3]

    assert po.metadata["Language"] == language
    plurals = int(re.search(r"nplurals=(\d)", po.metadata["Plural-Forms"]).group(1))
    assert plurals == PLURAL_FORMS.get(language, 2)
    assert not po.metadata_is_fuzzy
    assert [entry.msgid for entry in po.untranslated_entries()] == []
    assert [entry.msgid for entry in po.fuzzy_entries()] == []
    for entry in po.translated_entries():
        if entry.msgid_plural:
            assert len(entry.msgstr_plural) == plurals, entry.msgid
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "msgfmt is missing: install gettext (make install does as root)"
    checked = subprocess.run(
        [msgfmt, "--check", "--output-file=/dev/null", str(path)], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stderr


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """The msgids marked in the source today, per app: makemessages in a copy of the project,
    so the committed catalogs are left as they are."""
    copy = tmp_path_factory.mktemp("project")
    ignore = shutil.ignore_patterns("__pycache__", "*.mo", "*.pyc")
    for folder in [*APPS, "templates"]:
        shutil.copytree(PROJECT / folder, copy / folder, ignore=ignore)
    shutil.copy(PROJECT / "manage.py", copy / "manage.py")
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "da", "--keep-pot"],
        cwd=copy,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "cms.settings.test"},
        check=True,
        capture_output=True,
    )
    return {app: keys(polib.pofile(str(copy / app / "locale" / "django.pot"))) for app in APPS}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("app", APPS)
def test_every_marked_string_is_in_the_catalog(extracted, app, language):
    catalog = keys(polib.pofile(str(catalog_path(app, language))))

    missing = sorted(msgid for _context, msgid in extracted[app] - catalog)
    assert missing == [], f"run `make messages` and translate them in {app}/locale/{language}"


# The admin in the editor's language ---------------------------------------------------------


def in_page(word, page):
    # The sidebar is rendered from JSON, where non-ASCII letters are escaped.
    return word in page or json.dumps(word)[1:-1] in page


@pytest.fixture
def polish_admin(admin_user):
    profile = UserProfile.get_for_user(admin_user)
    profile.preferred_language = "pl"
    profile.save()
    client = Client()
    client.force_login(admin_user)
    return client


@pytest.mark.django_db
def test_admin_in_polish_shows_our_menus(polish_admin):
    dashboard = polish_admin.get(reverse("wagtailadmin_home")).content.decode()

    assert '<html lang="pl"' in dashboard
    for word in [
        "Katalog",
        "Przedsiębiorstwa społeczne",
        "Organizacje wspierające",
        "Stan tłumaczeń",
    ]:
        assert in_page(word, dashboard), word
    assert not in_page("Directory", dashboard)


@pytest.mark.django_db
def test_admin_in_polish_shows_our_report_and_listings(polish_admin):
    report = polish_admin.get(reverse("translation_status_report")).content.decode()
    listing_url = reverse(SocialEnterprise.snippet_viewset.get_url_name("list"))
    listing = polish_admin.get(listing_url).content.decode()

    assert "Stan tłumaczeń" in report
    assert "Język" in report and "Typ" in report  # filters
    assert "Przetłumaczone" in report and "Nieaktualne" in report  # statuses to filter on
    assert "Translation status" not in report
    assert "Przedsiębiorstwa społeczne" in listing
    assert "Social enterprises" not in listing


# API texts in the requested locale ----------------------------------------------------------


def post_graphql(client, query, variables):
    response = client.post(
        "/graphql/",
        data=json.dumps({"query": query, "variables": variables}),
        content_type="application/json",
    )
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


MATCH_REASONS = """
query($enterprise: String!, $locale: Locale) {
  partnerMatches(enterprise: $enterprise, locale: $locale) { reasons { kind text } }
}
"""


@pytest.mark.django_db
def test_partner_match_reasons_come_in_latvian(client):
    for slug in ["riga-repair", "tallinn-repair"]:
        record = factories.SocialEnterpriseFactory(slug=slug, country="LV", seeking_partners=True)
        factories.set_terms(record, sectors=["S"], sdgs=[8])

    latvian = post_graphql(client, MATCH_REASONS, {"enterprise": "riga-repair", "locale": "lv"})
    english = post_graphql(client, MATCH_REASONS, {"enterprise": "riga-repair"})

    texts = {r["kind"]: r["text"] for r in latvian["partnerMatches"][0]["reasons"]}
    assert texts["SHARED_SECTORS"].startswith("Darbojas tajās pašās nozarēs: ")
    assert texts["SHARED_SDGS"].startswith("Tiecas uz tiem pašiem ilgtspējīgas attīstības")
    english_texts = {r["kind"]: r["text"] for r in english["partnerMatches"][0]["reasons"]}
    assert english_texts["SHARED_SECTORS"].startswith("Works in the same sectors: ")


SUBMIT_ENTERPRISE = """
mutation($input: SubmitEnterpriseInput!) {
  submitEnterprise(input: $input) { ok errors { field message } }
}
"""


@pytest.mark.django_db
def test_submission_field_errors_come_in_the_submission_language(client):
    submission = {"country": "XX", "contactName": "Jana", "contactEmail": "jana@example.com"}

    german = post_graphql(
        client, SUBMIT_ENTERPRISE, {"input": {**submission, "locale": "de", "sectors": ["Z"]}}
    )["submitEnterprise"]
    english = post_graphql(client, SUBMIT_ENTERPRISE, {"input": submission})["submitEnterprise"]

    errors = {error["field"]: error["message"] for error in german["errors"]}
    assert german["ok"] is False
    assert errors["name"] == "Dieses Feld ist zwingend erforderlich."
    assert errors["country"].startswith("Unbekannter Ländercode: XX.")
    assert errors["sectors"] == "Unbekannte Codes in sectors: Z."
    assert {error["field"]: error["message"] for error in english["errors"]}["name"] == (
        "This field is required."
    )


@pytest.mark.django_db
def test_moderators_get_the_submission_email_in_their_language(
    client, user_in_group, django_capture_on_commit_callbacks
):
    danish = user_in_group("Moderators", username="mette")
    UserProfile.objects.update_or_create(user=danish, defaults={"preferred_language": "da"})
    english = user_in_group("Moderators", username="sam")
    english.email = "sam@example.com"
    english.save()
    submission = {
        "name": "Cykelværkstedet",
        "country": "DK",
        "contactName": "Jens",
        "contactEmail": "jens@example.com",
    }

    with django_capture_on_commit_callbacks(execute=True):
        post_graphql(client, SUBMIT_ENTERPRISE, {"input": submission})

    subjects = {
        message.to[0]: message.subject for message in mail.outbox if "Cykel" in message.subject
    }
    assert subjects[danish.email].startswith("Ny indsendelse (socialøkonomisk virksomhed)")
    assert subjects[english.email] == (
        "New social enterprise awaiting moderation: Cykelværkstedet"
    )
