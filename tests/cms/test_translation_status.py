"""Translation status, driven through wagtail-localize's admin views and read from the
"Translation status" report's CSV export (the GraphQL side: tests/graphql/
test_translation_status_api.py).

The article below has three string segments for wagtail-localize: its title, slug and intro.
"""

import csv
import io

from django.urls import reverse

from wagtail.models import Locale, Page

import pytest

from cms.translation.status import status_expression, translation_states
from cms.visibility import visible_pages, visible_records
from directory.models import SocialEnterprise
from tests import factories

pytestmark = pytest.mark.django_db

TITLE = "Measuring social impact"
SLUG = "measuring-social-impact"
INTRO = "How social enterprises show the change they make."
DANISH = {TITLE: "Måling af social effekt", INTRO: "Hvordan sociale virksomheder viser det."}


def report(client, language_code, **filters):
    """The report's rows in one locale, by title: {title: (status, progress)}."""
    response = client.get(
        reverse("translation_status_report"),
        {"export": "csv", "locale": language_code, **filters},
    )
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    return {
        row["Title"]: (row["Status"], row["% done"]) for row in csv.DictReader(io.StringIO(body))
    }


def status(client, title, language_code):
    assert_both_forms_of_the_rule_agree()
    return report(client, language_code)[title]


def assert_both_forms_of_the_rule_agree():
    """The rule as SQL (`status_expression`, which the report filters by) and as Python over a
    batch (`translation_states`, which the report shows and GraphQL serves) give every row the
    same status."""
    kinds = [
        (Page, Page.objects.filter(depth__gt=1), visible_pages()),
        (SocialEnterprise, SocialEnterprise.objects.all(), visible_records(SocialEnterprise)),
    ]
    for model, rows, visible in kinds:
        in_sql = {
            (key, code): value
            for key, code, value in rows.annotate(
                rule=status_expression(model, visible)
            ).values_list("translation_key", "locale__language_code", "rule")
        }
        keys = {key for key, _code in in_sql}
        # Given the public rows, and given None (the rule itself: directory models apply it in
        # Python to the columns of one flat query).
        for given in (visible, None):
            states = translation_states(keys, rows, given)
            in_python = {
                (key, code): state.status
                for key, by_code in states.items()
                for code, state in by_code.items()
                if state.row is not None
            }
            assert in_python == in_sql


@pytest.fixture
def english_article(db):
    return factories.article(title=TITLE, slug=SLUG, intro=INTRO)


@pytest.fixture
def danish_article(admin_client, english_article):
    """Submitted, fully translated and published with wagtail-localize."""
    danish = factories.localize_submit(admin_client, english_article, "da")
    factories.localize_translate(admin_client, danish, {**DANISH, SLUG: "maling"})
    return factories.localize_publish(admin_client, danish)


def edit_and_publish(obj, **changes):
    """An editor changes the English source and publishes it."""
    for field, value in changes.items():
        setattr(obj, field, value)
    obj.save_revision().publish()


def test_article_goes_from_missing_to_translated_with_progress(admin_client, english_article):
    assert status(admin_client, TITLE, "en") == ("Source", "")
    assert status(admin_client, TITLE, "da") == ("Missing", "0.0")

    danish = factories.localize_submit(admin_client, english_article, "da")
    assert status(admin_client, TITLE, "da") == ("In progress", "0.0")

    factories.localize_translate(admin_client, danish, DANISH)
    assert status(admin_client, TITLE, "da") == ("In progress", "66.7")

    factories.localize_translate(admin_client, danish, {SLUG: "maling"})
    assert status(admin_client, TITLE, "da") == ("In progress", "100.0")

    factories.localize_publish(admin_client, danish)
    assert status(admin_client, TITLE, "da") == ("Translated", "100.0")
    assert status(admin_client, TITLE, "de") == ("Missing", "0.0")
    assert status(admin_client, TITLE, "en") == ("Source", "")


def test_published_translation_with_untranslated_segments_is_in_progress(
    admin_client, english_article
):
    """wagtail-localize publishes missing strings in English: still work to do."""
    danish = factories.localize_submit(admin_client, english_article, "da")
    factories.localize_translate(admin_client, danish, {TITLE: DANISH[TITLE]})

    factories.localize_publish(admin_client, danish)

    assert danish.live
    assert status(admin_client, TITLE, "da") == ("In progress", "33.3")


