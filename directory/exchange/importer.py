"""The importer: every row checked into a plan before anything is written, then the plan
written in bulk in one transaction.

New records are written once each on PostgreSQL (`Importer.write_created`: ids from the
sequences, then COPY of revisions, records, links and history); elsewhere inserted, then
given their revision (`insert`, `revise`), as changed records always are. 10,000 new rows on
PostgreSQL: 20.6 -> 17.6 s in `make bench-directory`, more than half of it now the search
index task (Wagtail's indexer, a worker's job in production).
"""

import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from wagtail.models import ModelLogEntry, Revision
from wagtail_localize.fields import SynchronizedField

from cms import changes
from cms.bulk import BATCH_SIZE, allocate_ids, batched, bulk_relations, insert_rows
from cms.tasks import update_search_index
from cms.webhooks import events as webhook_events
from directory import facet_counts

from .columns import IDENTITY, RecordType
from .errors import BadValue, RowError
from .kinds import Countries, Country
from .lookups import (
    SOURCE_LANGUAGE,
    Context,
    is_uuid,
    latest_versions,
    load_relations,
    revision_content,
)


@dataclass
class Plan:
    record_type: RecordType
    rows: list
    errors: list
    publish: bool

    @property
    def counts(self):
        return Counter(row.status for row in self.rows if not row.bad)

    def by_status(self, status):
        return [row for row in self.rows if row.status == status and not row.bad]


def _no_progress(iterable, description, unit="row"):
    return iterable


