"""The one visibility rule: what the public API and the public site may show.

Pages: live, not behind a view restriction, not expired, inside a site tree.
Directory records: published and not expired (`PublishableQuerySet.public`).
Every resolver starts from these querysets; none re-implements the rule.
"""

from django.db.models import F, Q
from django.utils import timezone

from wagtail.models import Page


def not_expired():
    return Q(expire_at__isnull=True) | Q(expire_at__gt=timezone.now())


def visible_pages(model=Page):
    """Public pages of `model` (a Page subclass), in any locale.

    An alias of a page in another locale (wagtail-localize makes them for the parents of a
    first translation and for "sync from English") is untranslated content: it is left out,
    so the English page is served with `locale: en`, as the fallback rule says.
    """
    return (
        model.objects.live()
        .public()
        .filter(not_expired(), depth__gte=2)
        .exclude(Q(alias_of__isnull=False) & ~Q(alias_of__locale_id=F("locale_id")))
    )


def visible_records(model):
    """Public directory records (enterprises, organisations, events).

    Vocabulary terms have no drafts: every term is public.
    """
    manager = model._default_manager
    return manager.public() if hasattr(manager, "public") else manager.all()
