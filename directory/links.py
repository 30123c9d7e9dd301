"""Public addresses of directory records, for the API, JSON-LD and the feeds.

Models declare fields with these (an event's `icsUrl`), so this module sits below the models
and imports none of the directory's other modules.
"""

from urllib.parse import urlencode

from django.urls import reverse

from cms.graphql.fields import requested_language
from cms.graphql.locales import SOURCE_LANGUAGE
from cms.links import absolute_url, frontend_url, public_base_url

__all__ = ["IcsUrl", "absolute_url", "event_ics_url", "frontend_url", "public_base_url"]


def event_ics_url(event, language=SOURCE_LANGUAGE):
    url = public_base_url() + reverse("event-ics", args=[event.slug])
    if language != SOURCE_LANGUAGE:
        url += "?" + urlencode({"locale": language})
    return url


class IcsUrl:
    """Descriptor for `Event.graphql_fields`: the event's own .ics in the requested locale."""

    def __get__(self, instance, owner):
        if instance is None:
            return self

        def resolve(info, **kwargs):
            return event_ics_url(instance, requested_language(info))

        return resolve
