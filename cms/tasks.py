"""Background work that belongs to no domain: Wagtail's moderation e-mails and search indexing.

Tasks run on the backend TASKS names (settings/base.py): at once in tests and `make run`, by
`manage.py db_worker` in production. Arguments are JSON (primary keys, not objects), and each
task loads what it needs, so it sees the committed state when it runs.

Wagtail e-mails moderators and submitters from its workflow signals, inside the request that
submits, approves or rejects, one SMTP conversation per recipient. `connect()` replaces those
receivers with ones that enqueue the same notifier after the transaction commits. It takes
Wagtail's own dispatch_uid: connected first (the cms app comes before wagtail.admin in
INSTALLED_APPS), ours holds the key and Wagtail's later connect() with it is a no-op.
tests/cms/test_background_work.py checks that Wagtail's receivers are not connected.
"""

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import transaction

from wagtail.admin import signal_handlers as wagtail_notifications
from wagtail.models import TaskState, WorkflowState
from wagtail.search.backends import get_search_backends
from wagtail.signals import (
    task_submitted,
    workflow_approved,
    workflow_rejected,
    workflow_submitted,
)

from django_tasks import task

# name: (signal, sender, Wagtail's notifier, Wagtail's dispatch_uid)
WORKFLOW_NOTIFICATIONS = {
    "task_submitted": (
        task_submitted,
        TaskState,
        wagtail_notifications.task_submission_email_notifier,
        "group_approval_task_submitted_email_notification",
    ),
    "workflow_submitted": (
        workflow_submitted,
        WorkflowState,
        wagtail_notifications.workflow_submission_email_notifier,
        "workflow_state_submitted_email_notification",
    ),
    "workflow_rejected": (
        workflow_rejected,
        WorkflowState,
        wagtail_notifications.workflow_rejection_email_notifier,
        "workflow_state_rejected_email_notification",
    ),
    "workflow_approved": (
        workflow_approved,
        WorkflowState,
        wagtail_notifications.workflow_approval_email_notifier,
        "workflow_state_approved_email_notification",
    ),
}


@task()
def send_workflow_notification(name, state_pk, user_pk=None):
    """Run Wagtail's notifier `name` for the task or workflow state, as its signal would have."""
    _signal, model, notifier, _uid = WORKFLOW_NOTIFICATIONS[name]
    state = model.objects.filter(pk=state_pk).first()
    if state is None:  # deleted meanwhile (its object was deleted): nothing to tell
        return False
    user = get_user_model().objects.filter(pk=user_pk).first() if user_pk else None
    return notifier(instance=state, user=user)


def _enqueuer(name):
    def receiver(sender, instance, user=None, **kwargs):
        user_pk = user.pk if user is not None else None
        transaction.on_commit(
            lambda: send_workflow_notification.enqueue(name, instance.pk, user_pk)
        )

    receiver.__name__ = f"enqueue_{name}_notification"
    return receiver


def connect():
    for name, (signal, sender, _notifier, uid) in WORKFLOW_NOTIFICATIONS.items():
        signal.connect(_enqueuer(name), sender=sender, dispatch_uid=uid, weak=False)


@task()
def update_search_index(model_label, pks):
    """Index these rows in every search backend, one bulk call per backend."""
    model = apps.get_model(model_label)
    rows = list(model._default_manager.filter(pk__in=pks))
    for backend in get_search_backends(with_auto_update=True):
        backend.add_bulk(model, rows)
    return len(rows)
