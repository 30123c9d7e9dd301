"""PO files: download a translation, fill it in, upload it, publish, read it through GraphQL.

A bad file gets a clear message and changes nothing: wagtail-localize's own upload view
answers a file without its header with a server error and reports success for a file whose
strings match nothing; ours (cms.translation.permissions.upload_pofile) refuses both.
"""

from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from wagtail.rich_text import RichText
from wagtail_localize.models import StringTranslation, Translation

import polib
import pytest

from pages import models as pages
from tests import factories
from tests.graphql.conftest import gql  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db

LATVIAN_GROUP = "Translators: Latvian (lv)"
LATVIAN = {
    "Measuring social impact": "Sociālās ietekmes mērīšana",
    "How social enterprises show the change they make.": (
        "Kā sociālie uzņēmumi parāda pārmaiņas, ko tie rada."
    ),
    "What we agreed": "Par ko vienojāmies",
    "A <b>shared</b> database of enterprises.": "<b>Kopīga</b> uzņēmumu datubāze.",
}


@pytest.fixture
def latvian(user_in_group):
    client = Client()
    client.force_login(user_in_group(LATVIAN_GROUP, username="ilze"))
    return client


@pytest.fixture
def english_article():
    return factories.article(
        title="Measuring social impact",
        intro="How social enterprises show the change they make.",
        body=[
            ("heading", {"text": "What we agreed", "level": "h2"}),
            ("paragraph", RichText("<p>A <b>shared</b> database of enterprises.</p>")),
        ],
    )


@pytest.fixture
def latvian_article(latvian, english_article):
    return factories.localize_submit(latvian, english_article, "lv")


def translation_of(obj):
    return Translation.objects.get(source__object_id=obj.translation_key, target_locale=obj.locale)


def download(client, obj):
    response = client.get(
        reverse("wagtail_localize:download_pofile", args=[translation_of(obj).pk])
    )
    assert response.status_code == 200
    return response


def fill(po_text, strings):
    po = polib.pofile(po_text)
    for entry in po:
        entry.msgstr = strings.get(entry.msgid, "")
    return str(po)


def upload(client, obj, content, name="translation.po"):
    data = {"next": factories.admin_edit_url(obj)}
    if content is not None:
        data["file"] = SimpleUploadedFile(name, content, content_type="text/x-gettext-translation")
    return client.post(
        reverse("wagtail_localize:upload_pofile", args=[translation_of(obj).pk]), data
    )


def last_message(response):
    return [str(m).strip() for m in get_messages(response.wsgi_request)][-1]


def test_page_round_trip_through_a_po_file(gql, latvian, latvian_article):  # noqa: F811
    response = download(latvian, latvian_article)
    po_text = response.content.decode()

    uploaded = upload(latvian, latvian_article, fill(po_text, LATVIAN).encode())
    factories.localize_publish(latvian, latvian_article)
    answer = gql(
        """query ($path: String!) {
          page(path: $path, locale: lv) { title locale ... on ArticlePage { intro } }
        }""",
        {"path": "/library/measuring-social-impact/"},
    )

    assert response["Content-Type"] == "text/x-gettext-translation"
    assert response["Content-Disposition"] == (
        "attachment; filename=measuring-social-impact-lv.po"
    )
    assert {entry.msgid for entry in polib.pofile(po_text)} == {
        *LATVIAN,
        "measuring-social-impact",
    }
    assert uploaded["Location"] == factories.admin_edit_url(latvian_article)
    assert last_message(uploaded) == "Successfully imported translations from PO File."
    assert answer["data"]["page"] == {
        "title": LATVIAN["Measuring social impact"],
        "locale": "lv",
        "intro": LATVIAN["How social enterprises show the change they make."],
    }
    published = pages.ArticlePage.objects.get(pk=latvian_article.pk)
    assert published.live
    assert published.body[0].value["text"] == "Par ko vienojāmies"
    assert published.body[1].value.source == "<p><b>Kopīga</b> uzņēmumu datubāze.</p>"
    # The slug was left empty in the file: the English one is kept.
    assert published.slug == "measuring-social-impact"


def test_enterprise_round_trip_through_a_po_file(gql, latvian):  # noqa: F811
    enterprise = factories.SocialEnterpriseFactory(
        name="Riga Bakery", slug="riga-bakery", summary="Bakes bread with young people."
    )
    enterprise.save_revision().publish()
    copy = factories.localize_submit(latvian, enterprise, "lv")
    strings = {"Riga Bakery": "Rīgas maiznīca", "Bakes bread with young people.": "Cep maizi."}

    upload(latvian, copy, fill(download(latvian, copy).content.decode(), strings).encode())
    factories.localize_publish(latvian, copy)
    answer = gql('{ enterprise(slug: "riga-bakery", locale: lv) { name summary locale } }')

    assert answer["data"]["enterprise"] == {
        "name": "Rīgas maiznīca",
        "summary": "Cep maizi.",
        "locale": "lv",
    }


