"""Where a translation's links lead, for the user who sees them.

The Translation status report, its per-item view and the translators' dashboard panel show a
title and an action per item and language. Every link must lead somewhere the user may go: a
Latvian translator's title of an English page opens the Latvian translation (or the public
page), never the English editor that would refuse them. What a user may do is decided per
locale here, with the same rules as cms.translation.permissions, computed once per request
(a few queries), not per row.
"""

from dataclasses import dataclass

from django.contrib.admin.utils import quote
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from wagtail.models import GroupPagePermission, Page
from wagtail.permissions import policy_registry

from cms.visibility import visible_pages

from .permissions import locale_scope
from .status import Status

SUBMIT = "wagtail_localize.submit_translation"


def edit_url(model, pk):
    if issubclass(model, Page):
        return reverse("wagtailadmin_pages:edit", args=[pk])
    return reverse(model.snippet_viewset.get_url_name("edit"), args=[quote(pk)])


def inspect_url(model, pk):
    viewset = model.snippet_viewset
    if not viewset.inspect_view_enabled:
        return None
    return reverse(viewset.get_url_name("inspect"), args=[quote(pk)])


def submit_url(model, pk):
    if issubclass(model, Page):
        return reverse("wagtail_localize:submit_page_translation", args=[pk])
    opts = model._meta
    return reverse(
        "wagtail_localize:submit_snippet_translation",
        args=[opts.app_label, opts.model_name, quote(pk)],
    )


def sync_url(translation_source_id):
    return reverse("wagtail_localize:update_translations", args=[translation_source_id])


@dataclass(frozen=True)
class Link:
    label: str
    url: str | None


class Abilities:
    """What `user` may do in each locale: change rows of a model, submit translations."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def _page_locale_ids(self):
        """Locales whose pages the user may edit (None: all). Page permissions sit on tree
        nodes: on the root they cover every language, on a language's home page that one."""
        if self.user.is_superuser:
            return None
        granted = GroupPagePermission.objects.filter(
            group__user=self.user,
            permission__codename__in=["add_page", "change_page", "publish_page"],
        ).values_list("page__depth", "page__locale_id")
        locale_ids = set()
        for depth, locale_id in granted:
            if depth == 1:
                return None
            locale_ids.add(locale_id)
        return frozenset(locale_ids)

    def may_change(self, model, locale_id):
        if not self.user.is_active:
            return False
        if issubclass(model, Page):
            ids = self._page_locale_ids
        else:
            policy = policy_registry.get_by_type(model)
            if not policy.user_has_permission(self.user, "change"):
                return False
            ids = locale_scope(self.user).locale_ids(policy._get_permission_name("change"))
        return ids is None or locale_id in ids

    def may_submit(self, locale_id):
        return self.user.has_perm(SUBMIT) and locale_scope(self.user).allows(SUBMIT, locale_id)


def action(abilities, model, state, locale_id, source_pk):
    """The one thing to do about `state` (a `TranslationState`) in `locale_id`, or a Link
    without a URL when the user may do nothing there."""
    row = state.row
    if row is None:
        if abilities.may_submit(locale_id):
            return Link(_("Translate"), submit_url(model, source_pk))
        return Link(_("Translate"), None)
    if not abilities.may_change(model, locale_id):
        return Link("", None)
    if state.status == Status.MISSING:  # an alias: its editor offers "Translate this page"
        return Link(_("Translate"), edit_url(model, row.pk))
    if state.status == Status.OUTDATED and state.source_id:
        return Link(_("Sync"), sync_url(state.source_id))
    if state.status == Status.IN_PROGRESS:
        return Link(_("Continue"), edit_url(model, row.pk))
    return Link(_("Edit"), edit_url(model, row.pk))


def open_url(abilities, model, states, source_pk, source_locale_id, live_urls):
    """Where an item's title leads: the source's editor for who may change it, else the
    editor of a row in one of the user's languages, else the public page (pages) or the
    read-only view (directory records), else nowhere.

    `states` maps language codes to `TranslationState`s; `live_urls` maps page ids to their
    public URL (see `live_page_urls`).
    """
    if abilities.may_change(model, source_locale_id):
        return edit_url(model, source_pk)
    for state in states.values():
        row = state.row
        if (
            row is not None
            and row.pk != source_pk
            and state.status != Status.MISSING
            and abilities.may_change(model, row.locale_id)
        ):
            return edit_url(model, row.pk)
    if issubclass(model, Page):
        return live_urls.get(source_pk)
    return inspect_url(model, source_pk)


def live_page_urls(request, page_ids):
    """{page id: public URL} of the live pages among `page_ids` (one query)."""
    if not page_ids:
        return {}
    pages = visible_pages().filter(pk__in=page_ids)
    return {page.pk: page.get_url(request) for page in pages}
