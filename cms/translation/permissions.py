"""Translators limited to their own languages, on top of wagtail-localize.

The groups "Translators: <language> (<code>)" (migrations 0003, 0005: the language's English name,
so every administrator can read the list) translate and publish content in
their language and nothing else: a Latvian translator cannot publish Danish content, and no
translator group publishes English, the source. Wagtail and wagtail-localize check snippet
permissions per model, not per row, so the language limit is added here:

- Pages use Wagtail's tree permissions: each group has "change" and "publish" on its
  language's home page. wagtail-localize creates that home when the first page is translated
  into the language; `grant_home_page_permissions` gives it to the group then.
- Snippets (directory records, events, vocabulary terms): `LocalePermissionPolicy` limits the
  group's model permissions to rows in its languages, and `LocaleRestrictedSnippetViewSet`
  checks it in every view of one row (Wagtail's edit, unpublish, revert ... views check
  model permissions only).
- wagtail-localize's endpoints check snippets per model, and its "Sync translations" view
  publishes every language for anyone who may submit translations. `localize_urls()` puts a
  check of the target row in front of each (same paths, matched first). The PO upload and the
  machine translation button are also where a bad file or a failing service gets a clear
  error here instead of a server error.

Who is limited: a group (or a user's own permissions) that holds a `wagtailcore.translate_<code>`
permission grants everything it grants in those languages only. Other groups (Editors,
Moderators, Translators) keep their usual meaning; superusers are never limited. Reading is
never limited: translators need the English source and may look at other languages.
"""

import contextlib
import functools
import os
import re
import tempfile
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.contrib.admin.utils import unquote
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import URLPattern, path, reverse
from django.utils.translation import get_language_info, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wagtail.admin import messages
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.models import DraftStateMixin, GroupPagePermission, Locale, Page
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import policy_registry, register_permission_policy
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet
from wagtail_localize.models import StringSegment, Translation
from wagtail_localize.views import (
    convert,
    edit_translation,
    submit_translations,
    update_translations,
)

import polib

from .machine_translation import MachineTranslationError

LOCALE_PERMISSION_PREFIX = "translate_"
HOME_PAGE_PERMISSIONS = ["change_page", "publish_page"]
MAX_PO_FILE_SIZE = 5 * 1024 * 1024


def locale_permission_codename(language_code):
    return f"{LOCALE_PERMISSION_PREFIX}{language_code}"


def english_language_name(code):
    """The language's English name ("Latvian"), as group and permission names use it."""
    if code == "nb":
        return "Norwegian Bokmål"  # Django spells it without the ring
    try:
        return get_language_info(code)["name"]
    except KeyError:
        return code


def translator_group_name(code):
    """The group of one language's translators: "Translators: Latvian (lv)"."""
    return f"Translators: {english_language_name(code)} ({code})"


def locale_permissions():
    """The per-language permissions, for the group editor (`register_permissions` hook)."""
    return Permission.objects.filter(
        content_type__app_label="wagtailcore",
        content_type__model="locale",
        codename__startswith=LOCALE_PERMISSION_PREFIX,
    )


# Who may do what, where ---------------------------------------------------------------------


@dataclass(frozen=True)
class LocaleScope:
    """A user's permissions ("app_label.codename") and the locales each one applies to."""

    superuser: bool
    unlimited: frozenset
    limited: dict  # permission -> frozenset of locale ids

    def locale_ids(self, permission):
        """The locale ids where `permission` applies; None means every locale."""
        if self.superuser or permission in self.unlimited:
            return None
        return self.limited.get(permission, frozenset())

    def allows(self, permission, locale_id):
        locale_ids = self.locale_ids(permission)
        return locale_ids is None or locale_id in locale_ids


def locale_scope(user):
    """Computed once per user object (two queries), as Django caches permissions."""
    scope = getattr(user, "_locale_scope", None)
    if scope is None:
        if user.is_anonymous or not user.is_active:
            scope = LocaleScope(False, frozenset(), {})
        elif user.is_superuser:
            scope = LocaleScope(True, frozenset(), {})
        else:
            scope = _compute_scope(user)
        user._locale_scope = scope
    return scope