def test_editing_and_publishing_the_english_source_makes_the_translation_outdated(
    admin_client, english_article, danish_article
):
    assert status(admin_client, TITLE, "da") == ("Translated", "100.0")

    edit_and_publish(english_article, title="Measuring social impact well")
    assert status(admin_client, "Measuring social impact well", "da") == ("Outdated", "100.0")

    # Synced without publishing: the new title waits for its translation, still outdated.
    factories.localize_sync(admin_client, english_article)
    assert status(admin_client, "Measuring social impact well", "da") == ("Outdated", "66.7")

    factories.localize_translate(
        admin_client, danish_article, {"Measuring social impact well": "Måling af effekt"}
    )
    factories.localize_publish(admin_client, danish_article)
    assert status(admin_client, "Measuring social impact well", "da") == ("Translated", "100.0")


def test_sync_and_publish_leaves_the_new_strings_in_progress(
    admin_client, english_article, danish_article
):
    edit_and_publish(english_article, intro="How enterprises show what they change.")

    factories.localize_sync(admin_client, english_article, publish=True)

    danish_article.refresh_from_db()
    assert danish_article.live
    assert danish_article.intro == "How enterprises show what they change."
    assert status(admin_client, TITLE, "da") == ("In progress", "66.7")


def test_republishing_an_unchanged_source_counts_as_a_change(
    admin_client, english_article, danish_article
):
    """Wagtail records no content diff on publish; a publish is taken as a change."""
    edit_and_publish(english_article)

    assert status(admin_client, TITLE, "da") == ("Outdated", "100.0")


def test_strings_edited_after_publishing_are_in_progress_until_published_again(
    admin_client, danish_article
):
    factories.localize_translate(admin_client, danish_article, {INTRO: "En ny indledning."})
    assert status(admin_client, TITLE, "da") == ("In progress", "100.0")

    factories.localize_publish(admin_client, danish_article)
    assert status(admin_client, TITLE, "da") == ("Translated", "100.0")


def test_copy_made_without_wagtail_localize_is_translated_with_unknown_progress(
    admin_client, english_article
):
    german = factories.translate_page(english_article, "de", title="Soziale Wirkung messen")
    factories.translate_page(english_article, "pl", publish=False, title="Mierzenie wpływu")

    assert status(admin_client, TITLE, "de") == ("Translated", "")
    assert status(admin_client, TITLE, "pl") == ("In progress", "")

    # A newer draft of the live German page is an edit in progress.
    german.title = "Soziale Wirkung messen und zeigen"
    german.save_revision()
    assert status(admin_client, TITLE, "de") == ("In progress", "")


def test_unpublished_translation_is_in_progress(admin_client, danish_article):
    response = admin_client.post(reverse("wagtailadmin_pages:unpublish", args=[danish_article.pk]))

    assert response.status_code == 302
    danish_article.refresh_from_db()
    assert not danish_article.live
    assert status(admin_client, TITLE, "da") == ("In progress", "100.0")


def test_parent_made_as_an_alias_is_missing(admin_client, danish_article):
    """wagtail-localize copies missing parents as aliases of the English pages: nobody has
    translated them yet."""
    library = danish_article.get_parent()
    assert library.alias_of_id is not None
    assert library.live

    assert status(admin_client, "Library", "da") == ("Missing", "0.0")


def test_directory_record_translated_with_localize_then_outdated(admin_client):
    enterprise = factories.SocialEnterpriseFactory(
        name="Copenhagen Bikes", summary="Repairs bikes with people far from work."
    )
    enterprise.save_revision().publish()

    danish = factories.localize_submit(admin_client, enterprise, "da")
    assert status(admin_client, "Copenhagen Bikes", "da") == ("In progress", "0.0")

    factories.localize_translate(
        admin_client,
        danish,
        {
            "Copenhagen Bikes": "Københavnske Cykler",
            "Repairs bikes with people far from work.": "Reparerer cykler.",
        },
    )
    factories.localize_publish(admin_client, danish)
    assert danish.live
    assert status(admin_client, "Copenhagen Bikes", "da") == ("Translated", "100.0")

    edit_and_publish(enterprise, summary="Repairs and sells bikes.")
    assert status(admin_client, "Copenhagen Bikes", "da") == ("Outdated", "100.0")


def test_record_written_in_danish_only_is_its_own_source(admin_client):
    factories.SocialEnterpriseFactory(
        name="Dansk Café", locale=Locale.objects.get(language_code="da")
    )

    assert status(admin_client, "Dansk Café", "da") == ("Source", "")
    assert status(admin_client, "Dansk Café", "en") == ("Missing", "0.0")
