"""When a directory entry is stale: the one rule behind `stale`, its filter and the yearly
"still correct?" e-mails (README: Freshness).

An entry is fresh when someone verified it with the organisation within the last
DIRECTORY_STALE_AFTER_DAYS days, counted in whole days of the site's time zone: verified exactly
that many days ago is still fresh, a day more is stale. Never verified is stale. The model's
`stale` property and the queryset condition `stale_condition` say the same, so the API field,
the `stale` filter, the admin filter and the dashboard count can never disagree.

This module sits below the models and imports none of the directory's modules.
"""

import datetime

from django.conf import settings
from django.db.models import Q
from django.utils import timezone


def today():
    return timezone.localdate()


def stale_after_days():
    return settings.DIRECTORY_STALE_AFTER_DAYS


def fresh_since(on=None):
    """The earliest `last_verified` that is still fresh on the day `on` (default today)."""
    return (on or today()) - datetime.timedelta(days=stale_after_days())


def is_stale(last_verified, on=None):
    return last_verified is None or last_verified < fresh_since(on)


def stale_condition(stale=True, on=None, field="last_verified"):
    """The rows that are stale (or, with `stale=False`, fresh) on the day `on`."""
    since = fresh_since(on)
    if stale:
        return Q(**{f"{field}__lt": since}) | Q(**{f"{field}__isnull": True})
    return Q(**{f"{field}__gte": since})
