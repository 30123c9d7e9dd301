"""`subscribe` and the alert digests.

An alert is inactive until its address confirms through the signed link of the confirmation
e-mail (a GET only asks, a POST confirms); the answer is the same whether or not the address
already had it. `send_alert_digests` (cron) sends each confirmed alert, at most weekly, the
items of its list first published since its last digest that match its saved filter, through
the same visibility rule and filters as the GraphQL lists, in the subscriber's locale. Every
e-mail carries a signed unsubscribe link and RFC 8058 headers; unsubscribing deletes the
address.
"""

import datetime
import io
import json
import re
import time
from unittest import mock

from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from wagtail.models import Page

import pytest

from directory import models
from pages.models import StandardPage
from tests import factories

pytestmark = pytest.mark.django_db

SUBSCRIBE = """
mutation($input: SubscribeInput!) { subscribe(input: $input) { ok errors { field message } } }
"""
ADDRESS = "reader@subscriber.example"
NOW = timezone.now()


@pytest.fixture(autouse=True)
def after_commit_at_once(monkeypatch):
    """The test's transaction never commits: run what waits for the commit at once."""
    monkeypatch.setattr(
        transaction, "on_commit", lambda callback, using=None, robust=False: callback()
    )


def post(client, input, **headers):
    response = client.post(
        "/graphql/",
        data=json.dumps({"query": SUBSCRIBE, "variables": {"input": input}}),
        content_type="application/json",
        **headers,
    )
    assert ADDRESS not in response.content.decode()
    return response.json()


def subscribe(client, **input):
    body = post(client, {"email": ADDRESS, "kind": "ENTERPRISES", **input})
    assert "errors" not in body, body
    return body["data"]["subscribe"]


def errors_of(result):
    return {error["field"]: error["message"] for error in result["errors"]}


def link(message, action):
    return re.search(rf"https?://[^/\s]+(/alerts/{action}/\S+/)", message.body).group(1)


def confirmed(client, **input):
    """Subscribe and confirm; the confirmation e-mail is taken out of the outbox."""
    subscribe(client, **input)
    client.post(link(mail.outbox.pop(), "confirm"))
    return models.AlertSubscription.objects.get(email=ADDRESS)


def published(factory, days_ago=1, **fields):
    record = factory(**fields)
    moment = NOW - datetime.timedelta(days=days_ago)
    type(record).objects.filter(pk=record.pk).update(first_published_at=moment)
    return record


def a_week_passed(subscription, days=8):
    models.AlertSubscription.objects.filter(pk=subscription.pk).update(
        last_digest_at=NOW - datetime.timedelta(days=days)
    )


def digests():
    call_command("send_alert_digests", stdout=io.StringIO())
    sent = list(mail.outbox)
    mail.outbox.clear()
    return sent


# Subscribing ------------------------------------------------------------------------------


def test_an_alert_waits_for_its_confirmation_link(client):
    result = subscribe(client, locale="de", filter={"enterprises": {"countries": ["DK"]}})

    assert result == {"ok": True, "errors": []}
    subscription = models.AlertSubscription.objects.get()
    assert (subscription.email, subscription.kind, subscription.locale) == (
        ADDRESS,
        "enterprises",
        "de",
    )
    assert subscription.filter == {"countries": ["DK"]} and not subscription.confirmed
    [message] = mail.outbox
    assert message.to == [ADDRESS]
    assert "countries: DK" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    url = link(message, "confirm")
    asked = client.get(url)
    assert asked.status_code == 200 and b'method="post"' in asked.content
    assert asked["Content-Language"] == "de" or b'lang="de"' in asked.content
    subscription.refresh_from_db()
    assert not subscription.confirmed  # a mail scanner's GET confirms nothing

    assert client.post(url).status_code == 200
    subscription.refresh_from_db()
    assert subscription.confirmed and subscription.last_digest_at is not None


def test_the_answer_is_the_same_whether_or_not_the_address_was_subscribed(client, settings):
    settings.ALERT_RESEND_MINUTES = 0
    first = post(client, {"email": ADDRESS, "kind": "EVENTS"})
    again = post(client, {"email": ADDRESS.upper(), "kind": "EVENTS"})
    client.post(link(mail.outbox[-1], "confirm"))
    confirmed_again = post(client, {"email": ADDRESS, "kind": "EVENTS"})

    assert first == again == confirmed_again == {"data": {"subscribe": {"ok": True, "errors": []}}}
    assert models.AlertSubscription.objects.count() == 1
    # Two confirmation e-mails for the unconfirmed alert, nothing once it is confirmed.
    assert len(mail.outbox) == 2


