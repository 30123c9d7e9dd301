"""`contactEntry`: a visitor writes to a listed entry through the platform.

The message is logged and relayed by e-mail to the entry's private contact with the visitor as
Reply-To; the private address appears in no answer and no error. Hidden entries, entries
without a private contact and entries whose contact opted out are field errors on `entry`.
The honeypot looks like success and sends nothing; past GRAPHQL_CONTACTS_PER_HOUR a client
address is refused. Every relayed e-mail carries a signed opt-out link (also as RFC 8058
headers) that stops further messages.
"""

import datetime
import json
import re
import time
from unittest import mock

from django.core import mail
from django.db import transaction

import pytest

from directory import models
from tests import factories

pytestmark = pytest.mark.django_db

CONTACT = """
mutation($input: ContactEntryInput!) {
  contactEntry(input: $input) { ok reference errors { field message } }
}
"""

PRIVATE = "hidden.person@entry.example"
MESSAGE = {
    "name": "Kari Nordmann",
    "email": "kari@visitor.example",
    "message": "Hello!\n\nWe would like to partner with you on a repair café.",
}


def post(client, variables, **headers):
    response = client.post(
        "/graphql/",
        data=json.dumps({"query": CONTACT, "variables": variables}),
        content_type="application/json",
        **headers,
    )
    assert response.status_code in (200, 400), response.content
    return response


def contact(client, entry, **changes):
    response = post(client, {"input": {"entry": entry, **MESSAGE, **changes}})
    assert PRIVATE not in response.content.decode()
    body = response.json()
    assert "errors" not in body, body
    return body["data"]["contactEntry"]


@pytest.fixture(autouse=True)
def after_commit_at_once(monkeypatch):
    """The test's transaction never commits: run what waits for the commit at once."""
    monkeypatch.setattr(
        transaction, "on_commit", lambda callback, using=None, robust=False: callback()
    )


def errors_of(result):
    return {error["field"]: error["message"] for error in result["errors"]}


@pytest.fixture
def entry(db):
    return factories.SocialEnterpriseFactory(
        slug="repair-cafe",
        name="Repair Café",
        contact_name="Hidden Person",
        contact_email=PRIVATE,
        languages=["da"],
    )


def opt_out_link(message):
    return re.search(r"https?://\S+/contact/opt-out/\S+/", message.body).group(0)


def local(url):
    return re.sub(r"^https?://[^/]+", "", url)


def test_message_is_relayed_to_the_private_contact_with_the_visitor_as_reply_to(client, entry):
    result = contact(client, "repair-cafe")

    assert result["ok"] is True and result["errors"] == []
    [message] = mail.outbox
    assert message.to == [PRIVATE]
    assert message.reply_to == ["Kari Nordmann <kari@visitor.example>"]
    assert "We would like to partner with you on a repair café." in message.body
    assert result["reference"] in message.body
    # The entry's working language is Danish: it reads the relay in Danish.
    assert "Besked fra Kari Nordmann" in message.subject
    logged = models.ContactMessage.objects.get(reference=result["reference"])
    assert logged.enterprise == entry
    assert (logged.sender_email, logged.status) == ("kari@visitor.example", "sent")
    assert logged.sent_at is not None
    assert PRIVATE not in json.dumps(
        [logged.entry_name, logged.sender_name, logged.sender_email, logged.message]
    )


def test_support_organisations_can_be_written_to(client):
    organisation = factories.SupportOrganisationFactory(slug="incubator", contact_email=PRIVATE)

    result = contact(client, "incubator")

    assert result["ok"] is True
    assert mail.outbox[0].to == [PRIVATE]
    assert models.ContactMessage.objects.get().organisation == organisation


def test_hidden_and_unknown_entries_are_a_field_error_on_entry(client, entry):
    draft = factories.SocialEnterpriseFactory(slug="draft-one", live=False, contact_email=PRIVATE)
    expired = factories.SocialEnterpriseFactory(
        slug="expired-one",
        contact_email=PRIVATE,
        expire_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC),
    )

    for slug in [draft.slug, expired.slug, "nobody-has-this"]:
        result = contact(client, slug)
        assert result["ok"] is False and result["reference"] is None
        assert "has the slug" in errors_of(result)["entry"]

    assert mail.outbox == [] and not models.ContactMessage.objects.exists()


def test_an_entry_without_a_private_contact_says_so(client):
    factories.SocialEnterpriseFactory(slug="no-contact", contact_email="")

    result = contact(client, "no-contact")

    assert errors_of(result) == {
        "entry": "This entry has no contact address for messages: use its website instead."
    }


