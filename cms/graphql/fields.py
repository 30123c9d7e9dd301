"""Field helpers for models' `graphql_fields`: relations served in the requested locale.

Relations point at English rows (see directory/models.py). These helpers swap each related row
for its best public translation (requested locale, then English), drop rows that are not
public, and do it for a whole list at once: a list resolver marks its items as one batch
(`share_batch`), and the first item resolved loads the relation for all of them in two
queries, so the cost does not grow with the length of the list.
"""

from django.db.models import prefetch_related_objects
from django.utils import translation

from grapple.models import GraphQLField
from grapple.registry import registry

import graphene

from cms.visibility import visible_version_map

from .batches import share_batch
from .locales import SOURCE_LANGUAGE, language_code


def set_requested_language(info, locale):
    """Root resolvers record the requested locale for nested fields (labels, countries)."""
    code = language_code(locale)
    info.context.graphql_language = code
    return code


def requested_language(info):
    return getattr(info.context, "graphql_language", SOURCE_LANGUAGE)


def load_localized(instance, info, relation):
    """The related rows of `instance` in the requested locale (a list, maybe empty)."""
    cache_name = f"_localized_{relation}"
    if not hasattr(instance, cache_name):
        batch = getattr(instance, "_batch", [instance])
        prefetch_related_objects(batch, relation)
        field = type(instance)._meta.get_field(relation)
        many = field.many_to_many
        related = {}
        for item in batch:
            if many:
                related[id(item)] = list(getattr(item, relation).all())
            else:
                value = getattr(item, relation)
                related[id(item)] = [value] if value is not None else []
        every_row = [row for rows in related.values() for row in rows]
        # The rule's own swap (cms.visibility), keyed here by translation key alone: one
        # relation points at rows of one model.
        best = {
            key: row
            for (_model, key), row in visible_version_map(
                every_row, requested_language(info)
            ).items()
        }
        share_batch(list(best.values()))
        for item in batch:
            setattr(
                item,
                cache_name,
                [
                    best[row.translation_key]
                    for row in related[id(item)]
                    if row.translation_key in best
                ],
            )
    return getattr(instance, cache_name)


class LocalizedRelation:
    """Descriptor for `graphql_fields`: grapple calls `instance.<name>(info)`."""

    def __init__(self, relation, many=True):
        self.relation = relation
        self.many = many

    def __get__(self, instance, owner):
        if instance is None:
            return self

        def resolve(info, **kwargs):
            rows = load_localized(instance, info, self.relation)
            if self.many:
                return rows
            return rows[0] if rows else None

        return resolve


def snippet_type(label):
    """The grapple type of a snippet model, looked up when the schema is built."""

    def lazy():
        from django.apps import apps

        return registry.snippets[apps.get_model(label)]

    return lazy


def GraphQLId():
    """grapple declares every type's id nullable; the contract says `id: ID!`."""
    return GraphQLField("id", graphene.ID, required=True)


def GraphQLTerms(field_name, model_label, source):
    """A required list of vocabulary terms (or entries) served in the requested locale."""

    def mixin():
        return GraphQLField(
            field_name,
            graphene.List(graphene.NonNull(snippet_type(model_label))),
            required=True,
            source=source,
        )

    return mixin


def GraphQLTerm(field_name, model_label, source):
    def mixin():
        return GraphQLField(field_name, snippet_type(model_label), source=source)

    return mixin


class Country(graphene.ObjectType):
    code = graphene.String(required=True, description="ISO 3166-1 alpha-2.")
    name = graphene.String(required=True, description="In the requested locale.")

    def resolve_code(self, info):
        return self.code

    def resolve_name(self, info):
        with translation.override(requested_language(info)):
            return str(self.name)


class CountryValue:
    """Descriptor for a CountryField: None when empty, else the country."""

    def __init__(self, field_name):
        self.field_name = field_name

    def __get__(self, instance, owner):
        if instance is None:
            return self

        def resolve(info, **kwargs):
            value = getattr(instance, self.field_name)
            if instance._meta.get_field(self.field_name).multiple:
                return list(value)
            return value or None

        return resolve


def GraphQLCountry(field_name, source):
    def mixin():
        return GraphQLField(field_name, Country, source=source)

    return mixin


def GraphQLCountries(field_name, source):
    def mixin():
        return GraphQLField(
            field_name, graphene.List(graphene.NonNull(Country)), required=True, source=source
        )

    return mixin


def _registered_type(label):
    def lazy():
        from django.apps import apps

        model = apps.get_model(label)
        return registry.django_models.get(model) or registry.models[model]

    return lazy


class ChildRows:
    """Descriptor for an inline (ParentalKey) relation: its rows in their editorial order."""

    def __init__(self, relation):
        self.relation = relation

    def __get__(self, instance, owner):
        if instance is None:
            return self

        def resolve(info, **kwargs):
            return list(getattr(instance, self.relation).all())

        return resolve


def GraphQLChildren(field_name, model_label, source):
    """An inline list (authors, downloads) without grapple's raw `order` argument."""

    def mixin():
        return GraphQLField(
            field_name,
            graphene.List(graphene.NonNull(_registered_type(model_label))),
            required=True,
            source=source,
        )

    return mixin