class Importer:
    """Validates rows into a plan (nothing written), then writes a valid plan in bulk."""

    def __init__(self, record_type, publish=False, progress=_no_progress):
        self.type = record_type
        self.model = record_type.model
        self.publish = publish
        self.progress = progress
        self.context = Context()
        self.columns = {column.name: column for column in record_type.columns}
        self.content_columns = [c for c in record_type.columns if c.name not in IDENTITY]
        self.extra_synchronised = [
            self.model._meta.get_field(item.field_name).attname
            for item in self.model.translatable_fields
            if isinstance(item, SynchronizedField)
            and item.field_name not in self.columns
            and item.field_name != "external_id"
            and not self.model._meta.get_field(item.field_name).many_to_many
        ]

    # Validation

    def plan(self, rows, header=None, errors=()):
        errors = list(errors)
        if header is not None:
            header_errors = self.check_columns(1, header, every_row=True)
            if header_errors:
                # The rows are read against the header: nothing more can be said of them.
                return Plan(self.type, [], header_errors + errors, self.publish)
        else:
            for row in rows:
                found = self.check_columns(row.line, list(row.cells), every_row=False)
                if found:
                    row.bad = True
                    errors += found
        rows = [row for row in rows if not row.bad]
        self.errors = errors
        self.identify(rows)
        self.find_records(rows)
        self.parse(rows)
        self.build(rows)
        self.check_slugs(rows)
        errors.sort(key=lambda error: error.line)
        return Plan(self.type, rows, errors, self.publish)

    def check_columns(self, line, names, every_row):
        errors = []
        for name, count in Counter(names).items():
            if count > 1:
                errors.append(RowError(line, name, "this column appears more than once"))
            if name not in self.columns:
                known = ", ".join(self.columns)
                errors.append(RowError(line, name, f"unknown column; the columns are {known}"))
        for column in self.type.columns:
            if column.required and column.name not in names:
                where = "the header" if every_row else "this record"
                errors.append(RowError(line, column.name, f"required column missing in {where}"))
        return errors

    def fail(self, row, column, message):
        row.bad = True
        self.errors.append(RowError(row.line, column, str(message)))

    def identify(self, rows):
        seen = {}
        for row in rows:
            try:
                row.external_id = self.columns["external_id"].kind.parse(
                    row.cells.get("external_id"), self.context
                )
                language = self.columns["locale"].kind.parse(
                    row.cells.get("locale") or SOURCE_LANGUAGE, self.context
                )
            except BadValue as error:
                column = "external_id" if not row.external_id else "locale"
                self.fail(row, column, error)
                continue
            if not row.external_id:
                self.fail(row, "external_id", "required: a stable id from the source system")
                continue
            if language not in self.context.locales:
                self.fail(row, "locale", f"no {language!r} locale: run `manage.py migrate`")
                continue
            row.locale = self.context.locales[language]
            first = seen.setdefault((row.external_id, language), row)
            if first is not row:
                self.fail(
                    row,
                    "external_id",
                    f"{row.external_id!r} in {language} is already on line {first.line}",
                )

    def find_records(self, rows):
        """The record each row updates: by external id, else by key, else (for a translation)
        the translation of its English record that has no external id yet."""
        model = self.model
        wanted = sorted({row.external_id for row in rows if not row.bad})
        found = {}
        columns = ("pk", "external_id", "translation_key", "locale__language_code")
        for batch in batched(wanted, BATCH_SIZE):
            for pk, external_id, _key, language in model.objects.filter(
                external_id__in=batch
            ).values_list(*columns):
                found[(external_id, language)] = pk
            keys = [item for item in batch if is_uuid(item)]
            by_key = model.objects.filter(translation_key__in=keys, external_id="")
            for pk, _external_id, key, language in by_key.values_list(*columns):
                found.setdefault((str(key), language), pk)
        for row in rows:
            if not row.bad:
                row.record = found.get((row.external_id, row.language))
                if row.language != SOURCE_LANGUAGE:
                    row.source = found.get((row.external_id, SOURCE_LANGUAGE))
        self.load_versions(rows)
        # Translations made before their English record had an external id.
        orphans = defaultdict(list)
        for row in rows:
            if not row.bad and row.record is None and row.source is not None:
                orphans[row.source.translation_key].append(row)
        for batch in batched(list(orphans), BATCH_SIZE):
            for pk, _external_id, key, language in model.objects.filter(
                translation_key__in=batch
            ).values_list(*columns):
                for row in orphans[key]:
                    if row.language == language:
                        row.record = pk
        if orphans:
            self.load_versions(rows)

    def load_versions(self, rows):
        """The database rows (with their relations) and latest versions of the records."""
        pks = set()
        for row in rows:
            for found in (row.record, row.source):
                if found is not None:
                    pks.add(getattr(found, "pk", found))
        fetched = {}
        for batch in batched(sorted(pks), BATCH_SIZE):
            for record in self.model.objects.filter(pk__in=batch).select_related("locale"):
                fetched[record.pk] = record
        load_relations(self.model, list(fetched.values()))
        for row in rows:
            if row.record is not None:
                row.record = fetched[getattr(row.record, "pk", row.record)]
            if row.source is not None:
                row.source = fetched[getattr(row.source, "pk", row.source)]
        self.versions = latest_versions(self.model, list(fetched.values()))

    def parse(self, rows):
        live_rows = [row for row in rows if not row.bad]
        for column in self.content_columns:
            if hasattr(column.kind, "prepare"):
                values = [row.cells[column.name] for row in live_rows if column.name in row.cells]
                column.kind.prepare(values, self.context)
        for row in self.progress(live_rows, "Checking"):
            for name, value in row.cells.items():
                column = self.columns[name]
                if name in IDENTITY:
                    continue
                try:
                    row.values[name] = column.kind.parse(value, self.context)
                except BadValue as error:
                    self.fail(row, name, error)
                    continue
                if column.required and column.kind.empty(row.values[name]):
                    self.fail(row, name, "required: this cannot be empty")

    def build(self, rows):
        """Make each row's version of its record and decide created/updated/unchanged.

        English rows first, so that a translation can be made of a record the same file
        creates.
        """
        ordered = sorted(
            (row for row in rows if not row.bad), key=lambda row: row.language != SOURCE_LANGUAGE
        )
        english = {}
        for row in ordered:
            if row.language == SOURCE_LANGUAGE:
                english[row.external_id] = row
            if row.record is not None:
                self.update(row)
            elif row.language == SOURCE_LANGUAGE:
                self.create(row)
            else:
                self.translate(row, english.get(row.external_id))
            if row.status != "unchanged" and not row.bad:
                self.validate(row)

    def create(self, row):
        version = self.model(
            locale=row.locale, translation_key=uuid.uuid4(), external_id=row.external_id
        )
        # Relations held in memory, so that nothing asks the database about an unsaved record.
        empty = {
            name: frozenset()
            for name, column in self.columns.items()
            if column.kind.many_to_many and name not in row.values
        }
        self.apply(row, version, {**empty, **row.values})
        if not version.slug:
            label = getattr(version, self.type.label_field)
            version.slug = slugify(label)[:120].strip("-")
            if not version.slug:
                self.fail(row, "slug", "cannot make a slug from the name: give one")
        row.version, row.status = version, "created"

    def translate(self, row, english_row):
        source = self.versions[row.source.pk] if row.source is not None else None
        if english_row is not None and english_row.version is not None:
            source = english_row.version
        if source is None:
            self.fail(
                row,
                "external_id",
                f"no English record with the external id {row.external_id!r}, in the "
                "database or in this file: a translation needs its English source",
            )
            return
        version = self.model(
            locale=row.locale,
            translation_key=source.translation_key,
            external_id=source.external_id,
        )
        inherited = {
            column.name: column.kind.get(source, self.context)
            for column in self.content_columns
            if column.name not in row.values
        }
        for attname in self.extra_synchronised:
            setattr(version, attname, getattr(source, attname))
        self.apply(row, version, {**inherited, **row.values})
        if not version.slug:
            version.slug = source.slug
        row.version, row.status = version, "created"

    def update(self, row):
        record = row.record
        version = self.versions[record.pk]
        values = dict(row.values)
        if not values.get("slug"):
            values.pop("slug", None)
        # --publish makes the file's content live: compared with what is live, so that a
        # draft waiting for moderation is left alone when the file already matches.
        current = record if self.publish and record.live else version
        changed = [
            name
            for name, value in values.items()
            if self.columns[name].kind.get(current, self.context) != value
        ]
        # A row matched through its key keeps the record without an external id.
        new_id = row.external_id if row.external_id != str(record.translation_key) else ""
        if new_id != record.external_id:
            changed.append("external_id")
        needs_publishing = self.publish and not record.live
        if not changed and not needs_publishing:
            row.status = "unchanged"
            return
        if record.locked:
            who = record.locked_by.get_username() if record.locked_by else "someone"
            self.fail(row, "", f"{record} is locked in the admin by {who}: unlock it first")
            return
        row.db_before = {f.attname: f.value_from_object(record) for f in self.model._meta.fields}
        row.relations_before = {
            name: self.columns[name].kind.get(record, self.context)
            for name, column in self.columns.items()
            if column.kind.many_to_many
        }
        version.external_id = new_id
        self.apply(row, version, values)
        row.version, row.status = version, "updated"

    def apply(self, row, version, values):
        for name, value in values.items():
            self.columns[name].kind.put(version, value, self.context)

    def validate(self, row):
        # Relations were looked up in bulk, and country codes checked against the same list,
        # while Django would query per relation and rebuild 250 country choices per row.
        exclude = [f.name for f in self.model._meta.fields if f.is_relation]
        exclude += [
            name for name, c in self.columns.items() if isinstance(c.kind, Country | Countries)
        ]
        try:
            row.version.full_clean(
                exclude=exclude, validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                column = name if name in self.columns else ""
                for message in messages:
                    self.fail(row, column, message.rstrip("."))

    def check_slugs(self, rows):
        """(slug, locale) is unique: within the file, and against the records it leaves."""
        claims = {}
        for row in rows:
            if row.bad or (row.version is None and row.record is None):
                continue
            slug = (row.version or self.versions[row.record.pk]).slug
            first = claims.setdefault((slug, row.language), row)
            if first is not row:
                self.fail(row, "slug", f"{slug!r} is also the slug on line {first.line}")
        mine = {row.record.pk for row in rows if row.record is not None}
        slugs = sorted({slug for slug, _language in claims})
        for batch in batched(slugs, BATCH_SIZE):
            holders = self.model.objects.filter(slug__in=batch).values_list(
                "pk", "slug", "locale__language_code", self.type.label_field
            )
            for pk, slug, language, label in holders:
                row = claims.get((slug, language))
                if pk not in mine and row is not None and not row.bad:
                    self.fail(
                        row,
                        "slug",
                        f"{slug!r} is already the slug of {label!r} (id {pk}) in {language}",
                    )

    # Writing

    def write(self, plan):
        created, updated = plan.by_status("created"), plan.by_status("updated")
        for row in created:
            row.writes_row = True
        for row in updated:
            # A draft of a published record waits in its revision, as an admin edit does.
            row.writes_row = self.publish or not row.record.live
        now = timezone.now()
        with transaction.atomic(), facet_counts.deferred(self.model):
            if connection.vendor == "postgresql":
                self.write_created(created, now)
                revised = updated
            else:
                self.insert(created)
                revised = created + updated
            self.update_rows([row for row in updated if row.writes_row])
            self.revise(revised, now)
            written = [row.version.pk for row in created + updated if row.writes_row]
            # Indexing thousands of rows is the worker's: enqueued in this transaction, the
            # database backend's tasks become visible to it together with the rows.
            for batch in batched(written, BATCH_SIZE):
                update_search_index.enqueue(self.model._meta.label, batch)
            # Bulk writes announce nothing by themselves: cached answers must be renewed, and
            # webhook endpoints told of each record this import published.
            changes.announce(self.model)
            if self.publish:
                published = [row.version for row in created + updated if row.writes_row]
                webhook_events.emit_many("published", published)

    def write_created(self, rows, now):
        """New records in their final state, on PostgreSQL: their ids and their revisions' ids
        are taken from the sequences first, so each batch is written once, by COPY (revisions,
        records, links, history), where `insert` then `revise` write each record twice."""
        content_type = ContentType.objects.get_for_model(self.model)
        for batch in self.progress(list(batched(rows, BATCH_SIZE)), "Creating", "batch"):
            versions = [row.version for row in batch]
            for version, pk in zip(versions, allocate_ids(self.model, len(batch)), strict=True):
                version.pk = pk
            revisions = [self.revision(row, now, content_type) for row in batch]
            for revision, pk in zip(revisions, allocate_ids(Revision, len(batch)), strict=True):
                revision.pk = pk
            insert_rows(Revision, revisions)
            entries = []
            for row, revision in zip(batch, revisions, strict=True):
                entries += self.settle(row, revision, content_type, now)
            insert_rows(self.model, versions)
            self.link(versions)
            insert_rows(ModelLogEntry, entries)

    def insert(self, rows):
        for batch in self.progress(list(batched(rows, BATCH_SIZE)), "Creating", "batch"):
            versions = [row.version for row in batch]
            for version in versions:
                version.live = False
                version.has_unpublished_changes = True
            self.model.objects.bulk_create(versions)
            self.link(versions)

    def link(self, versions):
        """The many-to-many links of freshly written records."""
        names = [n for n, c in self.columns.items() if c.kind.many_to_many]
        if names:
            relations = [
                {name: self.relation_rows(version, name) for name in names} for version in versions
            ]
            bulk_relations(self.model, versions, relations)

    def relation_rows(self, version, name):
        kind = self.columns[name].kind
        rows = self.context.rows_by_pk(kind.vocabulary)
        return [rows[pk] for pk in sorted(kind.get(version, self.context))]

    def update_rows(self, rows):
        if not rows:
            return
        content = [
            f
            for f in self.model._meta.fields
            if not f.primary_key and f.attname not in _STATE_FIELDS
        ]
        changed = {
            f.name
            for row in rows
            for f in content
            if f.value_from_object(row.version) != row.db_before[f.attname]
        }
        if changed:
            bulk_set(self.model, [row.version for row in rows], sorted(changed))
        for name, column in self.columns.items():
            if not column.kind.many_to_many:
                continue
            model_field = self.model._meta.get_field(column.kind.field_name)
            moved = [
                row
                for row in rows
                if column.kind.get(row.version, self.context) != row.relations_before[name]
            ]
            through = model_field.remote_field.through
            own = f"{model_field.m2m_field_name()}_id"
            for batch in batched(moved, BATCH_SIZE):
                through.objects.filter(
                    **{f"{own}__in": [row.version.pk for row in batch]}
                ).delete()
                bulk_relations(
                    self.model,
                    [row.version for row in batch],
                    [{model_field.name: self.relation_rows(row.version, name)} for row in batch],
                )

    def revise(self, rows, now):
        """A revision and a history entry per row; then publish, or mark as a draft."""
        content_type = ContentType.objects.get_for_model(self.model)
        for batch in self.progress(list(batched(rows, BATCH_SIZE)), "Revisions", "batch"):
            revisions = [self.revision(row, now, content_type) for row in batch]
            Revision.objects.bulk_create(revisions)
            entries = []
            for row, revision in zip(batch, revisions, strict=True):
                entries += self.settle(row, revision, content_type, now)
            fields = ["latest_revision", "has_unpublished_changes"]
            if self.publish:
                fields += [
                    "live",
                    "expired",
                    "live_revision",
                    "first_published_at",
                    "last_published_at",
                ]
            bulk_set(self.model, [row.version for row in batch], fields)
            insert_rows(ModelLogEntry, entries)

    def revision(self, row, now, content_type):
        return Revision(
            content_type=content_type,
            base_content_type=self.model.get_base_content_type(),
            object_id=str(row.version.pk),
            content=revision_content(row.version),
            object_str=str(row.version),
            created_at=now,
        )

    def settle(self, row, revision, content_type, now):
        """Point the row's version at its new revision, published or as a draft; returns its
        history entries."""
        version = row.version
        version.latest_revision_id = revision.pk
        action = "wagtail.create" if row.status == "created" else "wagtail.edit"
        entries = [self.log_entry(version, action, revision, content_type, now)]
        if self.publish:
            version.live, version.expired = True, False
            version.has_unpublished_changes = False
            version.live_revision_id = revision.pk
            version.first_published_at = version.first_published_at or now
            version.last_published_at = now
            entries.append(self.log_entry(version, "wagtail.publish", revision, content_type, now))
        else:
            if row.status == "created":
                version.live = False  # a new record waits as a draft
            version.has_unpublished_changes = True
        return entries

    @staticmethod
    def log_entry(version, action, revision, content_type, now):
        return ModelLogEntry(
            content_type=content_type,
            object_id=str(version.pk),
            label=str(version),
            action=action,
            revision=revision,
            timestamp=now,
            content_changed=action != "wagtail.publish",
            data={"source": "import_directory"},
        )


def bulk_set(model, objects, names):
    """Write some fields of many rows, a batch at a time.

    Django's bulk_update builds one CASE WHEN per field over the whole batch, which grows with
    the square of the rows on SQLite; there, an UPDATE per row through executemany does not.
    PostgreSQL updates a batch with one `UPDATE ... FROM (VALUES ...)`: one statement (and one
    run of the table's statement triggers) per batch instead of per row.
    """
    fields = [model._meta.get_field(name) for name in names]
    quote = connection.ops.quote_name
    table, key = quote(model._meta.db_table), quote(model._meta.pk.column)
    values = [
        [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields] + [obj.pk]
        for obj in objects
    ]
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
            sql = f"UPDATE {table} SET {assignments} WHERE {key} = %s"
            for batch in batched(values, BATCH_SIZE):
                cursor.executemany(sql, batch)
            return
        columns = [quote(f.column) for f in fields]
        assignments = ", ".join(f"{column} = v.{column}" for column in columns)
        types = [f.db_type(connection) for f in fields] + [model._meta.pk.db_type(connection)]
        row = "(" + ", ".join(f"%s::{db_type}" for db_type in types) + ")"
        for batch in batched(values, BATCH_SIZE):
            cursor.execute(
                f"UPDATE {table} t SET {assignments}"
                f" FROM (VALUES {', '.join([row] * len(batch))}) AS v({', '.join(columns)}, {key})"
                f" WHERE t.{key} = v.{key}",
                [value for values_of_row in batch for value in values_of_row],
            )


_STATE_FIELDS = {
    "live",
    "has_unpublished_changes",
    "first_published_at",
    "last_published_at",
    "live_revision_id",
    "latest_revision_id",
    "expired",
    "go_live_at",
    "expire_at",
    "locked",
    "locked_at",
    "locked_by_id",
    "translation_key",
    "locale_id",
}
