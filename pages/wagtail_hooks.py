from wagtail import hooks

from pages.schema import PagesQuery


@hooks.register("register_schema_query")
def register_pages_query(query_mixins):
    query_mixins.append(PagesQuery)
