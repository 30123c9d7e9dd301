"""Publish webhooks: a real HTTP receiver on loopback gets each event signed as the Standard
Webhooks specification says, after the change commits, with retries and a log of attempts."""

import io
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from wagtail.models import Page

import pytest
from django_tasks import default_task_backend
from standardwebhooks import Webhook

from cms.webhooks import delivery as delivery_module
from cms.webhooks.addresses import check_url, is_public
from cms.webhooks.delivery import MAX_ATTEMPTS, RETRY_DELAYS, deliver
from cms.webhooks.events import locale_path
from cms.webhooks.models import EVENT_TYPES, WebhookDelivery, WebhookEndpoint, generate_secret
from cms.webhooks.signing import sign
from directory import models as directory
from pages.schema import locale_path as api_locale_path
from tests import factories

pytestmark = pytest.mark.django_db

DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
Status = WebhookDelivery.Status


class Receiver:
    """A webhook receiver: answers each POST with the next planned status (200 when none is
    left); "hang" keeps the answer back until the test releases it."""

    def __init__(self):
        self.requests = []
        self.plan = []
        self.release = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "body": body}
                )
                status = receiver.plan.pop(0) if receiver.plan else 200
                if status == "hang":
                    receiver.release.wait(10)
                    status = 200
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"received" if status < 300 else b"receiver is broken")

            def log_message(self, *args):
                pass

        for port in range(8200, 8300):
            try:
                self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
                break
            except OSError:
                continue
        else:
            raise RuntimeError("No free port in 8200-8299")
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/sesn"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def events(self, endpoint):
        """Each request's body, after verifying its signature with the Standard Webhooks
        library (not our code)."""
        verifier = Webhook(endpoint.secret)
        return [verifier.verify(r["body"], r["headers"]) for r in self.requests]

    def stop(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.stop()


@pytest.fixture
def endpoint(receiver):
    return WebhookEndpoint.objects.create(
        url=receiver.url, event_types=[code for code, _label in EVENT_TYPES]
    )


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run the block as a request would: what waits for the commit runs at its end."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


def events_of(receiver, endpoint, event_type):
    return [event for event in receiver.events(endpoint) if event["type"] == event_type]


# Signing ------------------------------------------------------------------------------------


def test_signature_matches_the_standard_webhooks_test_vector():
    # The specification's published example (secret, id, timestamp, body -> signature).
    signature = sign(
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "msg_p5jXN8AQM9LWM0D4loKWxJek",
        1614265330,
        b'{"test": 2432232314}',
    )
    assert signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_generated_secrets_are_whsec_base64_and_differ():
    first, second = generate_secret(), generate_secret()
    assert first.startswith("whsec_") and first != second
    WebhookEndpoint(secret=first).clean_fields(exclude=["url", "event_types"])


def test_event_path_is_the_apis_path():
    page = factories.article(title="Impact report")
    assert locale_path(page) == api_locale_path(page) == "/library/impact-report/"


# Publish, unpublish, delete -------------------------------------------------------------------


def test_publishing_a_page_delivers_a_signed_event(receiver, endpoint, committed):
    with committed():
        page = factories.article(title="Impact report")

    (event,) = [
        e
        for e in events_of(receiver, endpoint, "page.published")
        if e["data"]["path"] != "/library/"
    ]
    assert event["data"] == {
        "model": "pages.ArticlePage",
        "key": str(page.translation_key),
        "locale": "en",
        "path": "/library/impact-report/",
        # No translation: every locale falls back to the English page.
        "locales": ["en", "da", "de", "et", "fi", "lt", "lv", "nb", "pl", "sv"],
    }
    request = receiver.requests[-1]
    assert request["body"].startswith(b'{"type":"page.published","timestamp":')
    assert b'"data":{"model":"pages.ArticlePage","key":' in request["body"]
    assert request["path"] == "/hooks/sesn"
    assert request["headers"]["Content-Type"] == "application/json"
    assert request["headers"]["webhook-id"].startswith("msg_")
    row = WebhookDelivery.objects.get(message_id=request["headers"]["webhook-id"])
    assert (row.status, row.status_code, row.attempt) == (Status.SUCCEEDED, 200, 1)
    assert row.duration_ms is not None


def test_publishing_an_entry_names_the_locales_that_fall_back_to_it(receiver, endpoint, committed):
    enterprise = factories.SocialEnterpriseFactory(slug="rower", live=False)
    factories.translate_record(enterprise, "da", name="Cykel")
    receiver.requests.clear()

    with committed():
        enterprise.save_revision().publish()

    (event,) = events_of(receiver, endpoint, "entry.published")
    assert event["data"]["model"] == "directory.SocialEnterprise"
    assert event["data"]["key"] == str(enterprise.translation_key)
    assert event["data"]["slug"] == "rower"
    assert event["data"]["locale"] == "en"
    # Danish has its own published translation: its answers did not change.
    assert "da" not in event["data"]["locales"]
    assert {"en", "de", "sv"} <= set(event["data"]["locales"])


def test_a_translation_changes_only_its_own_locale(receiver, endpoint, committed):
    enterprise = factories.SocialEnterpriseFactory()
    with committed():
        translation = factories.translate_record(enterprise, "de", name="Fahrrad")

    (event,) = events_of(receiver, endpoint, "entry.published")
    assert event["data"]["locale"] == "de"
    assert event["data"]["locales"] == ["de"]
    assert event["data"]["key"] == str(translation.translation_key)


def test_unpublish_and_delete_of_a_page_are_events(receiver, endpoint, committed):
    page = factories.article(title="Impact report")
    receiver.requests.clear()
    with committed():
        page.unpublish()
    with committed():
        page.save_revision().publish()
    with committed():
        Page.objects.get(pk=page.pk).delete()

    types = [e["type"] for e in receiver.events(endpoint)]
    assert types == ["page.unpublished", "page.published", "page.deleted"]
    deleted = receiver.events(endpoint)[-1]["data"]
    assert deleted["path"] == "/library/impact-report/"
    assert deleted["model"] == "pages.ArticlePage"


def test_unpublish_and_delete_of_entries_and_events_are_events(receiver, endpoint, committed):
    organisation = factories.SupportOrganisationFactory(slug="hub")
    event = factories.EventFactory(slug="summit")
    with committed():
        organisation.save_revision().publish()
        event.save_revision().publish()
    with committed():
        organisation.unpublish()
        event.unpublish()
    with committed():
        event.save_revision().publish()
        directory.Event.objects.get(pk=event.pk).delete()
        organisation.delete()  # not live: no answer changes, nothing is sent

    seen = [(e["type"], e["data"]["slug"]) for e in receiver.events(endpoint)]
    assert seen == [
        ("entry.published", "hub"),
        ("event.published", "summit"),
        ("entry.unpublished", "hub"),
        ("event.unpublished", "summit"),
        ("event.published", "summit"),
        ("event.deleted", "summit"),
    ]


def test_saving_and_deleting_a_term_are_events(receiver, endpoint, committed):
    with committed():
        term = directory.Topic.objects.create(
            name="Webhook topic", slug="webhook-topic", locale=factories.english()
        )
    with committed():
        term.delete()

    assert [(e["type"], e["data"]["slug"]) for e in receiver.events(endpoint)] == [
        ("term.published", "webhook-topic"),
        ("term.deleted", "webhook-topic"),
    ]
    assert receiver.events(endpoint)[0]["data"]["model"] == "directory.Topic"


# Filters ------------------------------------------------------------------------------------


def test_endpoint_receives_only_its_event_types(receiver, committed):
    events_only = WebhookEndpoint.objects.create(url=receiver.url, event_types=["event.published"])
    with committed():
        factories.article(title="Impact report")
        event = factories.EventFactory(live=False)
        event.save_revision().publish()

    assert [e["type"] for e in receiver.events(events_only)] == ["event.published"]


def test_endpoint_receives_only_events_that_change_its_locales(receiver, committed):
    german = WebhookEndpoint.objects.create(
        url=receiver.url, event_types=["entry.published"], locales=["de"]
    )
    inactive = WebhookEndpoint.objects.create(
        url=receiver.url, event_types=["entry.published"], active=False
    )
    translated = factories.SocialEnterpriseFactory(slug="translated")
    factories.translate_record(translated, "de", name="Übersetzt")
    untranslated = factories.SocialEnterpriseFactory(slug="untranslated")
    receiver.requests.clear()

    with committed():
        translated.save_revision().publish()  # German readers see their own translation
        untranslated.save_revision().publish()  # German readers see this English row
        factories.translate_record(factories.SocialEnterpriseFactory(), "sv")  # Swedish only

    assert [e["data"]["slug"] for e in receiver.events(german)] == ["untranslated"]
    assert not inactive.deliveries.exists()


# Off the request path -------------------------------------------------------------------------


@override_settings(TASKS=DUMMY_TASKS)
def test_publish_only_enqueues_the_delivery(receiver, endpoint, committed):
    default_task_backend.clear()
    with committed():
        enterprise = factories.SocialEnterpriseFactory(live=False)
        enterprise.save_revision().publish()

    assert receiver.requests == []
    row = WebhookDelivery.objects.get()
    assert row.status == Status.PENDING
    (result,) = deliveries_enqueued()
    assert result.args == [row.pk]

    result.task.call(*result.args)
    assert [e["type"] for e in receiver.events(endpoint)] == ["entry.published"]


def test_nothing_is_sent_when_the_transaction_rolls_back(receiver, endpoint, committed):
    enterprise = factories.SocialEnterpriseFactory(live=False)
    with committed(), pytest.raises(RuntimeError), transaction.atomic():
        enterprise.save_revision().publish()
        raise RuntimeError("the publish failed after all")

    assert receiver.requests == []
    assert not WebhookDelivery.objects.exists()


# Retries ------------------------------------------------------------------------------------


def deliveries_enqueued():
    """The delivery tasks the dummy backend holds (Wagtail enqueues its own tasks too)."""
    return [r for r in default_task_backend.results if r.task.func is deliver.func]


def run_enqueued():
    """Run the delivery tasks the dummy backend holds, oldest first, as a worker would."""
    results = deliveries_enqueued()
    default_task_backend.clear()
    for result in results:
        result.task.call(*result.args, **result.kwargs)
    return results


@override_settings(TASKS=DUMMY_TASKS)
def test_a_failed_attempt_is_retried_with_backoff_until_it_succeeds(receiver, endpoint, committed):
    default_task_backend.clear()
    receiver.plan = [500, 503]
    with committed():
        factories.EventFactory(live=False).save_revision().publish()

    run_enqueued()  # attempt 1: 500
    (retry,) = run_enqueued()  # attempt 2: 503
    assert retry.task.run_after is not None
    run_enqueued()  # attempt 3: 200

    attempts = list(WebhookDelivery.objects.order_by("attempt"))
    assert [(a.attempt, a.status, a.status_code) for a in attempts] == [
        (1, Status.FAILED, 500),
        (2, Status.FAILED, 503),
        (3, Status.SUCCEEDED, 200),
    ]
    assert "receiver is broken" in attempts[0].error
    for failed, following, delay in zip(attempts, attempts[1:], RETRY_DELAYS, strict=False):
        assert failed.next_retry_at == following.due_at
        assert abs((following.due_at - failed.sent_at).total_seconds() - delay) < 5
    # One message: the same webhook-id on every attempt, each signed afresh.
    assert len({r["headers"]["webhook-id"] for r in receiver.requests}) == 1
    assert len(receiver.events(endpoint)) == 3


@override_settings(TASKS=DUMMY_TASKS)
def test_a_timeout_is_a_failure_and_is_retried(receiver, endpoint, committed, settings):
    settings.WEBHOOKS_TIMEOUT = 0.3
    default_task_backend.clear()
    receiver.plan = ["hang"]
    with committed():
        factories.EventFactory(live=False).save_revision().publish()

    run_enqueued()
    receiver.release.set()

    first, second = WebhookDelivery.objects.order_by("attempt")
    assert first.status == Status.FAILED
    assert first.status_code is None
    assert "No answer within 0.3 s" in first.error
    assert second.status == Status.PENDING
    assert second.due_at == first.next_retry_at
    (retry,) = deliveries_enqueued()
    assert retry.task.run_after == second.due_at


def test_the_last_attempt_gives_up(receiver, endpoint):
    receiver.plan = [500]
    row = WebhookDelivery.objects.create(
        endpoint=endpoint,
        message_id="msg_last",
        event_type="entry.published",
        payload={"type": "entry.published", "timestamp": "t", "data": {}},
        attempt=MAX_ATTEMPTS,
        due_at=endpoint.created_at,
    )
    deliver.call(row.pk)

    row.refresh_from_db()
    assert row.status == Status.GAVE_UP
    assert row.next_retry_at is None
    assert WebhookDelivery.objects.count() == 1


def test_a_delivery_is_sent_once_even_if_its_task_runs_twice(receiver, endpoint, committed):
    with committed():
        factories.EventFactory(live=False).save_revision().publish()
    row = WebhookDelivery.objects.get()
    assert deliver.call(row.pk) is None
    assert len(receiver.requests) == 1


def test_immediate_backend_leaves_a_retry_due_for_send_due_webhooks(receiver, endpoint, committed):
    receiver.plan = [500]
    with committed():
        factories.EventFactory(live=False).save_revision().publish()
    retry = WebhookDelivery.objects.get(attempt=2)
    assert retry.status == Status.PENDING

    call_command("send_due_webhooks", stdout=io.StringIO())  # not yet due
    retry.refresh_from_db()
    assert retry.status == Status.PENDING
    WebhookDelivery.objects.filter(pk=retry.pk).update(due_at=retry.created_at - timedelta(1))
    call_command("send_due_webhooks", stdout=io.StringIO())
    retry.refresh_from_db()
    assert retry.status == Status.SUCCEEDED
    assert len(receiver.requests) == 2


# Addresses ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8200/hook",
        "http://localhost/hook",
        "http://10.1.2.3/hook",
        "http://192.168.0.10/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://0.0.0.0/hook",
    ],
)
def test_private_addresses_are_refused_at_save_time(url, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = False
    endpoint = WebhookEndpoint(url=url, event_types=["page.published"])
    with pytest.raises(ValidationError, match="only sent to public addresses"):
        endpoint.full_clean()


@pytest.mark.parametrize("url", ["ftp://example.com/hook", "file:///etc/passwd"])
def test_only_http_and_https_are_accepted(url):
    with pytest.raises(ValidationError):
        check_url(url)


def test_public_addresses_are_public():
    assert is_public("93.184.215.14") and is_public("2606:2800:21f:cb07:6820:80da:af6b:8b2c")
    assert not is_public("::ffff:10.0.0.1") and not is_public("fe80::1%eth0")


def test_an_address_that_turned_private_is_refused_at_send_time(
    receiver, endpoint, committed, settings
):
    """Saved while allowed; resolving privately when sent (as after DNS rebinding)."""
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = False
    with committed():
        factories.EventFactory(live=False).save_revision().publish()

    assert receiver.requests == []
    row = WebhookDelivery.objects.get()
    assert row.status == Status.GAVE_UP
    assert "only sent to public addresses" in row.error


def test_the_connection_goes_to_the_checked_address(receiver, endpoint, monkeypatch):
    """The host name is resolved once, checked, and that address is connected to."""
    resolved = []
    real = delivery_module.check_url

    def check(url):
        resolved.append(url)
        return real(url)

    monkeypatch.setattr(delivery_module, "check_url", check)
    endpoint.url = receiver.url.replace("127.0.0.1", "localhost")
    endpoint.save()
    row = delivery_module.schedule(
        endpoint, {"type": "webhook.test", "timestamp": "t", "data": {}}
    )
    row.refresh_from_db()
    assert row.status == Status.SUCCEEDED
    assert resolved == [endpoint.url]
    assert receiver.requests[0]["headers"]["Host"].startswith("localhost:")


# Admin --------------------------------------------------------------------------------------


def test_admin_creates_an_endpoint_with_a_generated_secret(admin_client, receiver):
    add_url = reverse("webhook_endpoints:add")
    page = admin_client.get(add_url)
    assert page.status_code == 200
    assert "whsec_" in page.content.decode()
    secret = generate_secret()

    response = admin_client.post(
        add_url,
        {
            "url": receiver.url,
            "description": "Next.js frontend",
            "active": "on",
            "event_types": ["page.published", "entry.published"],
            "locales": ["da", "sv"],
            "secret": secret,
        },
    )

    assert response.status_code == 302, response.context["form"].errors
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.event_types == ["page.published", "entry.published"]
    assert endpoint.locales == ["da", "sv"]
    assert endpoint.secret == secret
    edit = admin_client.get(reverse("webhook_endpoints:edit", args=[endpoint.pk]))
    assert secret in edit.content.decode()  # shown to the administrator
    assert admin_client.get(reverse("webhook_endpoints:index")).status_code == 200


def test_admin_refuses_a_private_url_and_a_bad_secret(admin_client, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = False
    response = admin_client.post(
        reverse("webhook_endpoints:add"),
        {
            "url": "http://127.0.0.1/hook",
            "event_types": ["page.published"],
            "secret": "not-a-secret",
            "active": "on",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "url" in errors and "secret" in errors
    assert not WebhookEndpoint.objects.exists()


def test_admin_send_test_event_and_see_its_delivery(admin_client, receiver, endpoint, committed):
    send_url = reverse("webhook_endpoints:send_test", args=[endpoint.pk])
    assert admin_client.get(send_url).status_code == 200
    with committed():
        response = admin_client.post(send_url)
    assert response.status_code == 302

    (event,) = receiver.events(endpoint)
    assert event["type"] == "webhook.test"
    row = WebhookDelivery.objects.get()
    assert row.status == Status.SUCCEEDED
    listing = admin_client.get(reverse("webhook_deliveries:index"), {"endpoint": endpoint.pk})
    assert listing.status_code == 200
    assert "webhook.test" in listing.content.decode()
    inspect = admin_client.get(reverse("webhook_deliveries:inspect", args=[row.pk]))
    assert inspect.status_code == 200
    assert row.message_id in inspect.content.decode()
    # A log: no add or edit.
    assert admin_client.get("/admin/webhooks/deliveries/new/").status_code in {302, 403}


def test_editors_cannot_see_webhooks(client, user_in_group, endpoint):
    client.force_login(user_in_group("Editors"))
    for url in [
        reverse("webhook_endpoints:index"),
        reverse("webhook_endpoints:edit", args=[endpoint.pk]),
        reverse("webhook_endpoints:send_test", args=[endpoint.pk]),
        reverse("webhook_deliveries:index"),
    ]:
        response = client.get(url)
        assert response.status_code in {302, 403}, url


def test_an_import_that_publishes_sends_one_event_per_record(
    receiver, endpoint, committed, tmp_path
):
    path = tmp_path / "enterprises.csv"
    path.write_text(
        "external_id,name,country,summary\n"
        "imp-1,Imported one,DK,Made by an import.\n"
        "imp-2,Imported two,PL,Made by an import.\n"
    )
    with committed():
        call_command("import_directory", str(path), type="enterprises", verbosity=0)
    assert events_of(receiver, endpoint, "entry.published") == []  # drafts: nothing public

    path.write_text(path.read_text().replace("Made by", "Published by"))
    with committed():
        call_command("import_directory", str(path), type="enterprises", publish=True, verbosity=0)
    events = events_of(receiver, endpoint, "entry.published")
    assert sorted(event["data"]["slug"] for event in events) == ["imported-one", "imported-two"]
    assert all(event["data"]["model"] == "directory.SocialEnterprise" for event in events)
