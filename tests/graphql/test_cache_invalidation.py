"""Every kind of change, then an answer that shows it: never stale.

Each test asks a query twice (so its answer is cached, and the second ask proves it), makes
one change the way editors, translators, the scheduler or an import make it, and asks again.
"""

import datetime
import io
import json
from urllib.parse import urlencode

from django.core.cache import caches
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from wagtail.models import Page, PageViewRestriction

import pytest

from directory.models import Event, Sector, SocialEnterprise
from pages import models as pages
from tests import factories
from tests.factories import DocumentFactory, EventFactory, ImageFactory, SocialEnterpriseFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("response_cache")]


@pytest.fixture
def ask(client):
    """Ask a query; the second time must be a cache hit, so a later answer proves freshness."""

    def run(query, variables=None, expect=None):
        params = {"query": query}
        if variables:
            params["variables"] = json.dumps(variables)
        response = client.get("/graphql/?" + urlencode(params))
        body = response.json()
        assert "errors" not in body, body
        if expect is not None:
            assert response["X-Cache"] == expect
        return body["data"]

    def warm(query, variables=None):
        first = run(query, variables)
        assert run(query, variables, expect="hit") == first
        return first

    run.warm = warm
    return run


PAGE_TITLES = "{ pages(limit: 50) { items { title path } } }"
ENTERPRISES = "{ enterprises(limit: 50) { items { name sectors { name } logo { title } } } }"


def titles(data):
    return sorted(item["title"] for item in data["pages"]["items"])


def names(data):
    return sorted(item["name"] for item in data["enterprises"]["items"])


def later(monkeypatch, **delta):
    """Move the app's clock forward (visibility and the cache read timezone.now; the cache
    backend's own expiry does not, so stored answers stay where they were)."""
    moment = timezone.now() + datetime.timedelta(**delta)
    monkeypatch.setattr(timezone, "now", lambda: moment)


# Pages


def test_publishing_a_page_shows_it(ask):
    library = factories.library()
    assert "New article" not in titles(ask.warm(PAGE_TITLES))
    factories.article(library, title="New article")
    assert "New article" in titles(ask(PAGE_TITLES, expect="miss"))


def test_publishing_a_new_revision_shows_it(ask):
    page = factories.article(title="Old title")
    ask.warm(PAGE_TITLES)
    page.title = "New title"
    page.save_revision().publish()
    assert "New title" in titles(ask(PAGE_TITLES))


def test_saving_a_draft_shows_nothing_of_it(ask):
    page = factories.article(title="Old title")
    ask.warm(PAGE_TITLES)
    page.title = "Draft title"
    page.save_revision()
    assert "Old title" in titles(ask(PAGE_TITLES))


def test_unpublishing_a_page_hides_it(ask):
    page = factories.article(title="Going away")
    assert "Going away" in titles(ask.warm(PAGE_TITLES))
    page.unpublish()
    assert "Going away" not in titles(ask(PAGE_TITLES))


def test_deleting_a_page_hides_it(ask):
    page = factories.article(title="Going away")
    ask.warm(PAGE_TITLES)
    page.delete()
    assert "Going away" not in titles(ask(PAGE_TITLES))


def test_moving_a_page_changes_its_path(ask):
    library = factories.library()
    page = factories.article(library, title="Mover")
    other = factories.add_page(
        factories.home_page(), pages.LibraryIndexPage(title="Archive", slug="archive")
    )
    query = '{ page(path: "/library/mover/") { title } }'
    assert ask.warm(query)["page"]["title"] == "Mover"
    page.move(other, pos="last-child")
    assert ask(query)["page"] is None
    assert ask('{ page(path: "/archive/mover/") { title } }')["page"]["title"] == "Mover"


def test_a_view_restriction_hides_a_page(ask):
    page = factories.article(title="Members only")
    ask.warm(PAGE_TITLES)
    PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password="x"
    )
    assert "Members only" not in titles(ask(PAGE_TITLES))


def live_with(page, **fields):
    """A live row with a schedule of its own, as an import or a direct write leaves it (the
    admin instead keeps a scheduled revision until publish_scheduled runs: tested below)."""
    Page.objects.filter(pk=page.pk).update(**fields)
    caches["default"].clear()  # a queryset update announces nothing: start from scratch


def test_a_page_appears_when_its_go_live_time_passes(ask, monkeypatch):
    page = factories.article(title="Scheduled")
    live_with(page, go_live_at=timezone.now() + datetime.timedelta(hours=1))
    assert "Scheduled" not in titles(ask.warm(PAGE_TITLES))
    later(monkeypatch, hours=2)
    assert "Scheduled" in titles(ask(PAGE_TITLES))


