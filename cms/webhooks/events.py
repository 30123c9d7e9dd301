"""Which changes become webhook events, and what their body says.

Publish, unpublish and delete of a page, a directory entry (enterprise, support organisation)
or an event, and save or delete of a vocabulary term (terms have no drafts: saving publishes),
through Wagtail's signals, so the admin's buttons, scheduled publishing (`publish_scheduled`)
and expiry all count. Deleting a row that was not live changes no answer and sends nothing.

The body, as shared/API.md documents it:

    {"type": "entry.published", "timestamp": "2026-05-01T10:00:00+00:00",
     "data": {"model": "directory.SocialEnterprise", "key": "<translation key>", "locale": "en",
              "slug": "rower", "locales": ["en", "da", ...]}}

Pages carry `path` (within their locale, as the API's `page(path:)` takes it) instead of
`slug`; a term's `slug` is its code. `locales` lists every locale whose answers changed: the
row's own, and for an English row also each locale without a public translation of it, which
the API answers with the English row (the fallback rule), so a frontend revalidates those too.

Nothing is sent here: the event is computed while the change is being saved, and after its
transaction commits one delivery per matching endpoint is written and enqueued (delivery.py).
A rolled-back change sends nothing.
"""

import functools
import threading

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete
from django.utils import timezone

from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, published, unpublished

from cms.visibility import visible_pages, visible_records
from directory.models import DirectoryEntry, Event, Vocabulary

from . import delivery
from .models import WebhookEndpoint

SOURCE_LANGUAGE = settings.LANGUAGE_CODE
# Pages being deleted in this thread: Wagtail unpublishes a live page before deleting it, and
# that is one `page.deleted`, not an unpublish as well.
_deleting = threading.local()


def kind_of(instance):
    if isinstance(instance, Page):
        return "page"
    if isinstance(instance, DirectoryEntry):
        return "entry"
    if isinstance(instance, Event):
        return "event"
    if isinstance(instance, Vocabulary):
        return "term"
    return None


def locale_path(page):
    """The page's path inside its locale's tree, as the API's `path` field gives it."""
    segments = page.url_path.strip("/").split("/")[1:]
    return "/" + "".join(f"{segment}/" for segment in segments)


def changed_locales(instance, model, language):
    """The row's locale and, for an English row, the locales that fall back to it."""
    if language != SOURCE_LANGUAGE:
        return [language]
    visible = visible_pages() if model is Page else visible_records(model)
    translated = set(
        visible.filter(translation_key=instance.translation_key).values_list(
            "locale__language_code", flat=True
        )
    )
    return [SOURCE_LANGUAGE] + [
        code
        for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES
        if code != SOURCE_LANGUAGE and code not in translated
    ]


def payload(event_type, instance, kind):
    language = instance.locale.language_code
    if kind == "page":
        model = instance.specific_class or type(instance)
        address = {"path": locale_path(instance)}
        locales = changed_locales(instance, Page, language)
    else:
        model = type(instance)
        code = instance.code if kind == "term" else instance.slug
        address = {"slug": str(code)}
        locales = changed_locales(instance, model, language)
    return {
        "type": event_type,
        "timestamp": timezone.now().isoformat(),
        "data": {
            "model": model._meta.label,
            "key": str(instance.translation_key),
            "locale": language,
            **address,
            "locales": locales,
        },
    }


def emit(action, instance):
    emit_many(action, [instance])


def emit_many(action, instances):
    """One event per instance (a bulk import publishes many rows at once, with no signal),
    the endpoints read once."""
    active = list(WebhookEndpoint.objects.filter(active=True))
    if not active:
        return
    for instance in instances:
        kind = kind_of(instance)
        if kind is None:
            continue
        event_type = f"{kind}.{action}"
        endpoints = [e for e in active if event_type in e.event_types]
        if not endpoints:
            continue
        body = payload(event_type, instance, kind)
        targets = [e.pk for e in endpoints if e.wants(event_type, body["data"]["locales"])]
        if targets:
            transaction.on_commit(functools.partial(fan_out, body, targets))


def fan_out(body, endpoint_ids):
    # With the database backend the rows and their tasks commit together.
    with transaction.atomic():
        for endpoint in WebhookEndpoint.objects.filter(pk__in=endpoint_ids, active=True):
            delivery.schedule(endpoint, body)


def send_test_event(endpoint):
    """The admin's "Send test event": one `webhook.test` message to this endpoint only."""
    body = {
        "type": "webhook.test",
        "timestamp": timezone.now().isoformat(),
        "data": {"endpoint": endpoint.pk, "message": "A test event from the SESN CMS."},
    }
    transaction.on_commit(lambda: fan_out(body, [endpoint.pk]))


# Signal receivers


def on_page_published(sender, instance, alias=False, **kwargs):
    # An alias is a copy updated along with its original (or English content shown in another
    # locale's tree): the original's event already covers it.
    if not alias and instance.depth > 1:
        emit("published", instance)


def on_page_unpublished(sender, instance, **kwargs):
    if instance.depth > 1 and instance.pk not in _pages_being_deleted():
        emit("unpublished", instance)


def _pages_being_deleted():
    if not hasattr(_deleting, "pages"):
        _deleting.pages = {}
    return _deleting.pages


def on_page_deleting(sender, instance, **kwargs):
    # Connected before Wagtail's own pre_delete receiver (this app comes first), which
    # unpublishes the page: remember whether it was live.
    _pages_being_deleted()[instance.pk] = instance.live


def on_published(sender, instance, **kwargs):
    if not isinstance(instance, Page):  # pages also send page_published
        emit("published", instance)


def on_unpublished(sender, instance, **kwargs):
    if not isinstance(instance, Page):
        emit("unpublished", instance)


def on_deleted(sender, instance, **kwargs):
    # A page's rows are deleted once per class of its inheritance chain: the base row is
    # deleted for every page, so it alone stands for the page.
    if sender is Page:
        was_live = _pages_being_deleted().pop(instance.pk, instance.live)
        if was_live and instance.depth > 1:
            emit("deleted", instance)
    elif isinstance(instance, Vocabulary) or (
        isinstance(instance, DirectoryEntry | Event) and instance.live
    ):
        emit("deleted", instance)


def on_term_saved(sender, instance, raw=False, **kwargs):
    if not raw and isinstance(instance, Vocabulary):
        emit("published", instance)


def connect():
    page_published.connect(on_page_published, dispatch_uid="webhooks.page_published")
    page_unpublished.connect(on_page_unpublished, dispatch_uid="webhooks.page_unpublished")
    published.connect(on_published, dispatch_uid="webhooks.published")
    unpublished.connect(on_unpublished, dispatch_uid="webhooks.unpublished")
    pre_delete.connect(on_page_deleting, sender=Page, dispatch_uid="webhooks.page_deleting")
    post_delete.connect(on_deleted, dispatch_uid="webhooks.deleted")
    post_save.connect(on_term_saved, dispatch_uid="webhooks.term_saved")
