"""The pages the links in e-mails open: confirm an alert, unsubscribe, stop messages.

A GET only asks (mail scanners and link previews open links), a POST acts. Unsubscribing also
takes RFC 8058's one-click POST (`List-Unsubscribe=One-Click`), which a mail client sends
without showing any page. The signed token in the address is the only credential, so the
views are csrf_exempt: a mail client's POST carries no cookie, and another site cannot forge a
token. Nothing here is cached, and each page speaks the subscriber's or the entry's language.
"""

import uuid

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from wagtail.models import Revision

from cms import changes
from directory.models import AlertSubscription
from directory.outreach.recipients import ENTRY_MODELS, entry_language, named_in

from . import links

ONE_CLICK = "List-Unsubscribe=One-Click"


def _page(request, language, title, text, button=None, status=200):
    with translation.override(language):
        response = render(
            request,
            "directory/outreach/link.html",
            {
                "language": language,
                "site_name": settings.WAGTAIL_SITE_NAME,
                "title": title(),
                "text": text(),
                "button": button() if button else None,
            },
            status=status,
        )
    response["X-Robots-Tag"] = "noindex"
    return response


def _bad_link(request, error):
    language = translation.get_language() or settings.LANGUAGE_CODE
    if isinstance(error, links.LinkExpired):
        return _page(
            request,
            language,
            lambda: _("This link has expired"),
            lambda: _("Links in our e-mails work for a limited time: use a newer e-mail."),
            status=410,
        )
    return _page(
        request,
        language,
        lambda: _("This link is not valid"),
        lambda: _("Check that the whole link was copied from the e-mail."),
        # Not 404, which LocaleMiddleware would turn into a redirect to /en/<this path>.
        status=400,
    )


def _read(action, token):
    """The value of a valid token, else the error to show."""
    try:
        return links.read_token(action, token), None
    except (links.LinkExpired, links.LinkInvalid) as error:
        return None, error


def _subscription(value):
    try:
        return AlertSubscription.objects.filter(token=uuid.UUID(hex=str(value))).first()
    except ValueError:
        return None


def _names(subscription):
    return {"list": subscription.get_kind_display(), "site": settings.WAGTAIL_SITE_NAME}


@never_cache
@csrf_exempt
@require_http_methods(["GET", "POST"])
def confirm_alert(request, token):
    value, error = _read(links.CONFIRM, token)
    subscription = _subscription(value) if error is None else None
    if subscription is None:
        return _bad_link(request, error or links.LinkInvalid())
    if request.method == "POST":
        if not subscription.confirmed:
            now = timezone.now()
            AlertSubscription.objects.filter(pk=subscription.pk).update(
                confirmed_at=now, last_digest_at=now
            )
        return _page(
            request,
            subscription.locale,
            lambda: _("Your alert is confirmed"),
            lambda: (
                _(
                    "You will get an e-mail when there are new %(list)s, at most once a week. "
                    "Each one has a link to unsubscribe."
                )
                % _names(subscription)
            ),
        )
    return _page(
        request,
        subscription.locale,
        lambda: _("Confirm your alert"),
        lambda: (
            _("Get e-mails about new %(list)s in the %(site)s directory, at most once a week?")
            % _names(subscription)
        ),
        lambda: _("Confirm"),
    )


@never_cache
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    value, error = _read(links.UNSUBSCRIBE, token)
    if error is not None:
        return _bad_link(request, error)
    subscription = _subscription(value)
    language = subscription.locale if subscription else translation.get_language()
    if request.method == "POST":
        # Unsubscribing deletes the address: nothing of the subscriber is kept.
        AlertSubscription.objects.filter(token=uuid.UUID(hex=str(value))).delete()
        if request.POST.get("List-Unsubscribe") == "One-Click":
            return HttpResponse(status=204)
        return _page(
            request,
            language,
            lambda: _("You are unsubscribed"),
            lambda: _("You will get no more e-mails from this alert; your address is deleted."),
        )
    if subscription is None:  # gone already: say so, ask nothing
        return _page(
            request,
            language,
            lambda: _("You are unsubscribed"),
            lambda: _("You will get no more e-mails from this alert; your address is deleted."),
        )
    return _page(
        request,
        language,
        lambda: _("Unsubscribe"),
        lambda: _("Stop the e-mails about new %(list)s?") % _names(subscription),
        lambda: _("Unsubscribe"),
    )


def _entry_rows(value):
    """Every row (any state) of the entry a link names, the original first."""
    try:
        label, key = value
        key = uuid.UUID(str(key))
    except (TypeError, ValueError):
        return []
    model = next((model for model in ENTRY_MODELS if model._meta.label_lower == label), None)
    if model is None:
        return []
    return list(model.objects.filter(translation_key=key).select_related("locale").order_by("pk"))


def opt_out(rows):
    """Stop messages to the entry: on every row, and in the latest revision of each, so that
    the editor's next publish keeps it off. Not a publish: nothing public changes but the
    `contactable` flag, for which the public caches start a new generation."""
    model = type(rows[0])
    with transaction.atomic():
        model.objects.filter(pk__in=[row.pk for row in rows]).update(accepts_contact=False)
        for row in rows:
            if row.latest_revision_id:
                revision = Revision.objects.filter(pk=row.latest_revision_id).first()
                if revision and revision.content.get("accepts_contact", True):
                    revision.content["accepts_contact"] = False
                    revision.save(update_fields=["content"])
    changes.announce(model)


@never_cache
@csrf_exempt
@require_http_methods(["GET", "POST"])
def contact_opt_out(request, token):
    value, error = _read(links.OPT_OUT, token)
    if error is not None:
        return _bad_link(request, error)
    rows = _entry_rows(value)
    if not rows:
        return _bad_link(request, links.LinkInvalid())
    language = entry_language(rows)
    names = {"entry": named_in(rows, language).name, "site": settings.WAGTAIL_SITE_NAME}
    if request.method == "POST":
        if rows[0].accepts_contact:
            opt_out(rows)
        if request.POST.get("List-Unsubscribe") == "One-Click":
            return HttpResponse(status=204)
        return _page(
            request,
            language,
            lambda: _("Messages stopped"),
            lambda: (
                _(
                    "%(entry)s gets no more messages through the %(site)s directory. "
                    "To get them again, ask the network's editors."
                )
                % names
            ),
        )
    return _page(
        request,
        language,
        lambda: _("Stop messages through the directory"),
        lambda: (
            _(
                "Visitors of the %(site)s directory will no longer be able to write to %(entry)s "
                "through it. They were never shown your address."
            )
            % names
        ),
        lambda: _("Stop messages"),
    )