def _compute_scope(user):
    fields = ("content_type__app_label", "content_type__model", "codename")
    permission_sets = defaultdict(set)
    for group_id, *permission in Permission.objects.filter(group__user=user).values_list(
        "group", *fields
    ):
        permission_sets[group_id].add(tuple(permission))
    permission_sets["user"] = set(user.user_permissions.values_list(*fields))

    locale_ids = dict(Locale.objects.values_list("language_code", "id"))
    unlimited = set()
    limited = defaultdict(set)
    for permissions in permission_sets.values():
        codes = {
            codename.removeprefix(LOCALE_PERMISSION_PREFIX)
            for app_label, model, codename in permissions
            if (app_label, model) == ("wagtailcore", "locale")
            and codename.startswith(LOCALE_PERMISSION_PREFIX)
        }
        names = {f"{app_label}.{codename}" for app_label, _model, codename in permissions}
        if not codes:
            unlimited |= names
            continue
        # The source language is never a translator's, whatever permission says otherwise.
        ids = {locale_ids[code] for code in codes - {settings.LANGUAGE_CODE} if code in locale_ids}
        for name in names:
            limited[name] |= ids
    return LocaleScope(
        False, frozenset(unlimited), {name: frozenset(ids) for name, ids in limited.items()}
    )


class LocalePermissionPolicy(ModelPermissionPolicy):
    """Model permissions, limited per row to the locales of the group that grants them.

    Registered for every snippet of a `LocaleRestrictedSnippetViewSet`; Wagtail's snippet views
    ask it about one row only in a few places, so the viewset checks the rest.
    """

    def _locale_ids(self, user, action):
        if action == "view":
            return None
        return locale_scope(user).locale_ids(self._get_permission_name(action))

    def user_has_permission_for_instance(self, user, action, instance):
        if not self.user_has_permission(user, action):
            return False
        locale_ids = self._locale_ids(user, action)
        return locale_ids is None or instance.locale_id in locale_ids

    def instances_user_has_any_permission_for(self, user, actions):
        rows = self.model._default_manager.all()
        condition = Q(pk__in=[])
        for action in actions:
            if not self.user_has_permission(user, action):
                continue
            locale_ids = self._locale_ids(user, action)
            if locale_ids is None:
                return rows
            condition |= Q(locale_id__in=locale_ids)
        return rows.filter(condition)

    def users_with_any_permission_for_instance(self, actions, instance):
        users = self.users_with_any_permission(actions)
        allowed = [
            user.pk
            for user in users
            if self.user_has_any_permission_for_instance(user, actions, instance)
        ]
        return users.filter(pk__in=allowed)


def user_may(user, instance, action):
    """Whether `user` may `action` ("change" or "publish") this page or snippet row."""
    if isinstance(instance, Page):
        permissions = instance.permissions_for_user(user)
        return permissions.can_publish() if action == "publish" else permissions.can_edit()
    if action == "publish" and not isinstance(instance, DraftStateMixin):
        action = "change"  # vocabulary terms have no drafts: saving is publishing
    policy = policy_registry.get_by_type(type(instance))
    return policy.user_has_permission_for_instance(user, action, instance)


# Snippet views ------------------------------------------------------------------------------

# What a view of one row needs; None: reading only. Views not listed need "change".
ROW_VIEW_ACTIONS = {
    "usage": None,
    "history": None,
    "history_results": None,
    "inspect": None,
    "revisions_view": None,
    "revisions_compare": None,
    "workflow_history": None,
    "workflow_history_detail": None,
    "workflow_preview": None,
    "unpublish": "publish",
    "revisions_unschedule": "publish",
    "delete": "delete",
    "copy": "add",
}


def _publishes(request):
    """Wagtail's edit form publishes with action-publish; wagtail-localize's, action=publish."""
    return request.method == "POST" and (
        "action-publish" in request.POST or request.POST.get("action") == "publish"
    )


