"""What the public mutations share: per-field errors, text cleaning and the rate limit.

`submitEnterprise`, `submitEvent` (directory/mutations.py), `contactEntry` and `subscribe`
(directory/outreach/) all answer bad input with one `FieldError` per input field, so a form can
show each message beside its field, and all count their requests per client address in the
cache every worker process shares.
"""

import ipaddress

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

import graphene
from graphene.utils.str_converters import to_camel_case

from cms.client_address import client_address
from cms.graphql.errors import RateLimited

RATE_WINDOW = 60 * 60


# Rate limit ---------------------------------------------------------------------------------


def counted_as(address):
    """Whom a request is counted against: the address, or for IPv6 its /64 network, since
    one client is handed a whole /64 and may take a new address from it for every request."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6:
        if ip.ipv4_mapped:  # an IPv4 client seen through an IPv6 socket
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def take_slot(request, name, limit, refusal):
    """Count one request of kind `name` from the client's address; past `limit` an hour,
    refuse it with RateLimited(`refusal`).

    The count lives in the shared cache, so every worker process sees the same one. Each
    request takes one of `limit` slots for an hour; when none is free, it is refused. Taking a
    slot is `cache.add`, which is atomic in Redis and in the database cache alike (a unique
    key), whereas `cache.incr` of the database cache is a read and a write that two processes
    can interleave. So at most `limit` requests in any hour.
    """
    shared = caches["shared"]
    client = counted_as(client_address(request))
    for slot in range(limit):
        if shared.add(f"graphql-{name}:{client}:{slot}", 1, timeout=RATE_WINDOW):
            return
    raise RateLimited(refusal.format(limit=limit))


def count_submission(request):
    """At most GRAPHQL_SUBMISSIONS_PER_HOUR submissions per client address an hour."""
    take_slot(
        request,
        "submissions",
        settings.GRAPHQL_SUBMISSIONS_PER_HOUR,
        "Too many submissions from your address: at most {limit} an hour. Please try again later.",
    )


# Field errors -------------------------------------------------------------------------------


class FieldError(graphene.ObjectType):
    field = graphene.String(required=True, description="The input field, as the input names it.")
    message = graphene.String(required=True)


class Errors:
    """Field errors, at most one per input field: the first problem is the one to fix."""

    def __init__(self):
        self.messages = {}

    def add(self, field, message):
        self.messages.setdefault(to_camel_case(field), str(message))

    def __contains__(self, field):
        return to_camel_case(field) in self.messages

    def __bool__(self):
        return bool(self.messages)

    def as_list(self):
        return [
            FieldError(field=field, message=message) for field, message in self.messages.items()
        ]


def honeypot_field():
    return graphene.String(
        description="Keep this field hidden from people and empty: a filled one marks spam."
    )


def clean_text(input, field, errors, required=False, max_length=None, multiline=False):
    value = (input.get(field) or "").strip()
    if not multiline:
        # A line break in a name would end up in an e-mail header or a calendar line.
        value = " ".join(value.split())
    if required and not value:
        errors.add(field, _("This field is required."))
    elif max_length and len(value) > max_length:
        errors.add(
            field,
            _("At most %(limit)d characters; this has %(length)d.")
            % {"limit": max_length, "length": len(value)},
        )
    return value


def clean_email(input, field, errors):
    """A required e-mail address, checked as Django's EmailField checks one."""
    value = clean_text(input, field, errors, required=True, max_length=254)
    if value and field not in errors:
        try:
            validate_email(value)
        except ValidationError as error:
            errors.add(field, error.messages[0])
    return value