def test_a_page_disappears_when_it_expires(ask, monkeypatch):
    page = factories.article(title="Expiring")
    live_with(page, expire_at=timezone.now() + datetime.timedelta(hours=1))
    assert "Expiring" in titles(ask.warm(PAGE_TITLES))
    later(monkeypatch, hours=2)
    assert "Expiring" not in titles(ask(PAGE_TITLES))


def test_publish_scheduled_publishes_fresh(ask):
    page = factories.article(title="Waiting", live=False)
    revision = page.save_revision()
    revision.approved_go_live_at = timezone.now() - datetime.timedelta(minutes=1)
    revision.save()
    assert "Waiting" not in titles(ask.warm(PAGE_TITLES))
    call_command("publish_scheduled")
    assert "Waiting" in titles(ask(PAGE_TITLES))


def test_a_published_translation_replaces_the_fallback(ask):
    page = factories.article(title="Impact")
    query = "{ pages(locale: da) { items { title locale } } }"
    assert {"title": "Impact", "locale": "en"} in ask.warm(query)["pages"]["items"]
    factories.translate_page(page, "da", title="Virkning")
    assert {"title": "Virkning", "locale": "da"} in ask(query)["pages"]["items"]


def test_a_translators_saved_string_shows_in_the_status(ask, superuser):
    translator = Client()  # not the anonymous `client` that asks
    translator.force_login(superuser)
    english = factories.article(title="Impact", slug="impact", intro="Why it matters.")
    danish = factories.localize_submit(translator, english, "da")
    strings = {"Impact": "Virkning", "impact": "virkning", "Why it matters.": "Hvorfor."}
    factories.localize_translate(translator, danish, strings)
    factories.localize_publish(translator, danish)
    query = "{ pages { items { title translations { locale status } } } }"

    def danish_status(data):
        (item,) = [item for item in data["pages"]["items"] if item["title"] == "Impact"]
        return {entry["locale"]: entry["status"] for entry in item["translations"]}["da"]

    assert danish_status(ask.warm(query)) == "TRANSLATED"
    factories.localize_translate(translator, danish, {"Why it matters.": "Derfor."})
    assert danish_status(ask(query, expect="miss")) == "IN_PROGRESS"


def test_an_image_change_shows(ask):
    image = ImageFactory(title="Old picture")
    factories.article(title="Pictured", hero_image=image)
    query = "{ pages { items { ... on ArticlePage { heroImage { title } } } } }"

    def shown(data):
        return [item["heroImage"]["title"] for item in data["pages"]["items"] if item]

    assert shown(ask.warm(query)) == ["Old picture"]
    image.title = "New picture"
    image.save()
    assert shown(ask(query)) == ["New picture"]


def test_a_document_change_shows(ask):
    document = DocumentFactory(title="Old handout")
    factories.add_page(
        factories.library(),
        pages.TeachingMaterialPage(
            title="Handouts",
            slug="handouts",
            audience=["educators"],
            material_languages=["en"],
            downloads=[pages.TeachingMaterialDownload(document=document, title="")],
        ),
    )
    query = (
        "{ pages { items { ... on TeachingMaterialPage { downloads { document { title } } } } } }"
    )

    def shown(data):
        items = data["pages"]["items"]
        return [row["document"]["title"] for item in items for row in item.get("downloads", [])]

    assert shown(ask.warm(query)) == ["Old handout"]
    document.title = "New handout"
    document.save()
    assert shown(ask(query)) == ["New handout"]


# Directory


def test_publishing_an_entry_shows_it(ask):
    ask.warm(ENTERPRISES)
    SocialEnterpriseFactory(name="Fresh enterprise")
    assert "Fresh enterprise" in names(ask(ENTERPRISES))


def test_a_submitted_draft_keeps_the_cache_and_publishing_it_shows_it(ask):
    ask.warm(ENTERPRISES)
    draft = SocialEnterpriseFactory(name="Proposed", live=False)
    assert ask(ENTERPRISES, expect="hit")["enterprises"]["items"] == []
    draft.save_revision().publish()
    assert names(ask(ENTERPRISES)) == ["Proposed"]


def test_unpublishing_and_deleting_entries_hide_them(ask):
    first = SocialEnterpriseFactory(name="First")
    second = SocialEnterpriseFactory(name="Second")
    ask.warm(ENTERPRISES)
    first.unpublish()
    assert names(ask(ENTERPRISES)) == ["Second"]
    second.delete()
    assert names(ask(ENTERPRISES)) == []


