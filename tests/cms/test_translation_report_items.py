"""The Translation status report's default view: one row per item, a column per language,
and every link on it leads where the user may go."""

import re

from django.urls import reverse

import pytest

from tests import factories
from tests.factories import client_for

pytestmark = pytest.mark.django_db

REPORT = reverse("translation_status_report")
LATVIAN_GROUP = "Translators: Latvian (lv)"


@pytest.fixture
def content(admin_client):
    article = factories.article(title="Alpha article")
    factories.localize_submit(admin_client, article, "lv")
    factories.translate_page(factories.article(title="Beta article"), "da")
    factories.SocialEnterpriseFactory(name="Gamma enterprise")
    return article


@pytest.fixture
def ilze(user_in_group):
    return client_for(user_in_group(LATVIAN_GROUP, username="ilze"))


def items(response):
    assert response.status_code == 200
    return {item.title: item for item in response.context["object_list"]}


def test_one_row_per_item_with_a_cell_per_language(admin_client, content):
    listed = items(admin_client.get(REPORT))

    assert {"Alpha article", "Beta article", "Gamma enterprise"} <= set(listed)
    alpha = listed["Alpha article"]
    assert list(alpha.cells) == ["en", "da", "de", "et", "fi", "lt", "lv", "nb", "pl", "sv"]
    assert alpha.cells["en"].state.status == "SOURCE"
    assert alpha.cells["lv"].state.status == "IN_PROGRESS"
    assert alpha.cells["lv"].link.label == "Continue"
    assert alpha.cells["da"].state.status == "MISSING"
    assert alpha.cells["da"].link.label == "Translate"
    assert listed["Beta article"].cells["da"].state.status == "TRANSLATED"


def test_language_and_status_filters_choose_columns_and_items(admin_client, content):
    listed = items(admin_client.get(REPORT, {"locale": ["lv"], "status": ["IN_PROGRESS"]}))

    assert set(listed) == {"Alpha article"}
    assert list(listed["Alpha article"].cells) == ["lv"]


def test_missing_filter_lists_items_missing_in_a_chosen_language(admin_client, content):
    listed = items(admin_client.get(REPORT, {"locale": ["da"], "status": ["MISSING"]}))

    assert "Alpha article" in listed and "Gamma enterprise" in listed
    assert "Beta article" not in listed


def test_export_from_the_default_view_is_one_row_per_item_and_language(admin_client, content):
    response = admin_client.get(REPORT, {"export": "csv", "locale": ["lv", "da"]})
    body = b"".join(response.streaming_content).decode()

    assert body.count("Alpha article") == 2


def test_a_translators_title_links_open_their_translation_not_the_english_editor(ilze, content):
    alpha_lv = content.get_translation(content.locale.__class__.objects.get(language_code="lv"))
    listed = items(ilze.get(REPORT))

    assert listed["Alpha article"].title_url == reverse(
        "wagtailadmin_pages:edit", args=[alpha_lv.pk]
    )
    assert listed["Beta article"].title_url.startswith("/en/")  # the public page
    assert "/edit/" not in (listed["Gamma enterprise"].title_url or "")
    assert listed["Gamma enterprise"].cells["da"].link.url is None  # not their language


def admin_links(html):
    found = set(re.findall(r'href="(/admin/[^"#]*)"', html))
    return {url.replace("&amp;", "&") for url in found if "logout" not in url}


def refused(response):
    return response.status_code == 403 or (
        response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    )


@pytest.mark.parametrize(
    "start",
    [
        REPORT,
        reverse("translation_status_report_by_locale"),
        reverse("wagtailadmin_home"),
        reverse("wagtailsnippets_directory_socialenterprise:list"),
    ],
)
def test_every_link_a_latvian_translator_sees_leads_somewhere_they_may_go(ilze, content, start):
    page = ilze.get(start)
    assert page.status_code == 200

    dead = [url for url in sorted(admin_links(page.content.decode())) if refused(ilze.get(url))]

    assert dead == []


def test_the_directory_list_offers_no_edit_on_english_entries_to_a_translator(ilze, content):
    enterprise = factories.SocialEnterpriseFactory(name="Delta enterprise")
    edit = reverse("wagtailsnippets_directory_socialenterprise:edit", args=[enterprise.pk])
    inspect = reverse("wagtailsnippets_directory_socialenterprise:inspect", args=[enterprise.pk])

    html = ilze.get(reverse("wagtailsnippets_directory_socialenterprise:list")).content.decode()

    assert edit not in html
    assert inspect in html
