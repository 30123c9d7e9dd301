"""The schema: grapple's types, our own root fields.

grapple's root fields (`pages`, `page`, `snippets`, `search`, ...) know nothing of locales and
return drafts and private pages, so its own `register_schema_query` hook is left out; each of our
apps adds its root fields through the same hook.
"""

from grapple.registry import registry
from wagtail import hooks

import graphene


def _project_query_mixins():
    mixins = []
    for register in hooks.get_hooks("register_schema_query"):
        if register.__module__.startswith("grapple."):
            continue
        register(mixins)
    return mixins


def _declared_fields(model):
    names = set()
    for field in getattr(model, "graphql_fields", []):
        field = field() if callable(field) else field
        if isinstance(field, tuple):  # GraphQLCollection gives (field, wrapper)
            field = field[0]
            field = field() if callable(field) else field
        names.add(field.field_name)
    return names


def expose_declared_fields_only():
    """Strip every field that neither an interface nor the model's graphql_fields declares.

    grapple builds page types on a DjangoObjectType of Wagtail's Page, which carries all of
    Page's columns (draftTitle, live, hasUnpublishedChanges, aliasOf, ...): state a public API
    must not show. What a type exposes is exactly what its model declares, and nothing else.
    """
    for model, node_type in [*registry.pages.items(), *registry.snippets.items()]:
        allowed = _declared_fields(model)
        for interface in node_type._meta.interfaces:
            allowed.update(interface._meta.fields)
        for name in list(node_type._meta.fields):
            if name not in allowed:
                del node_type._meta.fields[name]


def create_schema():
    expose_declared_fields_only()
    mixins = [m for m in _project_query_mixins() if m is not graphene.ObjectType]

    class Query(*mixins, graphene.ObjectType):
        pass

    return graphene.Schema(
        query=Query,
        types=list(registry.models.values()),
        auto_camelcase=True,
    )


schema = create_schema()
