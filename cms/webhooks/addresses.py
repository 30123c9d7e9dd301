"""Which URLs an endpoint may have: http(s) only, and hostnames resolving to public addresses.

A webhook makes this server send requests wherever an administrator points it, so a URL on
the server's own network (a database, a cloud metadata service at 169.254.169.254) would turn
it into a proxy into that network. The check runs when the endpoint is saved and again at each
send, and the send connects to the address checked then: a DNS name that answered a public
address at save time and a private one later (DNS rebinding) is refused at send time.
"""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def is_public(address):
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone ("fe80::1%eth0")
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check_url(url):
    """The addresses to connect to for `url`, every one of them allowed; else ValidationError.

    With WEBHOOKS_ALLOW_PRIVATE_URLS only the scheme and the name's resolution are checked.
    """
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"}:
        raise ValidationError(_("Only http and https URLs can receive webhooks."), code="scheme")
    host = parts.hostname
    if not host:
        raise ValidationError(_("The URL has no host name."))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise ValidationError(_("The URL's port is not a number from 0 to 65535.")) from None
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise ValidationError(
            _("The host name %(host)s does not resolve.") % {"host": host}, code="unresolvable"
        ) from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not settings.WEBHOOKS_ALLOW_PRIVATE_URLS:
        refused = [address for address in addresses if not is_public(address)]
        if refused:
            raise ValidationError(
                _(
                    "%(host)s resolves to %(address)s, a private, loopback, link-local or "
                    "reserved address: webhooks are only sent to public addresses."
                )
                % {"host": host, "address": refused[0]},
                code="private",
            )
    return addresses
