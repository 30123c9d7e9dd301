"""`/feeds/pages.atom`: the newest public pages, selected as the `pages(type, topic, search)`
query selects them (`listed_pages`), newest first; `cms.atom` says the rest."""

from django.conf import settings
from django.db.models import F
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from cms.atom import PublicAtomFeed
from cms.links import frontend_url
from pages.schema import PagesQuery, listed_pages, locale_path


class PagesFeed(PublicAtomFeed):
    list_field = PagesQuery.pages

    def select(self, code, **arguments):
        queryset, _ranking = listed_pages(code, **arguments)
        return queryset.select_related("locale").order_by(
            F("first_published_at").desc(nulls_last=True), "-pk"
        )

    def feed_title(self, code):
        # Wagtail's catalogs translate "Pages" into every language of the network.
        return f"{settings.WAGTAIL_SITE_NAME}: {gettext('Pages')}"

    def item_title(self, item):
        return item.title

    def item_link(self, item):
        return frontend_url("page", self.reader_language(), path=locale_path(item))

    def item_summary(self, item):
        return item.search_description


pages_feed = require_safe(PagesFeed())
