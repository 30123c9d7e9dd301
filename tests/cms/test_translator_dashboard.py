"""A translator's dashboard lists what waits in their languages, with the action to take."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import pytest

from tests import factories
from tests.factories import client_for

pytestmark = pytest.mark.django_db

LATVIAN_GROUP = "Translators: Latvian (lv)"


@pytest.fixture
def ilze(user_in_group):
    return user_in_group(LATVIAN_GROUP, username="ilze")


def panel(client):
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    html = response.content.decode()
    found = re.search(
        r'<table class="listing listing--dashboard" data-translations-waiting>.*?</table>',
        html,
        re.S,
    )
    return html, found.group(0) if found else ""


def rows(table):
    return re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]


def test_latvian_translator_sees_missing_and_in_progress_items_newest_first(admin_client, ilze):
    older = factories.article(title="Older article")
    factories.SocialEnterpriseFactory(name="Riga Bakery")
    factories.localize_submit(admin_client, older, "lv")  # a Latvian draft: in progress
    newer = factories.article(title="Newer article")

    html, table = panel(client_for(ilze))
    listed = rows(table)
    titles = [re.search(r'class="title">(?:<a [^>]*>)?([^<]+)', row).group(1) for row in listed]

    assert "Waiting for translation" in html
    assert titles.index("Newer article") < titles.index("Older article")
    assert "Riga Bakery" in titles
    newer_row = listed[titles.index("Newer article")]
    older_row = listed[titles.index("Older article")]
    assert "Missing" in newer_row and ">Translate<" in newer_row
    assert reverse("wagtail_localize:submit_page_translation", args=[newer.pk]) in newer_row
    assert "In progress" in older_row and ">Continue<" in older_row and "0 %" in older_row
    assert "Latviešu" in table and "Dansk" not in table


def test_items_translated_into_latvian_are_not_waiting(ilze):
    article = factories.article(title="Done already")
    factories.translate_page(article, "lv")

    _html, table = panel(client_for(ilze))

    assert "Done already" not in table


@pytest.mark.parametrize("group", ["Editors", "Moderators"])
def test_editors_and_moderators_have_no_translator_panel(user_in_group, group):
    factories.article()

    html, _table = panel(client_for(user_in_group(group)))

    assert "Waiting for translation" not in html


def test_the_plain_translators_group_sees_every_partner_language(user_in_group):
    factories.article(title="Shared article")

    _html, table = panel(client_for(user_in_group("Translators")))

    assert "Latviešu" in table and "Dansk" in table


def test_the_panel_links_to_the_report_filtered_to_the_translators_language(ilze):
    html, _table = panel(client_for(ilze))

    assert "translation-status/?locale=lv&amp;status=MISSING" in html


def test_the_panel_costs_the_same_queries_for_more_items(ilze):
    client = client_for(ilze)
    factories.article(title="First")
    factories.SocialEnterpriseFactory(name="One")
    client.get(reverse("wagtailadmin_home"))  # warm caches (site root paths, content types)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("wagtailadmin_home"))
    for number in range(5):
        factories.article(title=f"More {number}", slug=f"more-{number}")
        factories.SocialEnterpriseFactory(name=f"Enterprise {number}")
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("wagtailadmin_home"))

    assert len(many) == len(few)