def test_an_unconfirmed_alert_asked_again_soon_gets_no_second_e_mail(client):
    subscribe(client)
    subscribe(client)

    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    "input, field, message",
    [
        ({"email": "not-an-address"}, "email", "Enter a valid email address."),
        ({"email": ""}, "email", "This field is required."),
        ({"kind": None}, "kind", "This field is required."),
        (
            {"filter": {"events": {"countries": ["DK"]}}},
            "filter",
            "This alert is on social enterprises: give filter.enterprises, not filter.events.",
        ),
        (
            {"filter": {"enterprises": {"sectors": ["ZZ"]}}},
            "filter",
            "Unknown sectors: ZZ.",
        ),
        (
            {"kind": "PAGES", "filter": {"pages": {"topic": "no-such-topic"}}},
            "filter",
            'Unknown topic "no-such-topic".',
        ),
    ],
)
def test_bad_input_is_a_field_error_and_stores_nothing(client, input, field, message):
    result = post(client, {"email": ADDRESS, "kind": "ENTERPRISES", **input})["data"]["subscribe"]

    assert result["ok"] is False
    assert errors_of(result) == {field: message}
    assert not models.AlertSubscription.objects.exists() and mail.outbox == []


@pytest.mark.parametrize("field, value", [("locale", "xx"), ("kind", "PEOPLE")])
def test_unknown_locales_and_kinds_are_refused_by_the_schema(client, field, value):
    body = post(client, {"email": ADDRESS, "kind": "EVENTS", field: value})

    assert body["errors"][0]["extensions"]["code"] in (
        "BAD_USER_INPUT",
        "GRAPHQL_VALIDATION_FAILED",
    )
    assert value in body["errors"][0]["message"]
    assert not models.AlertSubscription.objects.exists()


def test_honeypot_and_rate_limit(client, settings):
    settings.GRAPHQL_SUBSCRIPTIONS_PER_HOUR = 2
    assert subscribe(client, website="x")["ok"] is True
    assert not models.AlertSubscription.objects.exists() and mail.outbox == []

    subscribe(client)
    refused = post(client, {"email": ADDRESS, "kind": "ENTERPRISES"})
    assert refused["errors"][0]["extensions"]["code"] == "RATE_LIMITED"


# Links ------------------------------------------------------------------------------------


