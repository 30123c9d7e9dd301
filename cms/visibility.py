"""The one visibility rule: what the public API and the public HTML may show.

Pages: live, not behind a view restriction, inside their publication window (`go_live_at`
passed or unset, `expire_at` not reached or unset), inside a site tree.
Directory records: published, not marked expired, inside the same publication window.
A row with `live=True` and a future `go_live_at` (an import, a direct write) is not visible
until that time; Wagtail's own publishing never makes one, `publish_scheduled` does it later.

Every surface starts from these querysets and none re-implements the rule: the GraphQL root
fields and nested relations, search, feeds, and the server-rendered HTML.

What HTML this headless CMS serves: the public site is the frontends'. The templates exist so
editors can preview a draft in the admin (Wagtail's preview and wagtail-headless-preview's
"Frontend" mode), and Wagtail serves the same templates at `/<locale>/<path>/`. Those public
URLs answer 404 for every page this rule hides (`BasePage.route`), and every related item,
child-page list and link a template prints goes through `visible_versions` (the model methods
and the `visibility_tags` filters), so a draft enterprise, an expired page or a draft page's
slug never reaches public HTML. An admin preview renders the draft being previewed, but what it
links to and lists obeys the rule: the editor sees what the public will see once it is live.
"""

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from wagtail.models import DraftStateMixin, Page

from cms.locale_ids import locale_ids


def in_publication_window():
    """Gone live (or no go-live time) and not yet expired (or no expiry)."""
    now = timezone.now()
    return (Q(go_live_at__isnull=True) | Q(go_live_at__lte=now)) & (
        Q(expire_at__isnull=True) | Q(expire_at__gt=now)
    )


def visible_pages(model=Page):
    """Public pages of `model` (a Page subclass), in any locale.

    An alias of a page in another locale (wagtail-localize makes them for the parents of a
    first translation and for "sync from English") is untranslated content: it is left out,
    so the English page is served with `locale: en`, as the fallback rule says.
    """
    return (
        model.objects.live()
        .public()
        .filter(in_publication_window(), depth__gte=2)
        .exclude(Q(alias_of__isnull=False) & ~Q(alias_of__locale_id=F("locale_id")))
    )


def visible_records(model):
    """Public directory records (enterprises, organisations, events).

    Vocabulary terms have no drafts: every term is public.
    """
    manager = model._default_manager
    if not issubclass(model, DraftStateMixin):
        return manager.all()
    return manager.filter(published_record())


def visible_search_rows(search_model):
    """The rows of a search table (`directory.models.search`, PostgreSQL only) whose records
    are public: the same rule, on the columns the rows copy from their records."""
    return search_model._default_manager.filter(published_record())


def published_record():
    """The rule for a record with drafts: published, not marked expired, in its window."""
    return Q(live=True, expired=False) & in_publication_window()


def visible_versions(rows, language_code):
    """What the public may see of `rows` (pages or records), for a reader of `language_code`.

    Each row is swapped for its visible translation in that language, else its visible English
    version; a row with neither is dropped. Order is kept, duplicates are dropped; pages come
    back as their specific class. A few queries per model, whatever the number of rows.
    """
    rows = [row for row in rows if row is not None]
    best = visible_version_map(rows, language_code)
    result = []
    for row in rows:
        found = best.get(version_key(row))
        if found is not None and found not in result:
            result.append(found)
    return result


def visible_version(row, language_code):
    """The one-row form of `visible_versions`: the visible version of `row`, or None."""
    return visible_version_map([row], language_code).get(version_key(row)) if row else None


def version_key(row):
    """What every translation of `row` shares (pages of all classes share one tree)."""
    return (Page if isinstance(row, Page) else type(row), row.translation_key)


def visible_version_map(rows, language_code):
    """`version_key(row)` -> the visible version `visible_versions` would give for it."""
    chain = [language_code, settings.LANGUAGE_CODE]
    ids = locale_ids()
    rank_of = {ids[code]: chain.index(code) for code in chain if code in ids}
    keys_by_model = {}
    for row in rows:
        model, key = version_key(row)
        keys_by_model.setdefault(model, set()).add(key)
    best = {}
    for model, keys in keys_by_model.items():
        queryset = visible_pages() if model is Page else visible_records(model)
        candidates = queryset.filter(translation_key__in=keys, locale_id__in=rank_of)
        # Served rows say which locale they are in (GraphQL `locale`), without a query each.
        candidates = (
            candidates.specific() if model is Page else candidates.select_related("locale")
        )
        for candidate in candidates:
            key = (model, candidate.translation_key)
            current = best.get(key)
            if current is None or rank_of[candidate.locale_id] < rank_of[current.locale_id]:
                best[key] = candidate
    return best
