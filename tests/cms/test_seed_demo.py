"""`manage.py seed_demo`: real and demo records, the Danish translations, synthetic bulk data,
and that running it again changes nothing."""

import datetime
import io
import zoneinfo
from collections import Counter

from django.apps import apps
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from wagtail.models import Locale, Page, Revision
from wagtail.search.backends import get_search_backend
from wagtail.search.models import IndexEntry
from wagtail_localize.models import Translation, TranslationSource

import pytest

from directory.models import Event, SocialEnterprise, SupportOrganisation
from pages.models import ArticlePage, HomePage, LibraryIndexPage, StandardPage

pytestmark = pytest.mark.django_db

# Every table the command may write to, including many-to-many tables, search index entries,
# revisions, logs, translation memory and redirects.
FINGERPRINTED_APPS = [
    "directory",
    "pages",
    "wagtailcore",
    "wagtail_localize",
    "wagtailsearch",
    "wagtailredirects",
]


def seed(*args):
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("seed_demo", *args, stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


def fingerprint():
    """All rows of those tables, every column: equal fingerprints mean the same data. The
    search rows (tables Django does not manage) exist on PostgreSQL only."""
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values())
        for label in FINGERPRINTED_APPS
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
        if model._meta.managed or connection.vendor == "postgresql"
    }


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The demo content, seeded once for the module and rolled back after its last test.

    Seeding goes through Wagtail's publishing and wagtail-localize's translation code, which
    takes seconds; each test still runs in its own transaction (a savepoint inside this one),
    so what a test adds is gone before the next test.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield seed()
        transaction.set_rollback(True)


def danish():
    return Locale.objects.get(language_code="da")


def local(moment, time_zone):
    return moment.astimezone(zoneinfo.ZoneInfo(time_zone)).replace(tzinfo=None)


def test_running_twice_leaves_exactly_the_same_data(seeded):
    first_output, _ = seeded
    after_first = fingerprint()
    second_output, errors = seed()

    assert fingerprint() == after_first
    assert errors == ""
    summary = [line for line in second_output.splitlines() if " created " in line]
    assert len(summary) >= 6
    assert all(" 0 created" in line for line in summary)
    assert " 0 created" not in first_output


def test_quiet_prints_one_summary_line_and_no_logs(seeded, caplog):
    first_output, _ = seeded
    created = sum(
        int(line.split()[-4]) for line in first_output.splitlines() if " created " in line
    )
    SupportOrganisation.objects.get(slug="involved-ngo", locale__language_code="en").delete()
    caplog.clear()

    output, errors = seed("--quiet")

    assert errors == ""
    assert output.count("\n") == 1
    assert output.startswith(f"Demo content: 1 record created, {created - 1} already there (")
    # Wagtail logs the save and the publish of the partner made again, at INFO.
    assert caplog.records == []
    assert seed("--quiet")[0].startswith(f"Demo content: all {created} records already there (")


def test_real_partners_are_published_with_their_countries(seeded):
    expected = {
        "biser": ("PL", "Gdańsk"),
        "sed": ("DK", ""),
        "socialiniu-investiciju-fondas": ("LT", ""),
        "socialas-inovacijas-centrs": ("LV", "Rīga"),
        "involved-ngo": ("EE", ""),
    }
    partners = SupportOrganisation.objects.filter(locale__language_code="en")
    by_slug = {partner.slug: partner for partner in partners}

    assert set(expected) <= set(by_slug)
    for slug, (country, city) in expected.items():
        partner = by_slug[slug]
        assert (partner.country.code, partner.city) == (country, city), slug
        assert partner.live and partner.live_revision_id is not None
        assert list(partner.countries_served) == [country]
        assert partner.support_types.exists()
        assert partner.support_types.filter(locale__language_code="en").count() == (
            partner.support_types.count()
        )
    assert "BISER" in by_slug["biser"].name
    assert "Sociale Entreprenører i Danmark" in by_slug["sed"].name