def test_field_errors_per_field_in_the_requested_locale(client, entry, settings):
    settings.CONTACT_MESSAGE_MAX_CHARS = 20

    result = contact(client, "repair-cafe", name=" ", email="not-an-address", locale="de")
    assert errors_of(result) == {
        "name": "Dieses Feld ist zwingend erforderlich.",
        "email": "Bitte gültige E-Mail-Adresse eingeben.",
        "message": "Höchstens 20 Zeichen; hier sind es 59.",
    }
    assert errors_of(contact(client, "repair-cafe", message="")) == {
        "message": "This field is required."
    }
    assert mail.outbox == []


def test_honeypot_looks_like_success_and_sends_nothing(client, entry):
    result = contact(client, "repair-cafe", website="https://spam.example")

    assert result["ok"] is True and result["reference"]
    assert mail.outbox == [] and not models.ContactMessage.objects.exists()


def test_rate_limit_per_client_address_in_the_shared_cache(client, entry, settings):
    settings.GRAPHQL_CONTACTS_PER_HOUR = 2
    for _ in range(2):
        assert contact(client, "repair-cafe")["ok"]

    refused = post(client, {"input": {"entry": "repair-cafe", **MESSAGE}}).json()
    assert refused["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    other = post(client, {"input": {"entry": "repair-cafe", **MESSAGE}}, REMOTE_ADDR="10.9.9.9")
    assert other.json()["data"]["contactEntry"]["ok"] is True
    assert len(mail.outbox) == 3


def test_the_opt_out_link_asks_then_stops_messages(client, entry):
    contact(client, "repair-cafe")
    message = mail.outbox[0]
    url = opt_out_link(message)
    assert message.extra_headers["List-Unsubscribe"] == f"<{url}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    page = client.get(local(url))
    assert page.status_code == 200 and b'method="post"' in page.content
    entry.refresh_from_db()
    assert entry.accepts_contact is True  # a GET (a mail scanner) changes nothing

    done = client.post(local(url))
    assert done.status_code == 200
    entry.refresh_from_db()
    assert entry.accepts_contact is False
    assert entry.latest_revision is None or entry.latest_revision.content.get(
        "accepts_contact"
    ) in (None, False)
    result = contact(client, "repair-cafe")
    assert errors_of(result) == {
        "entry": "This entry does not accept messages through the directory."
    }
    assert len(mail.outbox) == 1


def test_opt_out_by_one_click_post_and_in_every_translation(client, entry):
    translation = factories.translate_record(entry, "de", name="Reparaturcafé")
    contact(client, "repair-cafe")
    url = opt_out_link(mail.outbox[0])

    response = client.post(local(url), {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 204 and response.content == b""
    translation.refresh_from_db()
    assert translation.accepts_contact is False


def test_opt_out_survives_the_editors_next_publish(client, entry):
    revision = entry.save_revision()
    revision.publish()
    contact(client, "repair-cafe")
    client.post(local(opt_out_link(mail.outbox[0])))

    entry.refresh_from_db()
    entry.latest_revision.as_object().save_revision().publish()

    entry.refresh_from_db()
    assert entry.accepts_contact is False


def test_contactable_tells_a_frontend_whether_to_show_the_form(gql, entry):
    factories.SocialEnterpriseFactory(slug="no-contact", contact_email="")
    query = "{ enterprises { items { slug contactable } } }"

    items = gql(query)["data"]["enterprises"]["items"]

    assert {item["slug"]: item["contactable"] for item in items} == {
        "repair-cafe": True,
        "no-contact": False,
    }


@pytest.fixture
def gql(client):
    def run(query):
        response = client.post(
            "/graphql/", data=json.dumps({"query": query}), content_type="application/json"
        )
        return response.json()

    return run


def test_expired_and_forged_opt_out_links_change_nothing(client, entry, settings):
    contact(client, "repair-cafe")
    url = local(opt_out_link(mail.outbox[0]))
    later = time.time() + (settings.CONTACT_OPT_OUT_DAYS + 1) * 86400
    with mock.patch("django.core.signing.time.time", return_value=later):
        expired = client.post(url)
    forged = client.post(url.replace("/opt-out/", "/opt-out/x"))

    assert expired.status_code == 410
    assert forged.status_code == 400
    entry.refresh_from_db()
    assert entry.accepts_contact is True


def test_a_message_to_an_entry_hidden_before_sending_is_not_sent(client, entry):
    with mock.patch("directory.outreach.contact.transaction.on_commit") as later:
        result = contact(client, "repair-cafe")
    models.SocialEnterprise.objects.filter(pk=entry.pk).update(live=False)
    later.call_args.args[0]()

    assert mail.outbox == []
    assert models.ContactMessage.objects.get(reference=result["reference"]).status == "not_sent"


def test_mutations_are_never_cached(client, entry):
    response = post(client, {"input": {"entry": "repair-cafe", **MESSAGE}})
    assert "no-store" in response["Cache-Control"]
    post(client, {"input": {"entry": "repair-cafe", **MESSAGE}})
    assert len(mail.outbox) == 2