def test_one_click_unsubscribe_deletes_the_address_without_a_page(client):
    subscription = confirmed(client)
    url = f"/alerts/unsubscribe/{subscription.token}/"  # not signed: refused
    assert client.post(url, {"List-Unsubscribe": "One-Click"}).status_code == 400

    published(factories.SocialEnterpriseFactory, name="Fresh")
    a_week_passed(subscription)
    [digest] = digests()
    url = link(digest, "unsubscribe")
    assert digest.extra_headers["List-Unsubscribe"].endswith(f"{url}>")
    response = client.post(url, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 204 and response.content == b""
    assert not models.AlertSubscription.objects.exists()


def test_unsubscribe_link_asks_on_get_and_deletes_on_post(client):
    subscribe(client, locale="pl")
    url = link(mail.outbox[0], "unsubscribe")

    assert client.get(url).status_code == 200
    assert models.AlertSubscription.objects.exists()
    assert client.post(url).status_code == 200
    assert not models.AlertSubscription.objects.exists()
    # Again, once gone: still a calm answer.
    assert client.post(url).status_code == 200 and client.get(url).status_code == 200


def test_links_expire(client, settings):
    subscribe(client)
    message = mail.outbox[0]
    later = time.time() + (settings.ALERT_CONFIRM_DAYS + 1) * 86400
    with mock.patch("django.core.signing.time.time", return_value=later):
        expired = client.post(link(message, "confirm"))
        still_valid = client.get(link(message, "unsubscribe"))

    assert expired.status_code == 410
    assert still_valid.status_code == 200
    assert not models.AlertSubscription.objects.get().confirmed
    # A link made for one action never does another.
    token = link(message, "unsubscribe").split("/")[-2]
    assert client.post(f"/alerts/confirm/{token}/").status_code == 400


def test_unconfirmed_alerts_are_deleted_once_their_link_expired(client, settings):
    subscribe(client)
    models.AlertSubscription.objects.update(
        created_at=NOW - datetime.timedelta(days=settings.ALERT_CONFIRM_DAYS + 1)
    )

    digests()

    assert not models.AlertSubscription.objects.exists()


# Digests ----------------------------------------------------------------------------------


def test_digest_lists_new_matching_items_in_the_subscribers_locale(client):
    subscription = confirmed(client, locale="da", filter={"enterprises": {"countries": ["DK"]}})
    danish = published(factories.SocialEnterpriseFactory, name="Cykelværksted", country="DK")
    factories.translate_record(danish, "da", name="Cykelværkstedet (da)")
    published(factories.SocialEnterpriseFactory, name="Polish one", country="PL")
    published(factories.SocialEnterpriseFactory, name="Old one", country="DK", days_ago=30)
    published(factories.SocialEnterpriseFactory, name="Hidden", country="DK", live=False)
    a_week_passed(subscription)

    [digest] = digests()

    assert digest.to == [ADDRESS]
    assert "Cykelværkstedet (da)" in digest.body
    assert f"/da/enterprises/{danish.slug}/" in digest.body
    for absent in ["Polish one", "Old one", "Hidden"]:
        assert absent not in digest.body
    assert "countries: DK" in digest.body
    assert digest.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/alerts/unsubscribe/" in digest.body


def test_digests_come_at_most_weekly(client):
    subscription = confirmed(client)
    published(factories.SocialEnterpriseFactory, name="Within the first week", days_ago=0)
    assert digests() == []  # confirmed just now: not a week yet

    a_week_passed(subscription)
    assert len(digests()) == 1
    published(factories.SocialEnterpriseFactory, name="Right after", days_ago=0)
    assert digests() == []  # sent just now

    a_week_passed(subscription, days=6)
    assert digests() == []
    a_week_passed(subscription, days=7)
    assert ["Right after" in message.body for message in digests()] == [True]


def test_no_digest_without_news_and_the_window_stays_open(client):
    subscription = confirmed(client)
    a_week_passed(subscription, days=20)
    assert digests() == []

    published(factories.SocialEnterpriseFactory, name="Later news", days_ago=10)
    assert ["Later news" in message.body for message in digests()] == [True]


def test_a_new_translation_of_an_old_item_is_not_news(client):
    subscription = confirmed(client, locale="de")
    old = published(factories.SocialEnterpriseFactory, name="Old", days_ago=30)
    factories.translate_record(old, "de", name="Alt, neu übersetzt")
    a_week_passed(subscription)

    assert digests() == []


def test_events_digest_uses_the_events_filter_and_skips_events_already_over(client):
    subscription = confirmed(client, kind="EVENTS", filter={"events": {"formats": ["ONLINE"]}})
    published(factories.EventFactory, title="Online soon", format="online")
    published(factories.EventFactory, title="In person soon", format="in_person")
    published(
        factories.EventFactory,
        title="Online, over",
        format="online",
        start=NOW - datetime.timedelta(hours=5),
    )
    a_week_passed(subscription)

    [digest] = digests()

    assert "Online soon" in digest.body
    assert "In person soon" not in digest.body and "Online, over" not in digest.body


def test_pages_digest_by_page_type(client):
    subscription = confirmed(
        client, kind="PAGES", locale="en", filter={"pages": {"type": "ARTICLE"}}
    )
    library = factories.library()
    article = factories.article(parent=library, title="Fresh article")
    factories.add_page(
        library,
        StandardPage(title="Fresh standard page", slug="fresh-standard"),
    )
    Page.objects.filter(pk=article.pk).update(first_published_at=NOW - datetime.timedelta(1))
    a_week_passed(subscription)

    [digest] = digests()

    assert "Fresh article" in digest.body and "Fresh standard page" not in digest.body


def test_a_long_digest_says_how_many_more(client, settings):
    settings.ALERT_DIGEST_MAX_ITEMS = 2
    subscription = confirmed(client)
    for number in range(5):
        published(factories.SocialEnterpriseFactory, name=f"Many {number}")
    a_week_passed(subscription)

    [digest] = digests()

    assert digest.body.count("* Many") == 2
    assert "3" in digest.body.split("* Many")[-1]


# Privacy ----------------------------------------------------------------------------------


def test_subscriber_addresses_are_for_moderators_only(client, user_in_group):
    subscription = confirmed(client)
    moderator = factories.client_for(user_in_group("Moderators"))
    editor = factories.client_for(user_in_group("Editors"))
    index = "/admin/directory/alert-subscriptions/"

    assert ADDRESS in moderator.get(index).content.decode()
    assert editor.get(index).status_code in (302, 403)
    assert ADDRESS not in editor.get(index).content.decode()
    delete = moderator.post(f"{index}delete/{subscription.pk}/")
    assert delete.status_code == 302
    assert not models.AlertSubscription.objects.exists()
