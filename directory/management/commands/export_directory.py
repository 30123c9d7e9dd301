"""Export social enterprises, support organisations or events as CSV, JSON or HSDS JSON.

CSV and JSON use the columns `import_directory` reads (directory/exchange/columns.py), so an
export re-imports without changing anything. Private contact fields are left out unless
--include-private is given, and the command says which it did. HSDS (Open Referral 3.0) is the
open-data shape: public entries only, never private fields.
"""

import io
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from directory.exchange import (
    RECORD_TYPES,
    dumps_hsds,
    export_records,
    hsds_organisations,
    write_csv,
    write_json,
)

FORMATS = ("csv", "json", "hsds")


class Command(BaseCommand):
    help = (
        "Export enterprises, support organisations or events as CSV or JSON (the import "
        "columns) or as Open Referral HSDS 3.0 JSON. Public records without private fields "
        "unless told otherwise."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--type", required=True, choices=sorted(RECORD_TYPES), help="What to export."
        )
        parser.add_argument(
            "--format",
            choices=FORMATS,
            help="csv, json or hsds (default: from the --output extension, else csv).",
        )
        parser.add_argument(
            "--locale",
            choices=[code for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES],
            help="csv/json: only the records in this locale (default: every locale, English "
            "first). hsds: the language to export (default en; untranslated entries in English).",
        )
        parser.add_argument("--output", help="The file to write (default: standard output).")
        parser.add_argument(
            "--all",
            action="store_true",
            help="Every record in its latest version, drafts included (default: public only).",
        )
        parser.add_argument(
            "--include-private",
            action="store_true",
            help="Add the private contact fields (contact_name, contact_email).",
        )

    def handle(self, *args, type, format, locale, output, all, include_private, **options):
        record_type = RECORD_TYPES[type]
        file_format = format or self.format_of(output)
        if file_format == "hsds":
            if record_type.model is RECORD_TYPES["events"].model:
                raise CommandError(
                    "HSDS describes organisations and services: export events as csv or json."
                )
            if include_private or all:
                raise CommandError(
                    "HSDS is open data: public records only, without private fields."
                )
            data = hsds_organisations(record_type, locale or settings.LANGUAGE_CODE)
            detail = "HSDS 3.0 organizations: public records only, private fields left out"
            self.finish(dumps_hsds(data), output, data["total_items"], record_type, detail)
            return

        records = export_records(record_type, include_drafts=all, language=locale)
        buffer = io.StringIO()
        writer = write_csv if file_format == "csv" else write_json
        writer(record_type, records, include_private, buffer)
        private = [c.name for c in record_type.columns if c.private]
        scope = "every record, drafts included" if all else "public records only"
        if include_private:
            detail = f"{scope}; WITH the private fields {', '.join(private)}"
        else:
            detail = f"{scope}; private fields ({', '.join(private)}) left out"
        self.finish(buffer.getvalue(), output, len(records), record_type, detail)

    @staticmethod
    def format_of(output):
        suffix = Path(output).suffix.lower().lstrip(".") if output else ""
        return suffix if suffix in ("csv", "json") else "csv"

    def finish(self, text, output, count, record_type, detail):
        if output:
            # utf-8-sig: spreadsheet programs read a CSV with a byte-order mark as UTF-8.
            encoding = "utf-8-sig" if output.lower().endswith(".csv") else "utf-8"
            try:
                with open(output, "w", encoding=encoding, newline="") as handle:
                    handle.write(text)
            except OSError as error:
                raise CommandError(f"Cannot write {output}: {error.strerror}.") from None
            report = self.stdout
        else:
            self.stdout.write(text, ending="")
            # The data is on standard output: say what it is on standard error.
            report = self.stderr
        where = output or "standard output"
        report.write(f"Exported {count} {record_type.plural} to {where} ({detail}).")
