"""Import social enterprises, support organisations or events from CSV or JSON.

Every row is checked before anything is written; one bad row means nothing is written, and
the report names each problem by line, column and reason. The columns, and how rows become
records (drafts unless --publish, translations by external_id), are in directory/exchange/;
`import_directory --columns --type enterprises` prints them.
"""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from directory.exchange import (
    RECORD_TYPES,
    ExchangeError,
    Importer,
    column_documentation,
    read_file,
)

FORMATS = ("csv", "json")


def file_format(path, given):
    if given:
        return given
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise CommandError(
            f"Cannot tell the format of {path}: name it .csv or .json, or give --format."
        )
    return suffix


def progress_bar(command, enabled):
    """tqdm on stderr, or nothing: a bar only helps a person watching a terminal."""
    if not enabled:
        return lambda iterable, description, unit="row": iterable

    from tqdm import tqdm

    stream = getattr(command.stderr, "_out", command.stderr)

    def bar(iterable, description, unit="row"):
        return tqdm(iterable, desc=description, unit=unit, file=stream, leave=False)

    return bar


class Command(BaseCommand):
    help = (
        "Import enterprises, support organisations or events from a CSV or JSON file. "
        "Rows are matched on (external_id, locale); nothing is written unless every row is valid."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="The .csv or .json file to import.")
        parser.add_argument(
            "--type", required=True, choices=sorted(RECORD_TYPES), help="What the file holds."
        )
        parser.add_argument(
            "--format", choices=FORMATS, help="The file's format (default: from its extension)."
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check every row and say what would change, without writing anything.",
        )
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Publish what the import creates or changes (default: drafts for moderation).",
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="No progress bar (none when not a TTY)."
        )
        parser.add_argument(
            "--columns", action="store_true", help="Print the columns of --type and stop."
        )

    def handle(self, *args, file, type, format, dry_run, publish, no_progress, columns, **options):
        record_type = RECORD_TYPES[type]
        if columns:
            self.stdout.write(column_documentation(record_type))
            return
        if not file:
            raise CommandError("Give the file to import (or --columns to list the columns).")
        started = time.monotonic()
        try:
            header, rows, errors = read_file(file, file_format(file, format))
            importer = Importer(
                record_type,
                publish=publish,
                progress=progress_bar(self, not no_progress and self.stderr.isatty()),
            )
            plan = importer.plan(rows, header, errors)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        except ExchangeError as error:
            raise CommandError(f"{file}: {error}") from None

        if plan.errors:
            for error in plan.errors:
                self.stderr.write(str(error))
            lines = len({error.line for error in plan.errors})
            raise CommandError(
                f"{len(plan.errors)} problem(s) on {lines} line(s) of {file}: "
                "nothing was imported."
            )

        counts = plan.counts
        summary = (
            f"{counts['created']} created, {counts['updated']} updated, "
            f"{counts['unchanged']} unchanged"
        )
        if dry_run:
            self.stdout.write(
                f"Dry run, nothing written: {record_type.plural} would be {summary}."
            )
            return
        importer.write(plan)
        state = "published" if publish else "saved as drafts for moderation"
        self.stdout.write(
            f"{record_type.plural.capitalize()}: {summary}; created and updated records "
            f"{state}. ({time.monotonic() - started:.1f} s)"
        )
