"""What an alert finds: the public items of its list, matching its saved filter, in its
locale, first published within a window.

The lists are the API's own: the same visibility rule (cms.visibility), the same fallback to
English (`best_locale`) and the same filter functions as `enterprises`, `supportOrganisations`,
`events` and `pages`, so an alert shows what the list with that filter would show. An item is
new when no row of its translation group was published before the window: a new translation of
an old item is not news.
"""

import datetime

from django.conf import settings
from django.db.models import Q
from django.utils.html import strip_tags

from cms.graphql.locales import best_locale
from cms.links import frontend_url
from cms.visibility import visible_records
from directory import models
from directory.schema import filter_entries, filter_events
from pages.schema import listed_pages, locale_path

Kind = models.AlertSubscription.Kind

LISTS = {
    Kind.ENTERPRISES: (models.SocialEnterprise, filter_entries),
    Kind.SUPPORT_ORGANISATIONS: (models.SupportOrganisation, filter_entries),
    Kind.EVENTS: (models.Event, filter_events),
}
DATE_FILTERS = ("from_", "to")


def restored(kind, stored):
    """A saved filter (JSON) as the list's filter function takes it."""
    restored = dict(stored or {})
    if kind == Kind.EVENTS:
        for key in DATE_FILTERS:
            if restored.get(key):
                restored[key] = datetime.datetime.fromisoformat(restored[key])
    return restored


def matching(kind, code, filter):
    """The list `kind` in locale `code` with `filter`: one row per item, in its best locale.
    Raises BadUserInput as the list would for a filter it refuses."""
    if kind == Kind.PAGES:
        queryset, _ranking = listed_pages(code, filter.get("type"), filter.get("topic"))
        return queryset
    model, apply_filter = LISTS[kind]
    return apply_filter(best_locale(visible_records(model), code), filter)


def new_items(subscription, since, until):
    kind = subscription.kind
    queryset = matching(kind, subscription.locale, restored(kind, subscription.filter))
    published_before = queryset.model._default_manager.filter(
        first_published_at__lte=since
    ).values("translation_key")
    queryset = queryset.filter(first_published_at__gt=since, first_published_at__lte=until)
    queryset = queryset.exclude(translation_key__in=published_before)
    if kind == Kind.EVENTS:  # news of an event that is over is no news
        queryset = queryset.filter(Q(end__gte=until) | Q(end__isnull=True, start__gte=until))
    return queryset.order_by("-first_published_at", "pk")


def _described(kind, item, code):
    if kind == Kind.PAGES:
        page = item.specific
        summary = strip_tags(str(getattr(page, "intro", "") or page.search_description))
        return page.title, summary, frontend_url("page", code, path=locale_path(page))
    frontend = {
        Kind.ENTERPRISES: "enterprise",
        Kind.SUPPORT_ORGANISATIONS: "organisation",
        Kind.EVENTS: "event",
    }[kind]
    return str(item), item.summary, frontend_url(frontend, code, slug=item.slug)


def digest_items(subscription, since, until):
    """(title, summary, url) of the newest items, at most ALERT_DIGEST_MAX_ITEMS, and how
    many more there are."""
    limit = settings.ALERT_DIGEST_MAX_ITEMS
    queryset = new_items(subscription, since, until)
    rows = list(queryset[: limit + 1])
    more = queryset.count() - limit if len(rows) > limit else 0
    items = [_described(subscription.kind, row, subscription.locale) for row in rows[:limit]]
    return items, more