def test_project_meetings_are_in_their_local_time_zones(seeded):
    events = {event.slug: event for event in Event.objects.filter(locale__language_code="en")}

    mid_term = events["sesn-mid-term-partner-meeting-2022"]
    assert mid_term.time_zone == "Europe/Warsaw"
    assert local(mid_term.start, "Europe/Warsaw") == datetime.datetime(2022, 1, 24, 10, 0)
    assert mid_term.start == datetime.datetime(2022, 1, 24, 9, 0, tzinfo=datetime.UTC)
    assert (mid_term.format, mid_term.country.code, mid_term.city) == ("hybrid", "PL", "Gdańsk")
    assert mid_term.organiser_organisation.slug == "biser"
    assert mid_term.event_type.slug == "meeting"

    workshop = events["sesn-development-workshop-2022"]
    assert (workshop.time_zone, workshop.country.code) == ("Europe/Copenhagen", "DK")
    assert local(workshop.start, "Europe/Copenhagen").date() == datetime.date(2022, 6, 1)
    assert workshop.event_type.slug == "workshop"

    final = events["sesn-final-evaluation-meeting-2022"]
    assert (final.time_zone, final.country.code) == ("Europe/Vilnius", "LT")
    start = local(final.start, "Europe/Vilnius")
    assert (start.year, start.month) == (2022, 8)

    for event in (mid_term, workshop, final):
        assert event.live and event.end > event.start
        assert event.topics.exists()
        assert Revision.objects.for_instance(event).count() == 1


def test_fictional_enterprises_cover_several_countries_and_say_they_are_demo_data(seeded):
    enterprises = SocialEnterprise.objects.filter(
        locale__language_code="en", slug__startswith="demo-", live=True
    ).exclude(slug__startswith="demo-enterprise-")

    assert 8 <= enterprises.count() <= 12
    assert {e.country.code for e in enterprises} >= {"DK", "PL", "LT", "LV", "EE"}
    for enterprise in enterprises:
        assert "demo" in enterprise.summary.lower()
        assert enterprise.legal_form and enterprise.recognised_status is not None
        assert enterprise.sectors.exists() and enterprise.sdgs.exists()
        assert enterprise.latitude is not None and enterprise.longitude is not None
        if enterprise.seeking_partners:
            assert enterprise.offers.exists() and enterprise.needs.exists()


def test_library_pages_are_published_with_several_block_types(seeded):
    library = LibraryIndexPage.objects.get(locale__language_code="en")
    children = [page.specific for page in library.get_children().live()]

    assert Counter(type(page).__name__ for page in children) == {
        "ArticlePage": 2,
        "TeachingMaterialPage": 1,
        "ToolPage": 1,
    }
    about = StandardPage.objects.get(locale__language_code="en", slug="about")
    assert about.live and about.get_parent().specific_class is HomePage
    block_types = {block.block_type for page in [*children, about] for block in page.body}
    assert block_types >= {"heading", "paragraph", "quote", "key_figures", "call_to_action"}
    assert all("Text(" not in str(page.body.raw_data) for page in [*children, about])
    assert not any(Page.find_problems())


def test_danish_translations_are_live_and_share_the_translation_key(seeded):
    _, errors = seeded
    da = danish()

    assert "No Danish" not in errors
    pairs = [
        (HomePage.objects.get(locale__language_code="en", depth=2), "Social Enterprise"),
        (LibraryIndexPage.objects.get(locale__language_code="en"), "Bibliotek"),
        (StandardPage.objects.get(locale__language_code="en", slug="about"), "Om netværket"),
        (
            ArticlePage.objects.get(slug="what-makes-an-enterprise-social"),
            "Hvad gør en virksomhed social?",
        ),
    ]
    for english, danish_title in pairs:
        translation = english.get_translation(da)
        assert translation.live
        assert translation.translation_key == english.translation_key
        assert translation.title.startswith(danish_title)
        source = TranslationSource.objects.get_for_instance(english)
        assert Translation.objects.filter(source=source, target_locale=da).exists()

    danish_article = ArticlePage.objects.get(locale=da)
    assert danish_article.get_parent().locale == da
    assert "Formål" in str(danish_article.body.raw_data)

    danish_about = StandardPage.objects.get(locale=da)
    figures = next(block for block in danish_about.body if block.block_type == "key_figures")
    assert figures.value["figures"][0]["caption"] == "socialøkonomiske virksomheder i databasen"
    call_to_action = next(
        block for block in danish_about.body if block.block_type == "call_to_action"
    )
    assert call_to_action.value["page"].locale == da

    english_enterprise = SocialEnterprise.objects.get(
        locale__language_code="en", slug="demo-genbrugscyklen-aarhus"
    )
    danish_enterprise = english_enterprise.get_translation(da)
    assert danish_enterprise.live
    assert danish_enterprise.summary.startswith("Reparerer og sælger brugte cykler")
    assert "Cykler, der er efterladt" in danish_enterprise.description
    assert "Bicycles left behind" in english_enterprise.description
    assert set(danish_enterprise.sectors.all()) == set(english_enterprise.sectors.all())


