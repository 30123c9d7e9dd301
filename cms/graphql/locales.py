"""The Locale enum and the fallback of lists to English (`best_locale`)."""

from django.conf import settings
from django.db.models import Q

import graphene

from cms.locale_ids import locale_id

Locale = graphene.Enum(
    "Locale",
    [(code, code) for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES],
    description="The configured content languages. Values are the language codes themselves.",
)

SOURCE_LANGUAGE = settings.LANGUAGE_CODE


def language_code(value):
    """The code of a Locale argument (graphene may pass the enum member or its value)."""
    if value is None:
        return SOURCE_LANGUAGE
    return getattr(value, "value", value)


def best_locale(visible, code):
    """One row per translation group: the requested locale where visible, else English.

    `visible` must already hold only public rows, so a draft translation never hides the
    published English row. Locales are compared by id (`cms.locale_ids`), so the list query
    reads its table alone, along its (locale_id, order) indexes.
    """
    requested = locale_id(code)
    if code == SOURCE_LANGUAGE:
        return visible.filter(locale_id=requested)
    translated = visible.filter(locale_id=requested).values("translation_key")
    return visible.filter(
        Q(locale_id=requested)
        | (Q(locale_id=locale_id(SOURCE_LANGUAGE)) & ~Q(translation_key__in=translated))
    )
