"""Who receives a relayed message, and in which language: an entry's public rows (all its
translations), its working language, its name in that language."""

from django.conf import settings

from cms.visibility import visible_records
from directory import models

ENTRY_MODELS = (models.SocialEnterprise, models.SupportOrganisation)


def translations_of(entry):
    """The public rows of `entry`'s translation group, the original first."""
    return list(
        visible_records(type(entry))
        .filter(translation_key=entry.translation_key)
        .select_related("locale")
        .order_by("pk")
    )


def public_rows(slug):
    """The public rows of the entry with this slug (all its translations), the original
    first; an empty list when there is no such public entry."""
    for model in ENTRY_MODELS:
        rows = visible_records(model).filter(slug=slug).select_related("locale").order_by("pk")
        rows = list(rows)
        if rows:
            return rows
    return []


def entry_language(rows):
    """The language to write to an entry in: its first working language we have, else the
    language it was written in."""
    configured = {code for code, _name in settings.LANGUAGES}
    for code in rows[0].languages or []:
        if code in configured:
            return code
    return rows[0].locale.language_code


def named_in(rows, language):
    """The entry's row in `language` where public, else its original."""
    return next((row for row in rows if row.locale.language_code == language), rows[0])
