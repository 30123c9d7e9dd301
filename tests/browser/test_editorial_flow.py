"""The editorial flow in Chromium: an editor writes, a moderator approves, a Latvian
translator translates and publishes, and a frontend reads the result from /graphql/.

Each test is a whole story through the real admin (JavaScript included: the page editor's
action menu, the dashboard's workflow buttons, wagtail-localize's React translation editor).
The live server runs on a transactional test database; `serialized_rollback` puts back what
the migrations made (locales, groups, the workflow) after each test flushes it.
"""

import re

from django.utils import translation

from wagtail.models import Locale
from wagtail.users.models import UserProfile

import pytest
from playwright.sync_api import expect

from pages import models as pages
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

LATVIAN_GROUP = "Translators: Latvian (lv)"
TITLE = "Repair cafés in Riga"
INTRO = "Volunteers fix what would be thrown away."
LATVIAN = {
    TITLE: "Remonta kafejnīcas Rīgā",
    INTRO: "Brīvprātīgie salabo to, kas būtu izmests.",
}


def translate_every_segment(page, translations):
    """In wagtail-localize's editor, translate each untranslated segment of each tab (it marks
    them `li.incomplete`); text not in `translations` (the slug, for one) gets "lv-" before it."""
    expect(page.get_by_role("button", name=re.compile("Publish in"))).to_be_visible()
    tabs = page.get_by_role("tab")
    for index in range(tabs.count()):
        tabs.nth(index).click()
        todo = page.locator("li.incomplete:visible")
        while count := todo.count():
            segment = todo.first
            lines = [line.strip() for line in segment.inner_text().split("\n") if line.strip()]
            # The source text, beside the field's name and the buttons.
            source = max((line for line in lines if line != "Translate"), key=len)
            segment.get_by_role("button", name="Translate", exact=True).click()
            segment.locator("textarea").fill(translations.get(source, f"lv-{source}"))
            segment.get_by_role("button", name="Save", exact=True).click()
            expect(todo).to_have_count(count - 1)


def graphql(page, query):
    response = page.request.post("/graphql/", data={"query": query})
    assert response.ok, response.text()
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def test_editor_writes_moderator_approves_translator_translates_and_publishes(
    open_page, user_in_group
):
    library = factories.library()
    editor = user_in_group("Editors", username="erik")
    moderator = user_in_group("Moderators", username="maria")
    translator = user_in_group(LATVIAN_GROUP, username="ilze")

    # The editor writes an article and submits it for moderation.
    page = open_page(editor)
    page.goto(f"/admin/pages/add/pages/articlepage/{library.pk}/")
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_intro").fill(INTRO)
    page.locator("footer").get_by_role("button", name=re.compile("More actions")).click()
    page.locator('button[name="action-submit"]').click()
    expect(page.locator(".messages")).to_contain_text("submitted")
    article = pages.ArticlePage.objects.get(title=TITLE)
    assert not article.live

    # The moderator approves it from the dashboard and is told so, with a link to it.
    page = open_page(moderator)
    row = page.locator("tr", has_text=TITLE)
    row.get_by_role("button", name="Actions").click()
    row.get_by_role("button", name="Approve", exact=True).click()
    message = page.locator(".messages")
    expect(message).to_contain_text(f"“{TITLE}” approved and published.")
    expect(message.get_by_role("link", name="Edit")).to_have_attribute(
        "href", f"/admin/pages/{article.pk}/edit/"
    )

    # The Latvian translator finds it on the dashboard, translates every segment (the slug on
    # the Promote tab included) and publishes.
    page = open_page(translator)
    waiting = page.locator("[data-translations-waiting] tr", has_text=TITLE)
    expect(waiting).to_contain_text("Missing")
    waiting.get_by_role("link", name="Translate").click()
    page.get_by_label("Latviešu").check()
    page.get_by_role("button", name=re.compile("Submit")).click()
    translate_every_segment(page, LATVIAN)
    page.get_by_role("button", name=re.compile("Publish in")).click()
    expect(page.locator(".messages")).to_contain_text("Published")
    expect(page.locator(".messages")).not_to_contain_text("not translated yet")
    latvian = article.get_translation(Locale.objects.get(language_code="lv"))
    assert latvian.live and latvian.title == LATVIAN[TITLE]
    assert latvian.slug != article.slug

    # A frontend reads the same content in Latvian.
    data = graphql(
        page,
        "{ pages(locale: lv, type: ARTICLE) { items { title locale path"
        " ... on ArticlePage { intro } } } }",
    )
    assert {
        "title": LATVIAN[TITLE],
        "locale": "lv",
        "intro": LATVIAN[INTRO],
    }.items() <= data["pages"]["items"][0].items()


def test_a_latvian_translator_is_refused_danish(open_page, user_in_group):
    article = factories.article(title=TITLE)
    danish = factories.translate_page(article, "da", publish=False)
    translator = user_in_group(LATVIAN_GROUP, username="ilze")

    page = open_page(translator)
    page.goto(f"/admin/pages/{danish.pk}/edit/")

    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.locator(".messages")).to_contain_text("permission")
    page.goto(f"/admin/localize/submit/page/{article.pk}/")
    expect(page.get_by_label("Latviešu")).to_be_visible()
    expect(page.get_by_label("Dansk")).to_have_count(0)


def test_the_admin_in_polish_shows_our_own_labels_in_polish(open_page, user_in_group):
    translator = user_in_group(LATVIAN_GROUP, username="ilze")
    profile = UserProfile.get_for_user(translator)
    profile.preferred_language = "pl"
    profile.save()
    with translation.override("pl"):
        directory = translation.gettext("Directory")
        report = translation.gettext("Translation status")
    assert directory != "Directory" and report != "Translation status"

    page = open_page(translator)

    expect(page.locator("#wagtail-sidebar")).to_contain_text(directory)
    page.goto("/admin/reports/translation-status/")
    expect(page.locator("h1")).to_contain_text(report)
