"""The address a request comes from, as far as this CMS can know it.

Without a reverse proxy it is REMOTE_ADDR. Behind TRUSTED_PROXY_COUNT proxies, each of which
appends the address it saw to X-Forwarded-For, it is the entry that many from the right: what
the outermost of our proxies saw. Anything left of that entry was written by the client and is
never read. A header too short for the configured proxies, or with an entry in our part that is
not an IP address, is not ours to trust: the answer is then REMOTE_ADDR.
"""

import ipaddress

from django.conf import settings


def client_address(request):
    """The client's IP address, normalised ("2001:DB8::1" and "2001:db8::1" are one client)."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    entries = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    if len(entries) < proxies:
        return remote
    try:
        ours = [ipaddress.ip_address(entry.strip()) for entry in entries[-proxies:]]
    except ValueError:
        return remote
    return str(ours[0])
