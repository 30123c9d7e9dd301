"""The e-mails of contact and alerts, each in the language given (subject, body, headers).

Plain text: what a visitor wrote is relayed as written, never as markup. Every e-mail to a
subscriber carries its unsubscribe link in the body and as RFC 8058 headers; a relayed message
carries the entry's opt-out link the same way.
"""

from email.utils import formataddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import formats, translation
from django.utils.translation import gettext as _

from graphene.utils.str_converters import to_camel_case

from . import links


def _kind_label(subscription):
    return subscription.get_kind_display()


def _filter_line(subscription):
    """The saved filter as the API names it, e.g. "countries: DK, LV; sectors: Q"."""
    parts = []
    for key, value in sorted((subscription.filter or {}).items()):
        if isinstance(value, list):
            value = ", ".join(map(str, value))
        elif isinstance(value, dict):
            value = ", ".join(f"{k}={v}" for k, v in value.items())
        parts.append(f"{to_camel_case(key).rstrip('_')}: {value}")
    return "; ".join(parts)


def _message(subject, body, to, headers=None, reply_to=None):
    return EmailMessage(
        subject,
        body,
        settings.DEFAULT_FROM_EMAIL,
        [to],
        reply_to=reply_to,
        headers=headers or {},
    )


def relay_email(record, entry_name, contact_email, language, opt_out_url):
    with translation.override(language):
        names = {
            "sender": record.sender_name,
            "email": record.sender_email,
            "entry": entry_name,
            "site": settings.WAGTAIL_SITE_NAME,
            "reference": record.reference,
            "url": opt_out_url,
        }
        subject = _("Message from %(sender)s through the %(site)s directory") % names
        intro = _("%(sender)s wrote to %(entry)s through the %(site)s directory:") % names
        outro = (
            _(
                "Reply to this e-mail to answer %(sender)s (%(email)s) directly. "
                "The directory never showed them your address."
            )
            % names
        )
        reference = _("Reference: %(reference)s") % names
        opt_out = _("To receive no more messages through the directory, open: %(url)s") % names
    body = f"{intro}\n\n{record.message}\n\n-- \n{outro}\n\n{reference}\n{opt_out}\n"
    return _message(
        subject,
        body,
        contact_email,
        headers=links.list_unsubscribe_headers(opt_out_url),
        reply_to=[formataddr((record.sender_name, record.sender_email))],
    )


def _unsubscribe_footer(url):
    return _("To unsubscribe, open: %(url)s") % {"url": url}


def confirmation_email(subscription):
    confirm = links.subscription_url(links.CONFIRM, subscription)
    unsubscribe = links.subscription_url(links.UNSUBSCRIBE, subscription)
    with translation.override(subscription.locale):
        names = {
            "list": _kind_label(subscription),
            "site": settings.WAGTAIL_SITE_NAME,
            "days": settings.ALERT_CONFIRM_DAYS,
            "url": confirm,
        }
        subject = _("Confirm your alert: new %(list)s") % names
        lines = [
            _(
                "Someone, hopefully you, asked for e-mails about new %(list)s in the "
                "%(site)s directory, at most once a week."
            )
            % names
        ]
        if subscription.filter:
            lines.append(_("Filter: %(filter)s") % {"filter": _filter_line(subscription)})
        lines += [
            "",
            _("To confirm, open this link within %(days)d days: %(url)s") % names,
            "",
            _("If you did not ask for it, ignore this e-mail: nothing is sent unconfirmed."),
            "",
            _unsubscribe_footer(unsubscribe),
        ]
    return _message(
        subject,
        "\n".join(lines) + "\n",
        subscription.email,
        headers=links.list_unsubscribe_headers(unsubscribe),
    )


def digest_email(subscription, items, more, since):
    """`items`: (title, summary, url) of the newest matches; `more`: how many are left out."""
    unsubscribe = links.subscription_url(links.UNSUBSCRIBE, subscription)
    with translation.override(subscription.locale):
        names = {
            "list": _kind_label(subscription),
            "site": settings.WAGTAIL_SITE_NAME,
            "since": formats.date_format(since, "DATE_FORMAT"),
            "count": len(items) + more,
        }
        subject = _("New %(list)s in the %(site)s directory (%(count)d)") % names
        lines = [_("New %(list)s since %(since)s:") % names]
        if subscription.filter:
            lines.append(_("Filter: %(filter)s") % {"filter": _filter_line(subscription)})
        lines.append("")
        for title, summary, url in items:
            lines.append(f"* {title}")
            if summary:
                lines.append(f"  {summary}")
            lines.append(f"  {url}")
            lines.append("")
        if more:
            lines += [_("… and %(count)d more.") % {"count": more}, ""]
        lines.append(_unsubscribe_footer(unsubscribe))
    return _message(
        subject,
        "\n".join(lines) + "\n",
        subscription.email,
        headers=links.list_unsubscribe_headers(unsubscribe),
    )