def test_synthetic_records_are_added_once_in_the_numbers_asked_for(seeded):
    library = LibraryIndexPage.objects.get(locale__language_code="en")
    before = (SocialEnterprise.objects.count(), Event.objects.count(), library.numchild)
    revisions_before = Revision.objects.count()

    output, _ = seed("--enterprises", "200", "--events", "50", "--pages", "10")
    library.refresh_from_db()
    after = (SocialEnterprise.objects.count(), Event.objects.count(), library.numchild)
    assert after == (before[0] + 200, before[1] + 50, before[2] + 10)
    assert Revision.objects.count() == revisions_before
    assert "200 created" in output

    snapshot = fingerprint()
    seed("--enterprises", "200", "--events", "50", "--pages", "10")
    assert fingerprint() == snapshot

    # Asking for more adds only the missing numbers.
    seed("--enterprises", "205")
    assert SocialEnterprise.objects.count() == after[0] + 5


def test_synthetic_records_are_varied_live_and_searchable(seeded):
    seed("--enterprises", "200", "--events", "50", "--pages", "10")
    enterprises = SocialEnterprise.objects.filter(slug__startswith="demo-enterprise-")
    events = Event.objects.filter(slug__startswith="demo-event-")
    pages = Page.objects.filter(slug__startswith="demo-page-")

    assert enterprises.count() == 200 and not enterprises.filter(live=False).exists()
    assert len({e.country.code for e in enterprises}) >= 6
    assert enterprises.values("sectors__code").distinct().count() >= 10
    assert enterprises.values("sdgs__number").distinct().count() >= 10
    assert enterprises.values("legal_form").distinct().count() >= 10
    assert enterprises.values("translation_key").distinct().count() == 200
    seeking = enterprises.filter(seeking_partners=True)
    assert 0 < seeking.count() < 200
    assert all(e.offers.exists() and e.needs.exists() for e in seeking)
    assert all(e.sectors.exists() for e in enterprises)

    now = timezone.now()
    assert events.filter(start__lt=now).exists() and events.filter(start__gt=now).exists()
    assert events.values("format").distinct().count() == 3
    assert events.values("country").distinct().count() >= 5
    assert all(e.topics.exists() and e.event_type_id for e in events)
    assert not events.exclude(language="en").filter(english_summary="").exists()

    assert {page.specific_class.__name__ for page in pages} == {
        "ArticlePage",
        "TeachingMaterialPage",
        "ToolPage",
    }
    assert all(page.live and page.url_path.startswith("/home/library/") for page in pages)
    assert not any(Page.find_problems())

    for model, count in [(SocialEnterprise, 200), (Event, 50)]:
        indexed = IndexEntry.objects.filter(
            content_type__model=model._meta.model_name,
            object_id__in=[str(pk) for pk in model.objects.values_list("pk", flat=True)],
        )
        assert indexed.count() >= count
    sample = enterprises.order_by("slug").first()
    found = get_search_backend().search(sample.city, SocialEnterprise)
    assert sample in list(found)


def test_synthetic_record_depends_only_on_the_seed_and_its_number(seeded):
    seed("--enterprises", "3")
    fields = ["slug", "name", "legal_form", "country", "city", "latitude", "summary"]
    first = list(
        SocialEnterprise.objects.filter(slug__startswith="demo-enterprise-").values(*fields)
    )
    SocialEnterprise.objects.filter(slug="demo-enterprise-00001").delete()

    seed("--enterprises", "3")
    again = SocialEnterprise.objects.filter(slug__startswith="demo-enterprise-").values(*fields)
    assert sorted(again, key=str) == sorted(first, key=str)
