"""Publishing a translation with untranslated text: say which fields, and on which tab.

wagtail-localize publishes a translation whose segments are not all translated (they stay in
English) and warns "Published ... with missing translations - see below". The editor only shows
one tab at a time, and the slug, the SEO title and the search description sit on the Promote
tab, so "below" is often not where the missing text is. This runs wagtail-localize's own view
and replaces that warning with one naming each untranslated field and its tab.
"""

from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from wagtail.models import TranslatableMixin
from wagtail_localize.models import Translation
from wagtail_localize.views import edit_translation
from wagtail_localize.views.edit_translation import TabHelper


def _field_label(model, name):
    try:
        return capfirst(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return capfirst(name.replace("_", " "))


def untranslated_fields(translation):
    """[(tab, field label)] of the source's segments with no translation, in the form's order."""
    source = translation.source.get_source_instance()
    tabs = TabHelper(source)
    missing = (
        translation.source.stringsegment_set.order_by("order")
        .annotate_translation(translation.target_locale)
        .filter(translation__isnull=True)
        .values_list("context__path", flat=True)
    )
    found = []
    for path in missing:
        name = path.split(".")[0]
        try:
            tab = tabs.get_field_tab(name)
        except KeyError:
            tab = tabs.tabs[0]
        entry = (str(tab), _field_label(type(source), name))
        if entry not in found:
            found.append(entry)
    return found


def missing_text_message(instance, translation):
    fields = untranslated_fields(translation)
    where = "; ".join(
        _("“%(field)s” on the %(tab)s tab") % {"field": field, "tab": tab} for tab, field in fields
    )
    return _(
        "Published “%(title)s” in %(language)s, but some text is not translated yet and shows "
        "in English: %(where)s. Translate it and publish again."
    ) % {
        "title": str(instance),
        "language": translation.target_locale.get_display_name(),
        "where": where,
    }


def publish_translation(request, instance):
    """`before_edit_page`/`before_edit_snippet` hook, run before wagtail-localize's: only a
    press of Publish in its translation editor; anything else goes on to its hook."""
    if (
        request.method != "POST"
        or request.POST.get("action") != "publish"
        or not isinstance(instance, TranslatableMixin)
    ):
        return None
    translation = Translation.objects.filter(
        source__object_id=instance.translation_key,
        target_locale_id=instance.locale_id,
        enabled=True,
    ).first()
    if translation is None:
        return None
    storage = messages.get_messages(request)
    # Django's message storage keeps what this request added in `_queued_messages`.
    before = len(storage._queued_messages)
    response = edit_translation.edit_translation(request, translation, instance)
    for message in storage._queued_messages[before:]:
        if message.level == messages.WARNING and untranslated_fields(translation):
            instance.refresh_from_db()
            message.message = missing_text_message(instance, translation)
    return response
