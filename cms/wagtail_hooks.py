from wagtail import hooks

from cms.graphql.search import SearchQuery


@hooks.register("register_schema_query")
def register_search_query(query_mixins):
    query_mixins.append(SearchQuery)
