"""Absolute addresses: of this CMS (calendar links, JSON-LD, feed self links) and of items on
the public website, which is the frontends' (Atom feed entries)."""

from django.conf import settings


def public_base_url():
    """Where this CMS is publicly reachable."""
    return (settings.PUBLIC_BASE_URL or settings.WAGTAILADMIN_BASE_URL).rstrip("/")


def absolute_url(url):
    return url if "://" in url else public_base_url() + url


def frontend_url(kind, locale, **parts):
    """An item's address on the public website: `FRONTEND_PATHS[kind]` on `FRONTEND_BASE_URL`.
    Kinds: enterprise and event (with `slug`), page (with `path`, its path within the locale)."""
    base = (settings.FRONTEND_BASE_URL or public_base_url()).rstrip("/")
    return base + settings.FRONTEND_PATHS[kind].format(locale=locale, **parts)
