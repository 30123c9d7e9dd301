"""Send the alert digests that are due (README: Alerts).

For cron, once a day (or hourly): `manage.py send_alert_digests`. The work runs as a background
task (directory/outreach/tasks.py), so the command returns at once; each alert gets at most one
digest a week, and only when something new matches it, however often this runs.
"""

from django.core.management.base import BaseCommand

from directory.outreach.tasks import send_alert_digests


class Command(BaseCommand):
    help = "Enqueue the weekly digests of new items to confirmed alert subscriptions."

    def handle(self, *args, **options):
        result = send_alert_digests.enqueue()
        self.stdout.write(f"Alert digests: task {result.id} enqueued.")
        if result.is_finished:  # the immediate backend ran it already
            self.stdout.write(f"{result.return_value} digests sent.")
