"""Signed, expiring links in e-mails: confirming an alert, unsubscribing, an entry opting out
of messages.

A link carries what it acts on and the action, signed with SECRET_KEY (django.core.signing)
and timestamped, so it cannot be made for another subscription or entry, nor used after its
lifetime. Each action has its own salt: an unsubscribe link never confirms.
"""

import datetime

from django.conf import settings
from django.core import signing
from django.urls import reverse

from cms.links import public_base_url

CONFIRM = "confirm"
UNSUBSCRIBE = "unsubscribe"
OPT_OUT = "opt-out"

_URL_NAMES = {
    CONFIRM: "alert-confirm",
    UNSUBSCRIBE: "alert-unsubscribe",
    OPT_OUT: "contact-opt-out",
}


class LinkExpired(Exception):
    pass


class LinkInvalid(Exception):
    pass


def lifetime(action):
    """How long a link of `action` stays valid."""
    days = {
        CONFIRM: settings.ALERT_CONFIRM_DAYS,
        UNSUBSCRIBE: settings.ALERT_UNSUBSCRIBE_DAYS,
        OPT_OUT: settings.CONTACT_OPT_OUT_DAYS,
    }[action]
    return datetime.timedelta(days=days)


def _salt(action):
    return f"directory.outreach.{action}"


def make_token(action, value):
    return signing.dumps(value, salt=_salt(action), compress=True)


def read_token(action, token):
    """The value a link of `action` carries; LinkExpired or LinkInvalid otherwise."""
    try:
        return signing.loads(token, salt=_salt(action), max_age=lifetime(action))
    except signing.SignatureExpired as error:
        raise LinkExpired from error
    except signing.BadSignature as error:
        raise LinkInvalid from error


def signed_url(action, value):
    token = make_token(action, value)
    return public_base_url() + reverse(_URL_NAMES[action], args=[token])


def subscription_url(action, subscription):
    return signed_url(action, subscription.token.hex)


def opt_out_url(entry):
    return signed_url(OPT_OUT, [entry._meta.label_lower, str(entry.translation_key)])


def list_unsubscribe_headers(url):
    """RFC 8058 one-click unsubscription: a mail client may POST to `url` without a page."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
