from wagtail import hooks

from cms.rich_text import VisiblePageLinkHandler
from pages.schema import PagesQuery


@hooks.register("register_schema_query")
def register_pages_query(query_mixins):
    query_mixins.append(PagesQuery)


# After Wagtail's own registration of the "page" link type (order 0), which this replaces.
@hooks.register("register_rich_text_features", order=10)
def register_visible_page_links(features):
    features.register_link_type(VisiblePageLinkHandler)