def test_an_entry_appears_and_expires_on_schedule(ask, monkeypatch):
    now = timezone.now()
    SocialEnterpriseFactory(name="Soon", go_live_at=now + datetime.timedelta(hours=1))
    SocialEnterpriseFactory(name="Ending", expire_at=now + datetime.timedelta(hours=3))
    assert names(ask.warm(ENTERPRISES)) == ["Ending"]
    later(monkeypatch, hours=2)
    assert names(ask(ENTERPRISES)) == ["Ending", "Soon"]
    later(monkeypatch, hours=4)
    assert names(ask(ENTERPRISES)) == ["Soon"]


def test_renaming_a_term_shows_in_every_entry(ask):
    SocialEnterpriseFactory(name="Bakery", sectors=["Q"])
    before = ask.warm(ENTERPRISES)["enterprises"]["items"][0]["sectors"][0]["name"]
    sector = Sector.objects.get(locale__language_code="en", code="Q")
    sector.name = "Food and drink, renamed"
    sector.save()
    after = ask(ENTERPRISES)["enterprises"]["items"][0]["sectors"][0]["name"]
    assert before != after
    assert after == "Food and drink, renamed"


def test_changing_an_entrys_terms_shows(ask):
    entry = SocialEnterpriseFactory(name="Bakery", sectors=["Q"])
    ask.warm(ENTERPRISES)
    factories.set_terms(entry, sectors=[])
    assert ask(ENTERPRISES)["enterprises"]["items"][0]["sectors"] == []


def test_an_entry_logo_change_shows(ask):
    logo = ImageFactory(title="Old logo")
    SocialEnterpriseFactory(name="Bakery", logo=logo)
    ask.warm(ENTERPRISES)
    logo.title = "New logo"
    logo.save()
    assert ask(ENTERPRISES)["enterprises"]["items"][0]["logo"]["title"] == "New logo"


def test_a_published_entry_translation_replaces_the_fallback(ask):
    entry = SocialEnterpriseFactory(name="Bakery")
    query = "{ enterprises(locale: lv) { items { name locale } } }"
    assert ask.warm(query)["enterprises"]["items"] == [{"name": "Bakery", "locale": "en"}]
    factories.translate_record(entry, "lv", name="Maiznīca")
    assert ask(query)["enterprises"]["items"] == [{"name": "Maiznīca", "locale": "lv"}]


def test_events_publish_and_unpublish_fresh(ask):
    query = "{ events { items { title } } }"
    ask.warm(query)
    event = EventFactory(title="Summit")
    assert ask(query)["events"]["items"] == [{"title": "Summit"}]
    event.unpublish()
    assert ask(query)["events"]["items"] == []
    assert not Event.objects.filter(live=True).exists()


def test_an_import_shows_its_entries(ask, tmp_path):
    ask.warm(ENTERPRISES)
    path = tmp_path / "enterprises.csv"
    path.write_text(
        "external_id,name,country,summary\nimp-1,Imported enterprise,DK,Made by an import.\n"
    )
    call_command("import_directory", str(path), type="enterprises", publish=True, verbosity=0)
    assert SocialEnterprise.objects.filter(name="Imported enterprise", live=True).exists()
    assert "Imported enterprise" in names(ask(ENTERPRISES))


def test_any_page_save_outside_the_api_shows(ask):
    page = factories.article(title="Direct")
    ask.warm(PAGE_TITLES)
    Page.objects.get(pk=page.pk).specific.unpublish()
    assert "Direct" not in titles(ask(PAGE_TITLES))


def test_seed_demo_shows_its_bulk_written_entries(ask):
    ask.warm("{ enterprises { totalCount } }")
    call_command("seed_demo", enterprises=3, events=0, pages=0, stdout=io.StringIO())
    assert ask("{ enterprises { totalCount } }")["enterprises"]["totalCount"] >= 3


def test_entries_turn_stale_at_midnight(ask, monkeypatch, settings):
    settings.DIRECTORY_STALE_AFTER_DAYS = 365
    checked = timezone.localdate() - datetime.timedelta(days=365)
    SocialEnterpriseFactory(name="Checked", last_verified=checked)
    query = "{ enterprises { items { name stale } } }"
    assert ask.warm(query)["enterprises"]["items"] == [{"name": "Checked", "stale": False}]
    later(monkeypatch, days=1)
    assert ask(query)["enterprises"]["items"] == [{"name": "Checked", "stale": True}]
