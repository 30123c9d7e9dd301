"""The schema: grapple's types, our own root fields and mutations.

grapple's root fields (`pages`, `page`, `snippets`, `search`, ...) know nothing of locales and
return drafts and private pages, so its own `register_schema_query` hook is left out; each of our
apps adds its root fields through the same hook, and its mutations through
`register_schema_mutation`.
"""

import json

from django.core.serializers.json import DjangoJSONEncoder

from grapple.registry import registry
from grapple.types.interfaces import StreamFieldInterface
from wagtail import hooks
from wagtail.blocks import StructValue
from wagtail.embeds.blocks import EmbedBlock

import graphene


def _project_mixins(hook_name):
    mixins = []
    for register in hooks.get_hooks(hook_name):
        if register.__module__.startswith("grapple."):
            continue
        register(mixins)
    return [mixin for mixin in mixins if mixin is not graphene.ObjectType]


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
    """Strip every field that neither an interface nor the model's graphql_fields declares,
    and put the rest in a stable order.

    grapple builds page types on a DjangoObjectType of Wagtail's Page, which carries all of
    Page's columns (draftTitle, live, hasUnpublishedChanges, aliasOf, ...): state a public API
    must not show. What a type exposes is exactly what its model declares, and nothing else.
    grapple also keeps a type's interfaces in a set, so their order (and the order of their
    fields in schema.graphql) would change from one process to the next.
    """
    for model, node_type in [*registry.pages.items(), *registry.snippets.items()]:
        interfaces = sorted(node_type._meta.interfaces, key=lambda i: i._meta.name)
        allowed = _declared_fields(model)
        for interface in interfaces:
            allowed.update(interface._meta.fields)
        fields = node_type._meta.fields
        ordered = {}
        for interface in interfaces:
            for name in interface._meta.fields:
                if name in fields:
                    ordered[name] = fields[name]
        for name, field in fields.items():
            if name in allowed:
                ordered.setdefault(name, field)
        fields.clear()
        fields.update(ordered)
        # graphene freezes a type's options once built; the schema is not built yet, so
        # replacing the interfaces' order here is still safe.
        object.__setattr__(node_type._meta, "interfaces", tuple(interfaces))


def resolve_raw_value(root, info, **kwargs):
    """A block's stored value as text: text blocks as stored (rich text in Wagtail's internal
    format, an embed as its address), any other block as the JSON of its stored form (chosen
    pages, images and documents as ids).

    grapple returned a struct block's value as a dict, which a String cannot carry, so asking
    for `rawValue` on any struct block failed.
    """
    value = root if isinstance(root, StructValue) else root.value
    stored = root.block.get_prep_value(value)
    return stored if isinstance(stored, str) else json.dumps(stored, cls=DjangoJSONEncoder)


def resolve_block_id(root, info, **kwargs):
    """A block's id; None for the items of a list inside a struct block, which have none."""
    return getattr(root, "id", None)


def mend_block_types():
    """Resolvers for grapple's block fields that fail on some blocks.

    A field's own resolver takes precedence over the resolve_* methods grapple defines:
    - `rawValue` of a struct block was a dict, which a String cannot carry;
    - `id` of a struct inside a list block (key figures) raised AttributeError;
    - an embed's `value` called grapple's interface resolver without its `info` argument.
    """
    for block_type in [StreamFieldInterface, *registry.streamfield_blocks.values()]:
        fields = block_type._meta.fields
        if "raw_value" in fields:
            fields["raw_value"].resolver = resolve_raw_value
        if "id" in fields:
            fields["id"].resolver = resolve_block_id
    embed_type = registry.streamfield_blocks.get(EmbedBlock)
    if embed_type is not None:
        embed_type._meta.fields["value"].resolver = resolve_raw_value


def create_schema():
    """grapple makes a type of every model of our apps; one that declares no `graphql_fields`
    (a log, private data) is never part of the API, so its type is left out."""
    expose_declared_fields_only()
    mend_block_types()

    class Query(*_project_mixins("register_schema_query"), graphene.ObjectType):
        pass

    mutations = _project_mixins("register_schema_mutation")
    mutation = type("Mutation", (*mutations, graphene.ObjectType), {}) if mutations else None

    return graphene.Schema(
        query=Query,
        mutation=mutation,
        types=[
            node_type
            for model, node_type in registry.models.items()
            if model not in registry.django_models or getattr(model, "graphql_fields", None)
        ],
        auto_camelcase=True,
    )


schema = create_schema()
