"""Atom feeds of the directory: `/feeds/enterprises.atom` and `/feeds/events.atom`.

Each selects as its GraphQL list does (`enterprises`, `events`: the visibility rule, the best
locale, the same filter and search functions), newest first; `cms.atom` says the rest.
"""

from django.conf import settings
from django.db.models import F
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from cms.atom import PublicAtomFeed
from cms.graphql.locales import best_locale
from cms.links import frontend_url
from cms.visibility import visible_records
from directory import models
from directory.schema import DirectoryQuery, filter_entries, filter_events, search_records

NEWEST_FIRST = (F("first_published_at").desc(nulls_last=True), "-pk")


def newest_public(model, code, apply_filter, filter=None, search=None):
    queryset = apply_filter(best_locale(visible_records(model), code), filter)
    if search:
        queryset = search_records(queryset, model, search)
    return queryset.select_related("locale").order_by(*NEWEST_FIRST)


class EnterprisesFeed(PublicAtomFeed):
    """The newest public social enterprises, filtered as `enterprises(filter, search)`."""

    list_field = DirectoryQuery.enterprises

    def select(self, code, **arguments):
        return newest_public(models.SocialEnterprise, code, filter_entries, **arguments)

    def feed_title(self, code):
        plural = models.SocialEnterprise._meta.verbose_name_plural
        return f"{settings.WAGTAIL_SITE_NAME}: {plural}"

    def item_title(self, item):
        return item.name

    def item_link(self, item):
        return frontend_url("enterprise", self.reader_language(), slug=item.slug)

    def item_summary(self, item):
        return item.summary


class EventsFeed(PublicAtomFeed):
    """The newest announced public events, filtered as `events(filter, search)`: like the API
    (and unlike the calendar) past events are included unless `from` is given."""

    list_field = DirectoryQuery.events

    def select(self, code, **arguments):
        return newest_public(models.Event, code, filter_events, **arguments)

    def feed_title(self, code):
        return gettext("%(site)s: events") % {"site": settings.WAGTAIL_SITE_NAME}

    def item_title(self, item):
        return item.title

    def item_link(self, item):
        return frontend_url("event", self.reader_language(), slug=item.slug)

    def item_summary(self, item):
        return item.summary


enterprises_feed = require_safe(EnterprisesFeed())
events_feed = require_safe(EventsFeed())
