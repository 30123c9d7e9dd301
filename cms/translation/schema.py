"""What every translatable node has: `locale`, `key`, `translations`.

Lists batch their translations without DataLoaders (broken in graphene-django 3): a list
resolver marks its items as one batch (`cms.graphql.batches`), and the first `translations`
resolved in that batch loads them for every item in one query (`cms.translation.status`).
"""

from django.conf import settings

import graphene

from cms.graphql.locales import Locale, language_code

from .status import translation_states


class TranslationStatus(graphene.Enum):
    """Where a language version stands."""

    SOURCE = "SOURCE"
    TRANSLATED = "TRANSLATED"
    IN_PROGRESS = "IN_PROGRESS"
    OUTDATED = "OUTDATED"
    MISSING = "MISSING"

    @property
    def description(self):
        return {
            "SOURCE": "The original the other languages are translated from.",
            "TRANSLATED": "Published and, as far as the CMS can tell, up to date.",
            "IN_PROGRESS": "Not published yet, or published with changes or strings pending.",
            "OUTDATED": "Published, but the source changed since it was last synced.",
            "MISSING": "Not translated into this language.",
        }[self.name]


class Translation(graphene.ObjectType):
    """One language version, for language switchers and hreflang links."""

    locale = graphene.Field(Locale, required=True)
    title = graphene.String()
    path = graphene.String(description="Pages: the path within the locale.")
    slug = graphene.String(description="Directory entries and events: the slug.")
    status = graphene.Field(TranslationStatus, required=True)
    progress = graphene.Float(
        description="Share of the source's text segments translated, 0-100; null when unknown "
        "(the source itself, or a copy made without the translation tool)."
    )


def load_translations(items, all_rows, visible_rows, describe):
    """Attach `_translations` to every item: one entry per configured locale.

    `all_rows` and `visible_rows` are querysets of the items' model (every state, and public
    only); `describe(row)` returns the title and path/slug to show for a public row. A row
    that is not public shows no title or path, whatever its status.
    """
    states = translation_states({item.translation_key for item in items}, all_rows, visible_rows)
    # Enum members serialise without a lookup by value: a list of 100 has 1,000 entries.
    members = {code: Locale.get(code) for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES}
    for item in items:
        translations = []
        for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES:
            state = states[item.translation_key][code]
            entry = {
                "locale": members[code],
                "title": None,
                "path": None,
                "slug": None,
                "status": getattr(TranslationStatus, state.status),
                "progress": state.progress,
            }
            if state.public:
                entry.update(describe(state.row))
            translations.append(entry)
        item._translations = translations


class TranslatableNode:
    """Resolvers shared by the Page and DirectoryEntry interfaces and the Event type."""

    @staticmethod
    def resolve_key(root, info):
        return str(root.translation_key)

    @staticmethod
    def resolve_locale(root, info):
        return language_code(root.locale.language_code)


def _describe_record(row):
    return {
        "title": getattr(row, "title", None) or getattr(row, "name", None),
        "slug": getattr(row, "slug", None),
    }


class TranslatableInterface(graphene.Interface):
    """Every directory record and vocabulary term (grapple's snippet interface)."""

    id = graphene.ID(required=True)
    key = graphene.ID(required=True, description="Stable across translations.")
    locale = graphene.Field(Locale, required=True, description="The locale actually served.")
    translations = graphene.List(graphene.NonNull(Translation), required=True)

    class Meta:
        name = "Translatable"

    @classmethod
    def resolve_type(cls, instance, info):
        from grapple.registry import registry

        return registry.snippets[type(instance)]

    resolve_key = TranslatableNode.resolve_key
    resolve_locale = TranslatableNode.resolve_locale

    def resolve_translations(self, info):
        from cms.visibility import visible_records

        if not hasattr(self, "_translations"):
            model = type(self)
            load_translations(
                getattr(self, "_batch", [self]),
                model._default_manager.all(),
                visible_records(model),
                _describe_record,
            )
        return self._translations
