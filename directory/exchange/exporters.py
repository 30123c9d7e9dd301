"""CSV and JSON exports in the import's columns, so that an export re-imports unchanged."""

import csv
import json

from django.db.models import Case, IntegerField, Value, When

from cms.bulk import BATCH_SIZE, batched
from cms.visibility import visible_records

from .lookups import SOURCE_LANGUAGE, Context, identifier, latest_versions, load_relations


def export_records(record_type, include_drafts=False, language=None):
    """The records an export writes, English first: public ones, or with `include_drafts`
    every record in its latest version (drafts included)."""
    model = record_type.model
    queryset = model.objects.all() if include_drafts else visible_records(model)
    if language:
        queryset = queryset.filter(locale__language_code=language)
    english_first = Case(
        When(locale__language_code=SOURCE_LANGUAGE, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    queryset = queryset.select_related("locale").order_by(
        english_first, "locale__language_code", "slug", "pk"
    )
    records = []
    for batch in batched(list(queryset.values_list("pk", flat=True)), BATCH_SIZE):
        by_pk = {record.pk: record for record in queryset.filter(pk__in=batch)}
        ordered = [by_pk[pk] for pk in batch]
        load_relations(model, ordered)
        if include_drafts:
            versions = latest_versions(model, ordered)
            ordered = [versions[record.pk] for record in ordered]
        records.extend(ordered)
    return records


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


def write_csv(record_type, records, include_private, handle):
    columns = export_columns(record_type, include_private)
    context = Context(for_import=False)
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow([column.name for column in columns])
    for record in records:
        row = export_row(record_type, record, columns, context, as_json=False)
        writer.writerow([row[column.name] for column in columns])


def write_json(record_type, records, include_private, handle):
    columns = export_columns(record_type, include_private)
    context = Context(for_import=False)
    rows = [export_row(record_type, record, columns, context, as_json=True) for record in records]
    json.dump(rows, handle, ensure_ascii=False, indent=2)
    handle.write("\n")
