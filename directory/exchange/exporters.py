"""CSV and JSON exports in the import's columns, so that an export re-imports unchanged."""

import csv
import io
import json

from django.db.models import Case, IntegerField, Value, When

from cms.bulk import BATCH_SIZE, batched
from cms.visibility import visible_records

from .lookups import SOURCE_LANGUAGE, Context, identifier, latest_versions, load_relations


def export_queryset(record_type, include_drafts=False, language=None):
    """The records an export writes, English first: public ones, or with `include_drafts`
    every record (to be written in its latest version, drafts included)."""
    model = record_type.model
    queryset = model.objects.all() if include_drafts else visible_records(model)
    if language:
        queryset = queryset.filter(locale__language_code=language)
    return export_order(queryset)


def export_order(queryset):
    english_first = Case(
        When(locale__language_code=SOURCE_LANGUAGE, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return queryset.select_related("locale").order_by(
        english_first, "locale__language_code", "slug", "pk"
    )


def export_batches(model, queryset, include_drafts=False, batch_size=BATCH_SIZE):
    """The records of `queryset` in its order, a list of at most `batch_size` at a time with
    their relations loaded: memory and queries per batch stay fixed, whatever the total."""
    for batch in batched(list(queryset.values_list("pk", flat=True)), batch_size):
        by_pk = {record.pk: record for record in queryset.filter(pk__in=batch)}
        # A record deleted since the keys were read is left out.
        ordered = [by_pk[pk] for pk in batch if pk in by_pk]
        load_relations(model, ordered)
        if include_drafts:
            versions = latest_versions(model, ordered)
            ordered = [versions[record.pk] for record in ordered]
        yield ordered


def export_records(record_type, include_drafts=False, language=None):
    """Every record `export_queryset` selects, as a list."""
    queryset = export_queryset(record_type, include_drafts, language)
    batches = export_batches(record_type.model, queryset, include_drafts)
    return [record for batch in batches for record in batch]


def export_columns(record_type, include_private):
    return [c for c in record_type.columns if include_private or not c.private]


def export_row(record_type, record, columns, context, as_json):
    row = {}
    for column in columns:
        if column.name == "external_id":
            row[column.name] = identifier(record)
        elif column.name == "locale":
            row[column.name] = record.locale.language_code
        else:
            value = column.kind.get(record, context)
            row[column.name] = column.kind.dump(value, record, context, as_json)
    return row


def csv_chunks(record_type, batches, include_private):
    """CSV text, the header and then one chunk per batch of records."""
    columns = export_columns(record_type, include_private)
    context = Context(for_import=False)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([column.name for column in columns])
    for batch in batches:
        for record in batch:
            row = export_row(record_type, record, columns, context, as_json=False)
            writer.writerow([row[column.name] for column in columns])
        yield _drain(buffer)
    yield _drain(buffer)


def json_rows(record_type, batches, include_private):
    """The JSON export's objects, one per record."""
    columns = export_columns(record_type, include_private)
    context = Context(for_import=False)
    for batch in batches:
        for record in batch:
            yield export_row(record_type, record, columns, context, as_json=True)


def _drain(buffer):
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def write_csv(record_type, records, include_private, handle):
    for chunk in csv_chunks(record_type, [records], include_private):
        handle.write(chunk)


def write_json(record_type, records, include_private, handle):
    rows = list(json_rows(record_type, [records], include_private))
    json.dump(rows, handle, ensure_ascii=False, indent=2)
    handle.write("\n")
