"""The Locale enum and the fallback chain."""

from django.conf import settings
from django.db.models import Q

import graphene

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


def fallback_chain(code):
    """Requested locale first, then the source language."""
    return [code] if code == SOURCE_LANGUAGE else [code, SOURCE_LANGUAGE]


def best_locale(visible, code):
    """One row per translation group: the requested locale where visible, else English.

    `visible` must already hold only public rows, so a draft translation never hides the
    published English row.
    """
    if code == SOURCE_LANGUAGE:
        return visible.filter(locale__language_code=code)
    translated = visible.filter(locale__language_code=code).values("translation_key")
    return visible.filter(
        Q(locale__language_code=code)
        | (Q(locale__language_code=SOURCE_LANGUAGE) & ~Q(translation_key__in=translated))
    )
