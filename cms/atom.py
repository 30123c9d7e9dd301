"""Atom 1.0 feeds of the newest public items (`/feeds/*.atom`), on Django's syndication framework.

A feed mirrors a GraphQL list field: its query parameters are that field's arguments
(`cms.query_string`), its items what the field would list (each subclass starts from
`cms.visibility` and the lists' locale fallback), newest first (first published), at most
`FEED_ITEMS`. Titles are in the requested locale: the feed's own through the catalogs, each
entry's the row served, English where no public translation exists, as in the API.

An entry's id is `urn:uuid:<translation key>`: the same in every locale's feed, so a reader
updates the entry in place when its translation is published. Its link is the item's address on
the public website (`cms.links.frontend_url`). Bad parameters are a plain-text 400 that
names the parameter, never a 500. The views are wrapped in `cms.public_cache.cached_view` in
cms/urls.py, so a feed costs no SQL between publishes.
"""

from types import SimpleNamespace

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.utils import timezone, translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from cms.graphql.errors import BadUserInput
from cms.links import frontend_url, public_base_url
from cms.query_string import bad_request, field_arguments, locale

#: The most entries a feed holds: readers poll, they do not page.
FEED_ITEMS = 50


class PublicAtomFeed(Feed):
    """Subclasses set `list_field` (the graphene field mirrored) and define `select(code,
    **arguments)` (a queryset of public rows in their best locale), `feed_title(code)`,
    `item_title`, `item_link` and `item_description`."""

    feed_type = Atom1Feed
    list_field = None
    #: Arguments of the list field that are not feed parameters: a feed is its newest page.
    skipped_arguments = ("order", "limit", "offset")

    def __call__(self, request, *args, **kwargs):
        try:
            code = locale(request.GET)
            response = super().__call__(request, *args, **kwargs)
        except BadUserInput as error:
            return bad_request(error)
        response["Content-Language"] = code
        return response

    def get_object(self, request, *args, **kwargs):
        arguments = field_arguments(request.GET, self.list_field, skip=self.skipped_arguments)
        code = arguments.pop("locale")
        # Read here, so that a bad filter value is a 400 before anything is written.
        items = list(self.select(code, **arguments)[:FEED_ITEMS])
        return SimpleNamespace(
            code=code, items=items, self_url=public_base_url() + request.get_full_path()
        )

    def get_feed(self, obj, request):
        # The feed's language (xml:lang), its title and the entries' links follow the locale.
        with translation.override(obj.code):
            return super().get_feed(obj, request)

    # Feed ----------------------------------------------------------------------------------

    def title(self, obj):
        return self.feed_title(obj.code)

    def link(self, obj):
        return frontend_url("page", obj.code, path="/")

    def feed_url(self, obj):
        return obj.self_url

    def feed_guid(self, obj):
        return obj.self_url

    def author_name(self):
        return settings.WAGTAIL_SITE_NAME

    def items(self, obj):
        return obj.items

    # Entries -------------------------------------------------------------------------------

    def item_guid(self, item):
        return f"urn:uuid:{item.translation_key}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        # Atom requires `updated`. Rows written behind the publishing flow (imports, scripts)
        # have no publish dates; their go-live time, else the time the feed was made, stands in.
        return (
            item.last_published_at
            or item.first_published_at
            or item.go_live_at
            or timezone.now().replace(microsecond=0)
        )

    def reader_language(self):
        """The requested locale, while the feed is written (`get_feed` activates it): entries
        link to the website in the reader's language, English fallback rows too."""
        return translation.get_language()

    def item_summary(self, item):
        raise NotImplementedError

    def item_description(self, item):
        # The summary element is HTML in Django's Atom writer: plain text is escaped for it.
        return escape(self.item_summary(item) or "")