class _RowLinksIndexView(snippet_views.IndexView):
    """The listing offers Edit, Copy and Delete only on rows the user may do that to: a
    translator's English rows link to their read-only view instead."""

    def _allowed(self, url, instance, action):
        return url if url and user_may(self.request.user, instance, action) else None

    def get_edit_url(self, instance):
        return self._allowed(super().get_edit_url(instance), instance, "change")

    def get_copy_url(self, instance):
        return self._allowed(super().get_copy_url(instance), instance, "add")

    def get_delete_url(self, instance):
        return self._allowed(super().get_delete_url(instance), instance, "delete")


class _RowLinksInspectView(snippet_views.InspectView):
    def get_edit_url(self):
        url = super().get_edit_url()
        return url if url and user_may(self.request.user, self.object, "change") else None

    def get_delete_url(self):
        url = super().get_delete_url()
        return url if url and user_may(self.request.user, self.object, "delete") else None


class LocaleRestrictedSnippetViewSet(SnippetViewSet):
    """A snippet viewset whose views of one row check `LocalePermissionPolicy` for that row,
    and whose links lead only where the user may go (a read-only view for the rest)."""

    index_view_class = _RowLinksIndexView
    inspect_view_class = _RowLinksInspectView
    inspect_view_enabled = True

    def on_register(self):
        # Before Wagtail's own registration, which would otherwise create a fallback policy.
        registered = policy_registry.get_by_type(self.model, fallback=False)
        if not isinstance(registered, LocalePermissionPolicy):
            register_permission_policy(
                self.model, LocalePermissionPolicy(self.model), exact_class=True
            )
        super().on_register()

    def get_urlpatterns(self):
        return [self._checked(pattern) for pattern in super().get_urlpatterns()]

    def _checked(self, pattern):
        action = ROW_VIEW_ACTIONS.get(pattern.name, "change")
        if action is None:
            return pattern
        model = self.model
        policy = policy_registry.get_by_type(model)
        view = pattern.callback

        @functools.wraps(view)
        def checked_view(request, *args, **kwargs):
            if "pk" in kwargs:
                row = model._default_manager.filter(pk=unquote(str(kwargs["pk"]))).first()
                actions = {action}
                # Without the publish permission at all, Wagtail saves a draft instead.
                if _publishes(request) and policy.user_has_permission(request.user, "publish"):
                    actions.add("publish")
                if row is not None and not all(user_may(request.user, row, a) for a in actions):
                    raise PermissionDenied
            return view(request, *args, **kwargs)

        return URLPattern(pattern.pattern, checked_view, pattern.default_args, pattern.name)


# Signals ------------------------------------------------------------------------------------


def grant_home_page_permissions(sender, instance, created, raw=False, **kwargs):
    """A new home page of a language: its translator groups may edit and publish below it."""
    if raw or not created or not isinstance(instance, Page) or instance.depth != 2:
        return
    code = instance.locale.language_code
    if code == settings.LANGUAGE_CODE:
        return
    language = locale_permissions().filter(codename=locale_permission_codename(code))
    groups = Group.objects.filter(permissions__in=language)
    permissions = Permission.objects.filter(
        content_type__app_label="wagtailcore", codename__in=HOME_PAGE_PERMISSIONS
    )
    for group in groups:
        for permission in permissions:
            GroupPagePermission.objects.get_or_create(
                group=group, page=instance, permission=permission
            )


def create_locale_permission(sender, instance, created, raw=False, **kwargs):
    """A locale added in Settings > Locales gets its permission, to give to a group."""
    if raw or not created or instance.language_code == settings.LANGUAGE_CODE:
        return
    Permission.objects.get_or_create(
        content_type=ContentType.objects.get_for_model(Locale),
        codename=locale_permission_codename(instance.language_code),
        defaults={
            "name": f"Can translate and publish {english_language_name(instance.language_code)} "
            f"({instance.language_code}) content"
        },
    )


# wagtail-localize's endpoints ---------------------------------------------------------------


