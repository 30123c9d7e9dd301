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
    only; None for the public rule of `cms.visibility`); `describe(row)` returns the title and
    path/slug to show for a public row. A row that is not public shows no title or path,
    whatever its status. Entries are read-only: the items of a batch share the entry of a
    state they share (a locale nobody translated).
    """
    states = translation_states({item.translation_key for item in items}, all_rows, visible_rows)
    codes = [code for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES]
    entries = {}  # by id of a state: `states` holds them all, so ids stay theirs

    def entry(code, state):
        # Enums as their plain values (the language code, the status's name): graphene
        # serialises them by value, and `cms.graphql.execution` remembers each answer by a
        # hash that plain strings compute in C.
        found = {
            "locale": code,
            "title": None,
            "path": None,
            "slug": None,
            "status": str(state.status.value),
            "progress": state.progress,
        }
        if state.public:
            found.update(describe(state.row))
        entries[id(state)] = found
        return found

    for item in items:
        by_code = states[item.translation_key]
        item._translations = [
            entries.get(id(by_code[code])) or entry(code, by_code[code]) for code in codes
        ]


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
        if not hasattr(self, "_translations"):
            model = type(self)
            load_translations(
                getattr(self, "_batch", [self]),
                model._default_manager.all(),
                None,  # the public rule (cms.visibility), applied by `translation_states`
                _describe_record,
            )
        return self._translations
