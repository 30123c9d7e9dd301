"""Bulk writing shared by `seed_demo` and `import_directory`: thousands of directory rows
with their many-to-many links and search index entries, in a fixed number of queries."""

from django.core.management.base import CommandError

from wagtail.models import Locale
from wagtail.search.backends import get_search_backends

from directory import models as directory

BATCH_SIZE = 1000


def english_locale():
    try:
        return Locale.objects.get(language_code="en")
    except Locale.DoesNotExist:
        raise CommandError("No English locale: run `manage.py migrate` first.") from None


class Vocabularies:
    """The English vocabulary rows by code: relations always point at these (see directory)."""

    def __init__(self, locale):
        def by_code(model):
            rows = model.objects.filter(locale=locale)
            return {getattr(row, model.code_field): row for row in rows}

        self.sectors = by_code(directory.Sector)
        self.sdgs = by_code(directory.Sdg)
        self.target_groups = by_code(directory.TargetGroup)
        self.statuses = by_code(directory.RecognisedStatus)
        self.collaboration = by_code(directory.Term)
        self.support_types = by_code(directory.SupportType)
        self.event_types = by_code(directory.EventType)
        self.topics = by_code(directory.Topic)

    @staticmethod
    def pick(terms, codes):
        missing = [code for code in codes if code not in terms]
        if missing:
            raise CommandError(
                f"Vocabulary terms missing: {', '.join(map(str, missing))}. "
                "Run `manage.py migrate` (directory/migrations/0002_vocabularies.py loads them)."
            )
        return [terms[code] for code in codes]

    def one(self, terms, code):
        return self.pick(terms, [code])[0]


def batched(items, size):
    """itertools.batched, which arrives in Python 3.12."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def bulk_relations(model, rows, relations):
    """Fill the many-to-many tables of freshly bulk-created rows, one bulk_create per table."""
    names = relations[0].keys() if relations else []
    for name in names:
        field = model._meta.get_field(name)
        through = field.remote_field.through
        own, other = f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"
        links = [
            through(**{own: row.pk, other: term.pk})
            for row, related in zip(rows, relations, strict=True)
            for term in related[name]
        ]
        through.objects.bulk_create(links, batch_size=5000)


def bulk_index(model, rows):
    """Add rows to every search backend in one call per backend, as `update_index` does."""
    for backend in get_search_backends(with_auto_update=True):
        backend.add_bulk(model, rows)