def _translation_and_target(translation_id):
    translation = get_object_or_404(Translation, pk=translation_id)
    try:
        return translation, translation.get_target_instance()
    except ObjectDoesNotExist as error:
        raise Http404 from error


def _next_url(request):
    return get_valid_next_url_from_request(request) or reverse("wagtailadmin_home")


def _editing_target(view, api=False):
    """wagtail-localize's view, for users who may edit the translation's target row only."""

    @functools.wraps(view)
    def checked_view(request, translation_id, **kwargs):
        _translation, target = _translation_and_target(translation_id)
        if not user_may(request.user, target, "change"):
            if api:
                return JsonResponse(
                    {"detail": _("You may not translate into this language.")}, status=403
                )
            raise PermissionDenied
        return view(request, translation_id=translation_id, **kwargs)

    return checked_view


class _SubmitLocales:
    """Offer (and accept) only the languages the user may translate into."""

    def get_form(self):
        form = super().get_form()
        locale_ids = locale_scope(self.request.user).locale_ids(
            "wagtail_localize.submit_translation"
        )
        if locale_ids is not None:
            field = form.fields["locales"]
            field.queryset = field.queryset.filter(pk__in=locale_ids)
        return form


class SubmitPageTranslationView(_SubmitLocales, submit_translations.SubmitPageTranslationView):
    pass


class SubmitSnippetTranslationView(
    _SubmitLocales, submit_translations.SubmitSnippetTranslationView
):
    pass


class UpdateTranslationsView(update_translations.UpdateTranslationsView):
    """The "Sync translations" view. Publishing or machine-translating the translations needs
    that right in every language they are in; refreshing them from the source (which changes
    drafts only) does not."""

    def form_valid(self, form):
        needed = set()
        if form.cleaned_data["publish_translations"]:
            needed.add("publish")
        if form.cleaned_data.get("use_machine_translation"):
            needed.add("change")
        refused = sorted(
            {
                translation.target_locale.get_display_name()
                for translation in self.object.translations.filter(enabled=True)
                if not all(user_may(self.request.user, self._row(translation), n) for n in needed)
            }
        )
        if refused:
            messages.error(
                self.request,
                _("You may not publish or machine-translate in %(languages)s. Nothing was synced.")
                % {"languages": ", ".join(refused)},
            )
            return redirect(self.request.get_full_path())
        try:
            return super().form_valid(form)
        except MachineTranslationError as error:
            messages.error(self.request, str(error))
            return redirect(self.request.get_full_path())

    def _row(self, translation):
        try:
            return translation.get_target_instance()
        except ObjectDoesNotExist:
            # Syncing would create the missing translation: only who may change the source.
            return self.object.get_source_instance()


def convert_to_alias(request, page_id):
    """An alias shows the source's live content at once: that is publishing."""
    page = get_object_or_404(Page, pk=page_id)
    if not page.permissions_for_user(request.user).can_publish():
        raise PermissionDenied
    return convert.convert_to_alias(request, page_id)


@require_POST
def machine_translate(request, translation_id):
    """The editor's "Translate with ..." button: fills empty segments, publishes nothing."""
    _translation, target = _translation_and_target(translation_id)
    if not user_may(request.user, target, "change"):
        raise PermissionDenied
    try:
        return edit_translation.machine_translate(request, translation_id)
    except MachineTranslationError as error:
        messages.error(request, str(error))
        return redirect(_next_url(request))


class InvalidPOFile(Exception):
    """A PO file that cannot be imported; the message says why, for the translator."""


def _parse_po(content):
    # polib reads a file name or the text itself; a name is safer than text that could be
    # taken for a path (wagtail-localize does the same).
    with tempfile.NamedTemporaryFile(suffix=".po", delete=False) as file:
        file.write(content)
    try:
        return polib.pofile(file.name)
    except UnicodeDecodeError as error:
        raise InvalidPOFile(_("This is not a PO file: it is not UTF-8 text.")) from error
    except (OSError, ValueError) as error:
        line = re.search(r"\(line (\d+)\)", str(error))
        raise InvalidPOFile(
            _("This is not a valid PO file (error on line %(line)s).")
            % {"line": line.group(1) if line else "?"}
        ) from error
    finally:
        with contextlib.suppress(OSError):
            os.unlink(file.name)


