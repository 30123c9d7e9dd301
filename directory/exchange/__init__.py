"""Bulk exchange of directory records: one documented column set per record type, and the
reading, validation, writing and export behind `import_directory` and `export_directory`.

The same columns serve CSV and JSON. In CSV every value is text and a list is written with `|`
between its items (`Q|S`); in JSON lists are arrays, numbers are numbers, booleans are
booleans and an empty value is `null`, `""` or `[]`.

Identity. A row is the record of its `locale` whose `external_id` is the row's. Records made in
the admin have no external id; exports write their `key` (the API's `key`, a UUID shared by a
record's translations) in its place, and imports match that too, so an export always re-imports
onto the records it came from. English rows are the sources; a row in another locale updates,
or creates, the translation of the English record with the same external id.

Absent and empty. A column absent from the file (from the CSV header, or a JSON object's keys)
leaves that field as it is; a new translation takes it from its English record; a new English
record gets the field's default. A column present with an empty value empties the field.

Writing. Nothing is written unless every row is valid, and then everything is written in one
transaction. Each created or changed record gets a revision (and entries in its history).
Without `publish` it is saved as a draft for moderation, as an edit in the admin is: a new
record is not public, and a published record keeps its live version until a moderator
publishes the import's; a row equal to the record's latest version (its pending draft, if it
has one) changes nothing. With `publish` the row's content goes live; a row equal to what is
live changes nothing (a pending draft is left for its moderator), a draft record is published.
Rows are written in bulk and indexed for search at the end; Wagtail's reference index (usage
counts) is not updated: run `manage.py rebuild_references_index` when those counts matter.

Modules, each importing only those above it: `errors`, `lookups` (the context cells are read
against, relations and latest versions in bulk), `kinds` (kinds of column), `columns` (the
column set of each record type), `readers` (CSV and JSON files into rows), then `importer`,
`exporters` (CSV and JSON) and `hsds` (Open Referral HSDS).
"""

from .columns import RECORD_TYPES, Column, RecordType, column_documentation
from .errors import BadValue, ExchangeError, FileError, RowError
from .exporters import export_records, write_csv, write_json
from .hsds import dumps_hsds, hsds_organisations
from .importer import Importer, Plan
from .lookups import Context, revision_content
from .readers import Row, read_csv, read_file, read_json

__all__ = [
    "RECORD_TYPES",
    "BadValue",
    "Column",
    "Context",
    "ExchangeError",
    "FileError",
    "Importer",
    "Plan",
    "RecordType",
    "Row",
    "RowError",
    "column_documentation",
    "dumps_hsds",
    "export_records",
    "hsds_organisations",
    "read_csv",
    "read_file",
    "read_json",
    "revision_content",
    "write_csv",
    "write_json",
]
