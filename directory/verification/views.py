"""The pages of the "still correct?" links: confirm, update, and their answers.

Never cached and never indexed; the address carries a token, so no page sends a Referer to the
links it shows. An invalid or expired link gets a page that names no entry.
"""

from django.shortcuts import render
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from directory.mutations import Errors, build_enterprise

from .forms import EntryUpdateForm
from .links import LinkExpired, LinkInvalid
from .record import entry_for_link, propose_update, record_verification

TEMPLATES = "directory/verification/"
SHOWN = ["name", "summary", "country", "city", "website", "email", "phone"]


def _page(request, template, context=None, status=200):
    response = render(request, TEMPLATES + template, context or {}, status=status)
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    add_never_cache_headers(response)
    return response


def _refused(request, error):
    """The page of a link that does not work: expired (410) or invalid (404)."""
    expired = isinstance(error, LinkExpired)
    return _page(request, "invalid.html", {"expired": expired}, status=410 if expired else 404)


def public_facts(entry):
    """(label, value) of the entry's public data the confirm page shows, in the active
    language; never a private field."""

    def label(name):
        return capfirst(entry._meta.get_field(name).verbose_name)

    facts = []
    for name in SHOWN:
        value = getattr(entry, name)
        if name == "country":
            value = value.name if value else ""
        if value:
            facts.append((label(name), value))
    verified = entry.last_verified
    facts.append((label("last_verified"), date_format(verified) if verified else _("never")))
    return facts


@require_http_methods(["GET", "POST"])
def confirm(request, token):
    """GET: "still correct?" with the entry's public data; POST: yes, it is."""
    try:
        entry, language = entry_for_link(token)
    except (LinkExpired, LinkInvalid) as error:
        return _refused(request, error)
    with translation.override(language):
        if request.method == "POST":
            record_verification(entry)
            return _page(request, "thanks.html", {"entry": entry, "changed": False})
        context = {"entry": entry, "token": token, "facts": public_facts(entry)}
        return _page(request, "confirm.html", context)


@require_http_methods(["GET", "POST"])
def update(request, token):
    """GET: the entry's public data to correct; POST: the corrections, to the moderators."""
    try:
        entry, language = entry_for_link(token)
    except (LinkExpired, LinkInvalid) as error:
        return _refused(request, error)
    with translation.override(language):
        data = request.POST if request.method == "POST" else None
        form = EntryUpdateForm(entry, language, data=data)
        if data is None or not form.is_valid():
            return _page(request, "update.html", {"entry": entry, "form": form, "token": token})
        changed = form.changed_fields()
        if not changed:
            record_verification(entry)
            return _page(request, "thanks.html", {"entry": entry, "changed": False})
        errors = Errors()
        proposed, relations = build_enterprise(form.submission_input(), errors)
        if errors:
            form.add_submission_errors(errors.messages)
            return _page(request, "update.html", {"entry": entry, "form": form, "token": token})
        propose_update(entry, proposed, relations, keep_description="description" not in changed)
        return _page(request, "thanks.html", {"entry": entry, "changed": True})