def read_po_file(upload, translation):
    """The uploaded PO file and how many of its translations the current source no longer has.

    Raises InvalidPOFile, before anything is saved, for a file that is not a PO file, was
    made for another translation, or has nothing to import.
    """
    if upload is None:
        raise InvalidPOFile(_("Choose a PO file to upload."))
    if upload.size > MAX_PO_FILE_SIZE:
        raise InvalidPOFile(_("This file is too large for a PO file."))
    po = _parse_po(upload.read())
    uuid = po.metadata.get("X-WagtailLocalize-TranslationID")
    if not uuid:
        raise InvalidPOFile(
            _(
                "This PO file was not downloaded from this translation (it has no "
                "X-WagtailLocalize-TranslationID header). Download it with “Download PO file”."
            )
        )
    if uuid != str(translation.uuid):
        raise InvalidPOFile(_("This PO file was downloaded for another page, record or language."))
    filled = [entry for entry in po if entry.msgstr and not entry.obsolete]
    if not filled:
        raise InvalidPOFile(_("This PO file has no translations: fill in the msgstr lines."))
    current = set(
        StringSegment.objects.filter(source=translation.source).values_list(
            "string__data", "context__path"
        )
    )
    outdated = sum((entry.msgid, entry.msgctxt) not in current for entry in filled)
    if outdated == len(filled):
        raise InvalidPOFile(
            _(
                "None of the translations in this file match the current source text. "
                "Download the PO file again."
            )
        )
    return po, outdated


@require_POST
def upload_pofile(request, translation_id):
    """Import translations from a PO file into translation memory; publishes nothing."""
    translation, target = _translation_and_target(translation_id)
    if not user_may(request.user, target, "change"):
        raise PermissionDenied
    try:
        po, outdated = read_po_file(request.FILES.get("file"), translation)
    except InvalidPOFile as error:
        messages.error(request, _("Nothing was imported. %(reason)s") % {"reason": error})
        return redirect(_next_url(request))
    translation.import_po(po, user=request.user, tool_name="PO File")
    messages.success(request, _("Successfully imported translations from PO File."))
    if outdated:
        messages.warning(
            request,
            ngettext(
                "%(count)d translation was skipped: its source text has changed since the "
                "file was downloaded.",
                "%(count)d translations were skipped: their source text has changed since the "
                "file was downloaded.",
                outdated,
            )
            % {"count": outdated},
        )
    return redirect(_next_url(request))


def localize_urls():
    """Routes in front of wagtail-localize's own (same paths, so its URL names still apply).

    Registered first with the `register_admin_urls` hook; tests/cms/test_translation_permissions
    checks that wagtail-localize's URL names resolve to these.
    """
    translate = "localize/translate/<int:translation_id>"
    return [
        path("localize/submit/page/<int:page_id>/", SubmitPageTranslationView.as_view()),
        path(
            "localize/submit/snippet/<slug:app_label>/<slug:model_name>/<str:pk>/",
            SubmitSnippetTranslationView.as_view(),
        ),
        path(
            "localize/update/<int:translation_source_id>/",
            UpdateTranslationsView.as_view(),
        ),
        path(
            f"{translate}/strings/<int:string_segment_id>/edit/",
            _editing_target(edit_translation.edit_string_translation, api=True),
        ),
        path(
            f"{translate}/overrides/<int:overridable_segment_id>/edit/",
            _editing_target(edit_translation.edit_override, api=True),
        ),
        path(f"{translate}/pofile/download/", _editing_target(edit_translation.download_pofile)),
        path(f"{translate}/pofile/upload/", upload_pofile),
        path(f"{translate}/machine_translate/", machine_translate),
        path(f"{translate}/disable/", _editing_target(edit_translation.stop_translation)),
        path("localize/page/<int:page_id>/convert_to_alias/", convert_to_alias),
    ]
