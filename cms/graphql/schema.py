"""The schema: grapple's types, our own root fields.

grapple's root fields (`pages`, `page`, `snippets`, `search`, ...) know nothing of locales and
return drafts and private pages, so its own `register_schema_query` hook is left out; each of our
apps adds its root fields through the same hook.
"""

import graphene

from wagtail import hooks

from grapple.registry import registry


def _project_query_mixins():
    mixins = []
    for register in hooks.get_hooks("register_schema_query"):
        if register.__module__.startswith("grapple."):
            continue
        register(mixins)
    return mixins


def create_schema():
    mixins = [m for m in _project_query_mixins() if m is not graphene.ObjectType]

    class Query(*mixins, graphene.ObjectType):
        pass

    return graphene.Schema(
        query=Query,
        types=list(registry.models.values()),
        auto_camelcase=True,
    )


schema = create_schema()
