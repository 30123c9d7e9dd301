"""The server-rendered pages obey the one visibility rule (cms/visibility.py).

A page the API would not serve answers 404 at its public URL, and no page, list or preview
prints a related item, a child page or a link the public may not see.
"""

import datetime

from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from wagtail.models import Page
from wagtail.rich_text import RichText

import pytest

from pages import models as pages
from tests import factories

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


def write(page, **columns):
    """Change columns directly, as an import or a database edit would, without a revision."""
    Page.objects.filter(pk=page.pk).update(**columns)
    return Page.objects.get(pk=page.pk).specific


@pytest.fixture
def library():
    return factories.library()


def test_an_expired_page_answers_404_and_is_not_listed(client, library):
    factories.article(title="Still current")
    expired = write(factories.article(title="Old news"), expire_at=timezone.now() - HOUR)

    assert client.get(expired.url).status_code == 404
    listing = client.get(library.url).content.decode()
    assert "Still current" in listing
    assert "Old news" not in listing


def test_a_page_before_its_go_live_time_answers_404_and_is_not_listed(client, library):
    factories.article(title="Already out")
    due = write(factories.article(title="Embargoed report"), go_live_at=timezone.now() + HOUR)

    assert client.get(due.url).status_code == 404
    listing = client.get(library.url).content.decode()
    assert "Already out" in listing
    assert "Embargoed report" not in listing


def test_the_home_page_lists_only_visible_sections(client, library):
    home = factories.home_page()
    factories.add_page(home, pages.StandardPage(title="About the network", slug="about"))
    gone = factories.add_page(home, pages.StandardPage(title="Old campaign", slug="campaign"))
    write(gone, expire_at=timezone.now() - HOUR)

    html = client.get(home.url).content.decode()

    assert "About the network" in html
    assert "Old campaign" not in html


def test_an_article_prints_only_public_related_entries(client, library):
    article = factories.article()
    article.related_enterprises.set(
        [
            factories.SocialEnterpriseFactory(name="Open Bakery"),
            factories.SocialEnterpriseFactory(name="Secret Draft Bakery", live=False),
            factories.SocialEnterpriseFactory(
                name="Expired Bakery", expire_at=timezone.now() - HOUR
            ),
            factories.SocialEnterpriseFactory(
                name="Future Bakery", go_live_at=timezone.now() + HOUR
            ),
        ]
    )
    article.related_organisations.set(
        [factories.SupportOrganisationFactory(name="Hidden Incubator", live=False)]
    )
    article.save_revision().publish()

    html = client.get(article.url).content.decode()

    assert "Open Bakery" in html
    for hidden in ["Secret Draft Bakery", "Expired Bakery", "Future Bakery", "Hidden Incubator"]:
        assert hidden not in html
    assert "Related support organisations" not in html


def test_a_danish_article_prints_related_entries_in_danish(client, library):
    enterprise = factories.SocialEnterpriseFactory(name="Bike Workshop")
    factories.translate_record(enterprise, "da", name="Cykelværksted")
    article = factories.article()
    article.related_enterprises.set([enterprise])
    article.save_revision().publish()
    danish = factories.translate_page(article, "da", title="Måling af social effekt")

    html = client.get(danish.url).content.decode()

    assert "Cykelværksted" in html
    assert "Bike Workshop" not in html


def call_to_action(target):
    return (
        "call_to_action",
        {"title": "Read more", "link_label": "Go there", "page": target, "url": ""},
    )


def test_a_call_to_action_does_not_link_to_a_draft_page(client, library):
    draft = factories.article(title="Draft target", slug="draft-target", live=False)
    article = factories.article(title="Linking article", body=[call_to_action(draft)])

    html = client.get(article.url).content.decode()

    assert "Read more" in html
    assert "draft-target" not in html
    assert "Go there" not in html


def test_a_call_to_action_links_to_a_live_page(client, library):
    target = factories.article(title="Live target", slug="live-target")
    article = factories.article(title="Linking article", body=[call_to_action(target)])

    html = client.get(article.url).content.decode()

    assert f'<a href="{target.url}">Go there</a>' in html


def test_a_rich_text_link_to_a_hidden_page_keeps_its_text_but_not_its_address(client, library):
    draft = factories.article(title="Draft target", slug="draft-target", live=False)
    expired = write(
        factories.article(title="Expired target", slug="expired-target"),
        expire_at=timezone.now() - HOUR,
    )
    live = factories.article(title="Live target", slug="live-target")
    paragraph = RichText(
        f'<p><a linktype="page" id="{draft.pk}">the draft</a>, '
        f'<a linktype="page" id="{expired.pk}">the expired one</a> and '
        f'<a linktype="page" id="{live.pk}">the live one</a>.</p>'
    )
    article = factories.article(title="Linking article", body=[("paragraph", paragraph)])

    html = client.get(article.url).content.decode()

    assert "<a>the draft</a>" in html
    assert "<a>the expired one</a>" in html
    assert f'<a href="{live.url}">the live one</a>' in html
    assert "draft-target" not in html
    assert "expired-target" not in html


def test_the_admin_preview_of_a_draft_shows_the_draft_but_not_its_draft_relations(
    admin_client, library
):
    draft = factories.article(title="Draft article", live=False)
    draft.related_enterprises.set(
        [
            factories.SocialEnterpriseFactory(name="Open Bakery"),
            factories.SocialEnterpriseFactory(name="Secret Draft Bakery", live=False),
        ]
    )
    draft.save_revision()

    response = admin_client.get(reverse("wagtailadmin_pages:view_draft", args=[draft.pk]))

    html = response.content.decode()
    assert "<h1>Draft article</h1>" in html
    assert "Open Bakery" in html
    assert "Secret Draft Bakery" not in html


def test_an_event_preview_does_not_name_a_draft_organiser(superuser):
    organiser = factories.SupportOrganisationFactory(name="Hidden Incubator", live=False)
    event = factories.EventFactory(title="Partner meeting", organiser_organisation=organiser)
    request = RequestFactory().get("/")
    request.user = superuser

    response = event.serve_preview(request, "")
    html = response.render().content.decode()

    assert "Partner meeting" in html
    assert "Hidden Incubator" not in html


def test_an_event_preview_names_a_public_organiser(superuser):
    organiser = factories.SupportOrganisationFactory(name="Open Incubator")
    event = factories.EventFactory(title="Partner meeting", organiser_organisation=organiser)
    request = RequestFactory().get("/")
    request.user = superuser

    html = event.serve_preview(request, "").render().content.decode()

    assert "Open Incubator" in html
