"""Signed, expiring links of the "still correct?" e-mail.

A link names the entry's row and a digest of the contact address it was sent to, signed with
SECRET_KEY under its own salt and timestamped (django.core.signing). So it cannot be made for
another entry, is refused after DIRECTORY_VERIFICATION_LINK_DAYS, and stops working when the
entry's private contact changes: only the person asked can answer.
"""

import datetime

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.crypto import salted_hmac

from cms.links import public_base_url

SALT = "directory.verification"


class LinkExpired(Exception):
    pass


class LinkInvalid(Exception):
    pass


def lifetime():
    return datetime.timedelta(days=settings.DIRECTORY_VERIFICATION_LINK_DAYS)


def contact_digest(entry):
    address = (entry.contact_email or "").strip().lower()
    return salted_hmac(SALT, address).hexdigest()[:16]


def make_token(entry, language):
    value = {
        "m": entry._meta.label_lower,
        "pk": entry.pk,
        "l": language,
        "c": contact_digest(entry),
    }
    return signing.dumps(value, salt=SALT, compress=True)


def read_token(token):
    """What a link carries (`m` model label, `pk`, `l` language, `c` contact digest);
    LinkExpired or LinkInvalid otherwise."""
    try:
        value = signing.loads(token, salt=SALT, max_age=lifetime())
    except signing.SignatureExpired as error:
        raise LinkExpired from error
    except signing.BadSignature as error:
        raise LinkInvalid from error
    if not isinstance(value, dict) or not {"m", "pk", "l", "c"} <= value.keys():
        raise LinkInvalid
    return value


def verification_url(token):
    return public_base_url() + reverse("directory-verification", args=[token])


def update_url(token):
    return public_base_url() + reverse("directory-verification-update", args=[token])
