"""Bulk writing shared by `seed_demo` and `import_directory`: thousands of directory rows
with their many-to-many links and search index entries, in a fixed number of queries."""

from django.core.management.base import CommandError
from django.db import connection

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


def insert_rows(model, objects):
    """Insert new rows whose primary keys nobody needs back (log entries, links).

    On PostgreSQL one `COPY ... FROM STDIN` per call (`copy_values`); elsewhere bulk_create.
    Neither sends signals.
    """
    if not objects:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objects, batch_size=5000)
        return
    fields = [
        field
        for field in model._meta.concrete_fields
        if not (field.primary_key and getattr(objects[0], field.attname) is None)
    ]
    copy_values(
        model,
        fields,
        (
            [field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields]
            for obj in objects
        ),
    )


def allocate_ids(model, count):
    """`count` new primary keys of `model` from its sequence (PostgreSQL), so that rows can be
    written with their ids, and rows pointing at them before them."""
    meta = model._meta
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def copy_values(model, fields, rows):
    """PostgreSQL's `COPY ... FROM STDIN` of `rows` (lists of database values of `fields`).

    bulk_create compiles every value of every row into one INSERT statement, which psycopg
    then parses back into parameters; COPY sends the values as they are. Statement triggers
    run as for an INSERT.
    """
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


def bulk_relations(model, rows, relations):
    """Fill the many-to-many tables of freshly bulk-created rows, one insert per table."""
    names = relations[0].keys() if relations else []
    for name in names:
        field = model._meta.get_field(name)
        through = field.remote_field.through
        own, other = field.m2m_field_name(), field.m2m_reverse_field_name()
        pairs = [
            (row.pk, term.pk)
            for row, related in zip(rows, relations, strict=True)
            for term in related[name]
        ]
        if connection.vendor == "postgresql":
            # Plain ids: a model instance per link cost more than writing it.
            fields = [through._meta.get_field(own), through._meta.get_field(other)]
            copy_values(through, fields, pairs)
        else:
            links = [through(**{f"{own}_id": a, f"{other}_id": b}) for a, b in pairs]
            through.objects.bulk_create(links, batch_size=5000)


def bulk_index(model, rows):
    """Add rows to every search backend in one call per backend, as `update_index` does."""
    for backend in get_search_backends(with_auto_update=True):
        backend.add_bulk(model, rows)