def test_uploading_publishes_nothing(latvian, latvian_article):
    po_text = download(latvian, latvian_article).content.decode()

    upload(latvian, latvian_article, fill(po_text, LATVIAN).encode())

    latvian_article.refresh_from_db()
    assert not latvian_article.live
    assert latvian_article.title == "Measuring social impact"
    assert StringTranslation.objects.filter(locale__language_code="lv").count() == 4


def test_outdated_strings_are_skipped_with_a_warning(latvian, latvian_article):
    po = polib.pofile(download(latvian, latvian_article).content.decode())
    po.append(polib.POEntry(msgctxt="intro", msgid="An older intro", msgstr="Vecāks ievads"))
    for entry in po:
        entry.msgstr = entry.msgstr or LATVIAN.get(entry.msgid, "")

    response = upload(latvian, latvian_article, str(po).encode())

    assert last_message(response) == (
        "1 translation was skipped: its source text has changed since the file was downloaded."
    )
    assert sorted(
        StringTranslation.objects.filter(locale__language_code="lv").values_list("data", flat=True)
    ) == sorted(LATVIAN.values())


def test_translator_of_another_language_cannot_download_or_upload(
    user_in_group, latvian, latvian_article
):
    po_text = fill(download(latvian, latvian_article).content.decode(), LATVIAN)
    danish = Client()
    danish.force_login(user_in_group("Translators: Danish (da)", username="mette"))

    downloaded = danish.get(
        reverse("wagtail_localize:download_pofile", args=[translation_of(latvian_article).pk])
    )
    uploaded = upload(danish, latvian_article, po_text.encode())

    assert downloaded["Location"] == reverse("wagtailadmin_home")
    assert uploaded["Location"] == reverse("wagtailadmin_home")
    assert not StringTranslation.objects.exists()


def with_header(uuid, entries=""):
    return (
        f'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n'
        f'"X-WagtailLocalize-TranslationID: {uuid}\\n"\n\n{entries}'
    ).encode()


# Each case: (the file's content from the translation and its downloaded PO, the message).
BAD_FILES = {
    "no file": (lambda translation, po: None, "Choose a PO file to upload."),
    "not a PO file": (
        lambda translation, po: b"Hello, this is a letter.\n",
        "This is not a valid PO file (error on line 1).",
    ),
    "not text": (
        lambda translation, po: b"\x89PNG\r\n\x1a\n\x00\xff",
        "This is not a PO file: it is not UTF-8 text.",
    ),
    "empty": (lambda translation, po: b"", "it has no X-WagtailLocalize-TranslationID header"),
    "no header": (
        lambda translation, po: b'msgid "Measuring social impact"\nmsgstr "Merisana"\n',
        "it has no X-WagtailLocalize-TranslationID header",
    ),
    "another translation": (
        lambda translation, po: with_header(
            "00000000-0000-0000-0000-000000000000", 'msgid "a"\nmsgstr "b"\n'
        ),
        "This PO file was downloaded for another page, record or language.",
    ),
    "nothing filled in": (
        lambda translation, po: po.encode(),
        "This PO file has no translations: fill in the msgstr lines.",
    ),
    "strings of another page": (
        lambda translation, po: with_header(
            translation.uuid, 'msgctxt "title"\nmsgid "Other page"\nmsgstr "Cita lapa"\n'
        ),
        "None of the translations in this file match the current source text.",
    ),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_bad_po_file_gets_a_clear_error_and_changes_nothing(latvian, latvian_article, case):
    make, message = BAD_FILES[case]
    content = make(
        translation_of(latvian_article), download(latvian, latvian_article).content.decode()
    )
    # A translation made earlier must survive the bad upload.
    factories.localize_translate(
        latvian, latvian_article, {"Measuring social impact": "Sociālās ietekmes mērīšana"}
    )
    before = list(StringTranslation.objects.values_list("pk", "data", "locale"))

    response = upload(latvian, latvian_article, content)

    assert response.status_code == 302
    assert response["Location"] == factories.admin_edit_url(latvian_article)
    shown = last_message(response)
    assert shown.startswith("Nothing was imported. ")
    assert message in shown
    assert list(StringTranslation.objects.values_list("pk", "data", "locale")) == before
    latvian_article.refresh_from_db()
    assert not latvian_article.live
