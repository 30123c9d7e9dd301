"""Sending one attempt, and scheduling the next when it fails.

An attempt succeeds on any 2xx answer. Anything else (another status, a refused connection, a
timeout after WEBHOOKS_TIMEOUT seconds) is logged on the attempt's row and, while attempts
remain, the next attempt is written as a new row due after RETRY_DELAYS and enqueued with
`run_after`. A backend that cannot defer (the immediate one of tests and `make run`) leaves the
row due: `manage.py send_due_webhooks` sends every due attempt.

Redirects are not followed (a redirect could point at a private address), and the connection
goes to the address `check_url` has just approved, never to a second DNS answer.
"""

import http.client
import json
import logging
import socket
import time
import uuid
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from django_tasks import task

from . import signing
from .addresses import check_url
from .models import WebhookDelivery

logger = logging.getLogger(__name__)

# Seconds to wait before the second, third, ... attempt: six attempts over about seven hours.
RETRY_DELAYS = [30, 2 * 60, 10 * 60, 60 * 60, 6 * 60 * 60]
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
USER_AGENT = "SESN-CMS-Webhooks/1"
ERROR_BODY_CHARS = 300

Status = WebhookDelivery.Status


def new_message_id():
    return f"msg_{uuid.uuid4().hex}"


TOP_KEYS = ["type", "timestamp", "data"]
DATA_KEYS = ["model", "key", "locale", "slug", "path", "locales"]


def _in_order(mapping, keys):
    return {
        **{key: mapping[key] for key in keys if key in mapping},
        **{key: value for key, value in mapping.items() if key not in keys},
    }


def body_of(payload):
    """The bytes sent: keys in the documented order, whatever order the database kept
    (PostgreSQL's jsonb sorts them by length)."""
    ordered = _in_order(payload, TOP_KEYS)
    if isinstance(ordered.get("data"), dict):
        ordered["data"] = _in_order(ordered["data"], DATA_KEYS)
    return json.dumps(ordered, ensure_ascii=False, separators=(",", ":")).encode()


def enqueue(delivery):
    """Hand an attempt to the worker, now or at its due time. Call after its row is committed
    (or inside the transaction with the database backend, which commits both together)."""
    if delivery.due_at <= timezone.now():
        deliver.enqueue(delivery.pk)
    elif deliver.get_backend().supports_defer:
        deliver.using(run_after=delivery.due_at).enqueue(delivery.pk)
    # else: left due for `send_due_webhooks`.


def schedule(endpoint, payload, message_id=None):
    """Write the first attempt of one message to one endpoint and enqueue it."""
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint,
        message_id=message_id or new_message_id(),
        event_type=payload["type"],
        payload=payload,
        due_at=timezone.now(),
    )
    enqueue(delivery)
    return delivery


@task()
def deliver(delivery_id):
    """Send one attempt. A worker that runs the same task twice sends it once: only a pending
    row is sent, and it is claimed under a row lock."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update()
            .select_related("endpoint")
            .filter(pk=delivery_id, status=Status.PENDING)
            .first()
        )
        if delivery is None:
            return None
        attempt(delivery)
    if delivery.status == Status.FAILED:
        enqueue(delivery.next_attempt)
    return delivery.status


def attempt(delivery):
    endpoint = delivery.endpoint
    delivery.sent_at = timezone.now()
    if not endpoint.active:
        return finish(delivery, Status.GAVE_UP, error="The endpoint is inactive: not sent.")
    try:
        addresses = check_url(endpoint.url)
    except ValidationError as error:
        retry = error.code == "unresolvable"
        return fail(delivery, " ".join(error.messages), retry=retry)
    body = body_of(delivery.payload)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        **signing.headers(endpoint.secret, delivery.message_id, time.time(), body),
    }
    started = time.monotonic()
    try:
        status, text = post(endpoint.url, addresses, body, headers)
    except TimeoutError:
        error = f"No answer within {settings.WEBHOOKS_TIMEOUT:g} s."
        return fail(delivery, error, started=started)
    except (OSError, http.client.HTTPException) as exc:
        return fail(delivery, f"{type(exc).__name__}: {exc}", started=started)
    delivery.status_code = status
    if 200 <= status < 300:
        return finish(delivery, Status.SUCCEEDED, started=started)
    return fail(delivery, f"HTTP {status}: {text}".strip(), started=started)


def post(url, addresses, body, headers):
    """POST `body` to `url`, connected to the first of `addresses` that answers (the Host
    header and the TLS server name stay the URL's)."""
    parts = urlsplit(url)
    https = parts.scheme == "https"
    connection_class = http.client.HTTPSConnection if https else http.client.HTTPConnection
    connection = connection_class(parts.hostname, parts.port, timeout=settings.WEBHOOKS_TIMEOUT)
    port = parts.port or (443 if https else 80)

    def connect_to_checked_address(_address, timeout, source_address=None):
        for address in addresses[:-1]:
            try:
                return socket.create_connection((address, port), timeout, source_address)
            except OSError:
                continue
        return socket.create_connection((addresses[-1], port), timeout, source_address)

    connection._create_connection = connect_to_checked_address
    target = parts.path or "/"
    if parts.query:
        target += f"?{parts.query}"
    try:
        connection.request("POST", target, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read(ERROR_BODY_CHARS).decode(errors="replace")
        return response.status, text
    finally:
        connection.close()


def finish(delivery, status, error="", started=None):
    delivery.status = status
    delivery.error = error
    if started is not None:
        delivery.duration_ms = round((time.monotonic() - started) * 1000)
    delivery.save()
    return delivery


def fail(delivery, error, retry=True, started=None):
    if not retry or delivery.attempt >= MAX_ATTEMPTS:
        return finish(delivery, Status.GAVE_UP, error, started)
    due = timezone.now() + timedelta(seconds=RETRY_DELAYS[delivery.attempt - 1])
    delivery.next_retry_at = due
    finish(delivery, Status.FAILED, error, started)
    delivery.next_attempt = WebhookDelivery.objects.create(
        endpoint=delivery.endpoint,
        message_id=delivery.message_id,
        event_type=delivery.event_type,
        payload=delivery.payload,
        attempt=delivery.attempt + 1,
        due_at=due,
    )
    logger.info(
        "Webhook %s to %s failed (%s); attempt %s due at %s",
        delivery.message_id,
        delivery.endpoint.url,
        error,
        delivery.attempt + 1,
        due.isoformat(),
    )
    return delivery
