"""The database id of each configured locale, looked up once per process.

Lists filter on `locale_id = <id>` instead of joining `wagtailcore_locale` on `language_code`:
the planner cannot tell how many rows a language code stands for and misestimates the join,
and every lookup of the locale table is a query of its own where the id is needed (fallback
ranks). Locales change only when an administrator adds or removes a language, so the map is
kept until a Locale is saved or deleted, or the database is flushed and migrated again (tests
of transactions flush the database, which sends no delete signals, and the ids come back
different).
"""

from django.db.models.signals import post_delete, post_migrate, post_save

from wagtail.models import Locale

_ids_by_database = {}


def locale_ids(using="default"):
    """{language code: locale id} of the database `using`."""
    ids = _ids_by_database.get(using)
    if ids is None:
        ids = dict(Locale.objects.using(using).values_list("language_code", "pk"))
        _ids_by_database[using] = ids
    return ids


def locale_id(code, using="default"):
    """The id of the locale `code`; None when no such locale exists (it then matches no row)."""
    return locale_ids(using).get(code)


def forget_locale_ids(**kwargs):
    _ids_by_database.clear()


post_save.connect(forget_locale_ids, sender=Locale, dispatch_uid="locale_ids_saved")
post_delete.connect(forget_locale_ids, sender=Locale, dispatch_uid="locale_ids_deleted")
post_migrate.connect(forget_locale_ids, dispatch_uid="locale_ids_migrated")
