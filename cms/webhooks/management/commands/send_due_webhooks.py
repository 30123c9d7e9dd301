"""Send the webhook attempts that are due and still pending.

Needed where the task backend cannot defer a task (the immediate backend of `make run`): a
retry is then only written down as due. With the database backend each retry is already a
deferred task and this finds nothing, except attempts whose task was lost (a task table
emptied by hand); run it from cron in that case or not at all.
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from cms.webhooks.delivery import deliver
from cms.webhooks.models import WebhookDelivery


class Command(BaseCommand):
    help = "Send the pending webhook attempts whose time has come."

    def handle(self, **options):
        due = WebhookDelivery.objects.filter(
            status=WebhookDelivery.Status.PENDING, due_at__lte=timezone.now()
        ).values_list("pk", flat=True)
        count = 0
        for pk in due.iterator():
            deliver.enqueue(pk)
            count += 1
        self.stdout.write(f"{count} due webhook attempt(s) enqueued.")
