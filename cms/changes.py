"""One signal for "what the public sees may have changed", whatever changed it.

Wagtail and Django announce changes in many ways: `post_save`/`post_delete` of pages, records,
terms, images and documents (publishing, unpublishing, scheduled publishing by
`publish_scheduled` and deleting all save or delete rows), `post_page_move`, and many-to-many
changes. Bulk writers (`bulk_create`, `update`) announce nothing, so the importer and
`seed_demo` call `announce()` themselves. Whoever keeps something derived from public content
(the GraphQL response cache) listens to `content_changed` alone.

Over-announcing costs a cache refill; under-announcing serves stale content. So any write of a
content model counts, except two that never change what the public sees: renditions (made
while answering a query) and new rows that are not live (a draft submission, a new translation
in progress). Time changes what is public too (`go_live_at`, `expire_at` pass
without any write): `next_scheduled_change()` tells listeners when.

`announce()` fires at once and again when the transaction commits: at once so the writing
process never answers from before its own write, after commit so that no other request, having
read the old rows while the transaction was open, leaves its answer behind as the fresh one.
"""

import datetime

from django.apps import apps
from django.db import transaction
from django.db.models import Min, Q
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.dispatch import Signal
from django.utils import timezone

from wagtail.signals import post_page_move

#: Sent with `sender` the model that changed (or None when unknown); listeners take **kwargs.
content_changed = Signal()

#: Apps whose every model is content, and single models of other apps that are.
#: wagtail-localize's tables are read by every `translations { status progress }`: a
#: translator's saved string changes what the API says of the translation.
CONTENT_APPS = {"pages", "directory", "taggit", "wagtail_localize"}
CONTENT_MODELS = {
    "wagtailcore.page",
    "wagtailcore.pageviewrestriction",
    "wagtailcore.collectionviewrestriction",
    "wagtailcore.locale",
    "wagtailcore.site",
    "wagtailimages.image",
    "wagtaildocs.document",
}


def is_content(model):
    if model.__module__ == "__fake__":  # a migration's historical model: the schema is changing
        return False
    if getattr(model, "public_content", True) is False:  # a log or private data in a content app
        return False
    meta = model._meta
    if meta.app_label in CONTENT_APPS or meta.label_lower in CONTENT_MODELS:
        return True
    # Page types of any app are pages; their parent link's row is wagtailcore.page.
    return any(parent._meta.label_lower == "wagtailcore.page" for parent in meta.get_parent_list())


def announce(sender=None):
    content_changed.send(sender=sender)
    transaction.on_commit(lambda: content_changed.send(sender=sender))


def _saved(sender, instance=None, created=False, **kwargs):
    new_draft = created and getattr(instance, "live", True) is False
    if is_content(sender) and not new_draft:
        announce(sender)


def _deleted(sender, instance=None, **kwargs):
    if is_content(sender):
        announce(sender)


def _linked(sender, instance=None, **kwargs):
    if kwargs.get("action", "").startswith("post_") and is_content(type(instance)):
        announce(type(instance))


def _moved(sender, **kwargs):
    announce(sender)


def _migrated(sender, **kwargs):
    # Data migrations write through historical models, which is_content ignores.
    announce()


def connect():
    """Called once from CmsConfig.ready()."""
    post_save.connect(_saved, dispatch_uid="cms.changes.saved")
    post_delete.connect(_deleted, dispatch_uid="cms.changes.deleted")
    m2m_changed.connect(_linked, dispatch_uid="cms.changes.linked")
    post_page_move.connect(_moved, dispatch_uid="cms.changes.moved")
    post_migrate.connect(_migrated, dispatch_uid="cms.changes.migrated")


def scheduled_models():
    """Models with their own `go_live_at`/`expire_at` columns: wagtailcore.Page for every page
    type, and each publishable directory model (not the search rows that copy theirs, tables
    Django does not manage)."""
    found = []
    for model in apps.get_models():
        if not model._meta.managed:
            continue
        fields = {field.name: field for field in model._meta.concrete_fields}
        scheduled = {"go_live_at", "expire_at", "live"} <= fields.keys()
        if scheduled and fields["go_live_at"].model is model:
            found.append(model)
    return found


def next_scheduled_change(now=None):
    """The earliest future `go_live_at` or `expire_at` of a live row, or the next local
    midnight, whichever comes first: the moment the public content changes without anyone
    writing (at midnight, entries turn stale: directory/freshness.py counts days). One query
    per scheduled model."""
    now = now or timezone.now()
    tomorrow = timezone.localdate(now) + datetime.timedelta(days=1)
    moments = [timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time()))]
    for model in scheduled_models():
        found = model._default_manager.filter(live=True).aggregate(
            go_live=Min("go_live_at", filter=Q(go_live_at__gt=now)),
            expiry=Min("expire_at", filter=Q(expire_at__gt=now)),
        )
        moments += found.values()
    return min(moment for moment in moments if moment is not None)
