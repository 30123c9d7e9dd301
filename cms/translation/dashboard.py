"""The translators' dashboard panel: what waits in their languages, newest change first.

A translator's first screen would otherwise be a search box (they may not explore the English
page tree). The panel lists items of the translator's languages that are missing, outdated or
in progress, each with its progress and the one action to take (Translate, Continue, Sync),
and links to the full Translation status report filtered to those languages.

Which items: the public English items most recently changed, up to `WINDOW` per kind (pages,
enterprises, organisations, events), with their states from `translation_states` (two queries
per kind, whatever the window), so the panel costs a fixed number of queries however large
the directory grows. Older waiting items are in the report.
"""

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import Group
from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wagtail.admin.ui.components import Component
from wagtail.models import Locale

from .actions import Abilities, action
from .permissions import locale_scope
from .report import KINDS
from .status import SOURCE_LANGUAGE, Status, translation_states

WAITING = (Status.MISSING, Status.OUTDATED, Status.IN_PROGRESS)
WINDOW = 100  # English items per kind looked at, most recently changed first
SHOWN = 12
LANGUAGES = dict(settings.WAGTAIL_CONTENT_LANGUAGES)
ALL_LANGUAGES_GROUP = "Translators"


def translator_locale_ids(user):
    """The locales a translator works in: a language group's languages, every partner
    language for the plain Translators group; None for who is no translator (Editors,
    Moderators, superusers: they have their own panels)."""
    if not user.is_active or user.is_superuser:
        return None
    limited = locale_scope(user).limited.get("wagtail_localize.submit_translation")
    if limited:
        return set(limited)
    if Group.objects.filter(user=user, name=ALL_LANGUAGES_GROUP).exists():
        return set(
            Locale.objects.exclude(language_code=SOURCE_LANGUAGE).values_list("pk", flat=True)
        )
    return None


@dataclass
class WaitingItem:
    title: str
    type: str
    language: str
    status: Status
    progress: float | None
    changed_at: datetime | None
    action_label: str
    action_url: str | None

    @property
    def progress_display(self):
        return "" if self.progress is None else f"{self.progress:g} %"


def _recent_sources(kind):
    """The kind's public English rows, most recently changed first."""
    rows = kind.visible().filter(locale__language_code=SOURCE_LANGUAGE)
    if kind.is_page:
        rows = rows.filter(depth__gt=2)
        changed = F("latest_revision_created_at")
    else:
        changed = F("latest_revision__created_at")
    return (
        rows.annotate(changed_at=changed)
        .order_by(changed.desc(nulls_last=True), "-pk")
        .values_list("pk", "translation_key", kind.title_field, "changed_at")[:WINDOW]
    )


def waiting_items(user, locale_ids, limit=SHOWN):
    """The items waiting in `locale_ids`, most recently changed first (source or
    translation), at most `limit`, and whether there were more."""
    codes = dict(Locale.objects.filter(pk__in=locale_ids).values_list("language_code", "pk"))
    abilities = Abilities(user)
    found = []
    for kind in KINDS:
        sources = list(_recent_sources(kind))
        if not sources:
            continue
        states = translation_states(
            {key for _pk, key, _title, _changed in sources},
            kind.rows(),
            kind.visible(),
            list(codes),
        )
        for source_pk, key, title, source_changed_at in sources:
            for code, state in states[key].items():
                if state.status not in WAITING:
                    continue
                link = action(abilities, kind.model, state, codes[code], source_pk)
                found.append(
                    WaitingItem(
                        title=title,
                        type=kind.model._meta.verbose_name if not kind.is_page else _("Page"),
                        language=LANGUAGES.get(code, code),
                        status=state.status,
                        progress=state.progress,
                        changed_at=max(
                            (t for t in (source_changed_at, state.updated_at) if t), default=None
                        ),
                        action_label=link.label,
                        action_url=link.url,
                    )
                )
    found.sort(
        key=lambda item: item.changed_at.timestamp() if item.changed_at else 0, reverse=True
    )
    return found[:limit], len(found) > limit


class TranslatorPanel(Component):
    """`construct_homepage_panels`: first on a translator's dashboard."""

    name = "translations_waiting"
    template_name = "cms/translations_waiting_panel.html"
    order = 50

    def __init__(self, locale_ids):
        self.locale_ids = locale_ids

    def get_context_data(self, parent_context):
        request = parent_context["request"]
        items, more = waiting_items(request.user, self.locale_ids)
        codes = Locale.objects.filter(pk__in=self.locale_ids).values_list(
            "language_code", flat=True
        )
        query = urlencode([("locale", code) for code in codes] + [("status", s) for s in WAITING])
        return {
            "items": items,
            "more": more,
            "report_url": f"{reverse('translation_status_report')}?{query}",
            "languages": ", ".join(LANGUAGES.get(code, code) for code in sorted(codes)),
        }


def add_translator_panel(request, panels):
    locale_ids = translator_locale_ids(request.user)
    if locale_ids:
        panels.insert(0, TranslatorPanel(locale_ids))
