"""`translation_states` reads the rows of a batch's translation groups in one flat query with the
public rule (`cms.visibility`) as a subquery: a row it calls public is exactly a row the rule
shows, on every combination of the columns the rule reads, for pages and every directory model;
a hidden row is IN_PROGRESS and shows no title or slug (`public` is False)."""

import itertools
from datetime import timedelta

from django.utils import timezone

from wagtail.models import Page, PageViewRestriction

import pytest

from cms.translation.status import translation_states
from cms.visibility import visible_pages, visible_records
from directory.models import Sector, SocialEnterprise
from tests import factories

pytestmark = pytest.mark.django_db


def publication_columns():
    now = timezone.now()
    moments = (None, now - timedelta(days=1), now + timedelta(days=1))
    return itertools.product((True, False), (True, False), moments, moments)


def danish_state(rows, key):
    states = translation_states({key}, rows, None)
    assert set(states) == {key}
    return states[key]["da"]


def test_records_follow_the_rule_on_every_combination_of_publication_columns():
    english = factories.SocialEnterpriseFactory(name="Aarhus Bakery", slug="aarhus-bakery")
    danish = factories.translate_record(english, "da", name="Aarhus Bageri")
    rows = SocialEnterprise.objects.all()
    seen = set()
    for live, expired, go_live_at, expire_at in publication_columns():
        SocialEnterprise.objects.filter(pk=danish.pk).update(
            live=live, expired=expired, go_live_at=go_live_at, expire_at=expire_at
        )
        shown = visible_records(SocialEnterprise).filter(pk=danish.pk).exists()
        seen.add(shown)
        state = danish_state(rows, english.translation_key)
        assert state.public == shown, (live, expired, go_live_at, expire_at)
        assert state.status == ("TRANSLATED" if shown else "IN_PROGRESS")
        assert state.row.pk == danish.pk and state.row.slug == danish.slug
        given = translation_states(
            {english.translation_key}, rows, visible_records(SocialEnterprise)
        )
        assert given[english.translation_key]["da"].public == shown
    assert seen == {True, False}


@pytest.fixture
def danish_article():
    english = factories.article(title="Measuring social impact")
    return english, factories.translate_page(english, "da", title="Måling af social effekt")


@pytest.mark.parametrize(
    "hide",
    [
        lambda page: page.unpublish(),
        lambda page: Page.objects.filter(pk=page.pk).update(
            go_live_at=timezone.now() + timedelta(days=1)
        ),
        lambda page: Page.objects.filter(pk=page.pk).update(
            expire_at=timezone.now() - timedelta(days=1)
        ),
        lambda page: PageViewRestriction.objects.create(
            page=page, restriction_type=PageViewRestriction.PASSWORD, password="secret"
        ),
        lambda page: PageViewRestriction.objects.create(
            page=page.get_parent(),
            restriction_type=PageViewRestriction.LOGIN,
        ),
    ],
    ids=["unpublished", "scheduled", "expired", "restricted", "restricted-parent"],
)
def test_pages_follow_the_rule(danish_article, hide):
    english, danish = danish_article
    rows = Page.objects.filter(depth__gt=1)
    before = danish_state(rows, english.translation_key)
    assert (before.public, before.status) == (True, "TRANSLATED")
    assert before.row.title == danish.title

    hide(danish)

    assert not visible_pages().filter(pk=danish.pk).exists()
    after = danish_state(rows, english.translation_key)
    assert (after.public, after.status) == (False, "IN_PROGRESS")
    english_state = translation_states({english.translation_key}, rows, None)[
        english.translation_key
    ]["en"]
    assert (english_state.public, english_state.status) == (True, "SOURCE")


def test_an_alias_in_another_locale_is_missing(danish_article):
    english, danish = danish_article
    Page.objects.filter(pk=danish.pk).update(alias_of=english)
    state = danish_state(Page.objects.all(), english.translation_key)
    assert (state.public, state.status) == (False, "MISSING")


@pytest.mark.parametrize("factory", [factories.SupportOrganisationFactory, factories.EventFactory])
def test_every_directory_model(factory):
    record = factory()
    factories.translate_record(record, "da")
    factories.translate_record(record, "pl", publish=False)
    model = type(record)
    states = translation_states({record.translation_key}, model.objects.all(), None)
    by_code = states[record.translation_key]
    assert [(by_code[c].status, by_code[c].public) for c in ("en", "da", "pl", "de")] == [
        ("SOURCE", True),
        ("TRANSLATED", True),
        ("IN_PROGRESS", False),
        ("MISSING", False),
    ]
    assert by_code["da"].updated_at is not None


def test_vocabulary_terms_without_drafts_are_all_public():
    sector = Sector.objects.filter(locale__language_code="en").first()
    factories.translate_record(sector, "da", name="Dansk sektor")
    state = danish_state(Sector.objects.all(), sector.translation_key)
    assert (state.public, state.status, state.row.name) == (True, "TRANSLATED", "Dansk sektor")


def test_fewer_rows_given_are_honoured(danish_article):
    english = factories.SocialEnterpriseFactory()
    danish = factories.translate_record(english, "da")
    rows = SocialEnterprise.objects.exclude(pk=danish.pk)
    assert danish_state(rows, english.translation_key).status == "MISSING"

    english_page, danish_page = danish_article
    rows = Page.objects.exclude(pk=danish_page.pk)
    assert danish_state(rows, english_page.translation_key).status == "MISSING"
