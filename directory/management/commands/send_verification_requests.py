"""Ask the contacts of stale directory entries whether their entries are still correct.

For cron, once a day: `manage.py send_verification_requests`. The e-mails are sent by a
background task (directory/verification/requests.py), so the command returns at once; each
entry is asked at most once per DIRECTORY_STALE_AFTER_DAYS, however often it runs.
"""

from django.core.management.base import BaseCommand, CommandError

from directory.verification.requests import count_due, send_verification_requests


class Command(BaseCommand):
    help = "Enqueue the yearly “still correct?” e-mails to the contacts of stale entries."

    def add_arguments(self, parser):
        parser.add_argument(
            "--limit",
            type=int,
            help="Ask at most this many entries in this run (spreads a large backlog).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Only say how many entries would be asked; send nothing.",
        )

    def handle(self, *args, limit=None, dry_run=False, **options):
        if limit is not None and limit < 1:
            raise CommandError("--limit must be at least 1.")
        due = count_due()
        if dry_run:
            self.stdout.write(f"{due} entries would be asked whether they are still correct.")
            return
        result = send_verification_requests.enqueue(limit)
        self.stdout.write(f"{due} entries due; task {result.id} enqueued.")
        if result.is_finished:  # the immediate backend ran it already
            self.stdout.write(f"{result.return_value} e-mails sent.")
