"""Work off the request path: moderation e-mails (Wagtail's and the submission form's) and
the search indexing of imports are enqueued as tasks; with the immediate backend of tests and
`make run` they run at once, after the commit."""

import io

from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.management import call_command
from django.test import override_settings

from wagtail.admin import signal_handlers as wagtail_mail
from wagtail.models import TaskState, WorkflowState
from wagtail.search.models import IndexEntry
from wagtail.signals import (
    task_submitted,
    workflow_approved,
    workflow_rejected,
    workflow_submitted,
)

import pytest
from django_tasks import default_task_backend

from cms.tasks import send_workflow_notification, update_search_index
from directory import models as directory
from directory.tasks import notify_moderators
from tests import factories
from tests.graphql.test_submissions import ENTERPRISE, SUBMIT_ENTERPRISE

pytestmark = pytest.mark.django_db

DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


@pytest.fixture
def dummy_backend(settings):
    settings.TASKS = DUMMY_TASKS
    default_task_backend.clear()
    yield default_task_backend
    default_task_backend.clear()


def enqueued(backend, task):
    return [result for result in backend.results if result.task.func is task.func]


@pytest.fixture
def moderator(user_in_group):
    user = user_in_group("Moderators", username="moderator")
    user.email = "moderator@example.com"
    user.save()
    return user


@pytest.fixture
def editor(user_in_group):
    return user_in_group("Editors", username="editor")


def test_wagtails_own_workflow_email_receivers_are_not_connected():
    for signal, sender, notifier in [
        (task_submitted, TaskState, wagtail_mail.task_submission_email_notifier),
        (
            workflow_submitted,
            WorkflowState,
            wagtail_mail.workflow_submission_email_notifier,
        ),
        (
            workflow_rejected,
            WorkflowState,
            wagtail_mail.workflow_rejection_email_notifier,
        ),
        (workflow_approved, WorkflowState, wagtail_mail.workflow_approval_email_notifier),
    ]:
        receivers, _async = signal._live_receivers(sender)
        assert notifier not in receivers
        assert any(r.__name__.startswith("enqueue_") for r in receivers)


def submit_for_moderation(page, user):
    page.save_revision(user=user)
    return page.get_workflow().start(page, user)


def test_submitting_for_moderation_only_enqueues_the_emails(
    dummy_backend, committed, moderator, editor
):
    page = factories.article(live=False)
    with committed():
        state = submit_for_moderation(page, editor)

    assert mail.outbox == []
    calls = sorted(r.args[0] for r in enqueued(dummy_backend, send_workflow_notification))
    assert calls == ["task_submitted", "workflow_submitted"]

    for result in enqueued(dummy_backend, send_workflow_notification):
        result.task.call(*result.args)
    assert moderator.email in [address for m in mail.outbox for address in m.to]
    assert state.pk in [r.args[1] for r in enqueued(dummy_backend, send_workflow_notification)]


def test_moderation_emails_go_out_after_the_commit_with_the_immediate_backend(
    committed, moderator, editor
):
    page = factories.article(live=False)
    with committed():
        submit_for_moderation(page, editor)
        assert mail.outbox == []  # not inside the request's transaction

    to_moderator = [m for m in mail.outbox if moderator.email in m.to]
    assert len(to_moderator) == 1
    assert page.title in to_moderator[0].subject + to_moderator[0].body


def test_a_notification_for_a_state_deleted_meanwhile_is_dropped():
    assert send_workflow_notification.call("workflow_submitted", 10**9) is False


def test_submission_email_is_enqueued_after_the_draft_commits(
    client, dummy_backend, committed, moderator
):
    with committed():
        response = client.post(
            "/graphql/",
            {"query": SUBMIT_ENTERPRISE, "variables": {"input": ENTERPRISE}},
            content_type="application/json",
        )
    assert response.json()["data"]["submitEnterprise"]["ok"] is True
    enterprise = directory.SocialEnterprise.objects.get()
    (result,) = enqueued(dummy_backend, notify_moderators)
    assert result.args == ["directory.SocialEnterprise", enterprise.pk]
    assert not [m for m in mail.outbox if "awaiting moderation" in m.subject]

    assert result.task.call(*result.args) == 1
    (message,) = [m for m in mail.outbox if "awaiting moderation" in m.subject]
    assert message.to == [moderator.email]


IMPORT_CSV = """\
external_id,name,country,city
bg-1,Tide Bakery,DK,Aarhus
bg-2,Harbour Repair,SE,Malmö
"""


def import_csv(tmp_path, *options):
    path = tmp_path / "enterprises.csv"
    path.write_text(IMPORT_CSV, encoding="utf-8")
    call_command(
        "import_directory", str(path), "--type=enterprises", *options, stdout=io.StringIO()
    )
    return directory.SocialEnterprise.objects.filter(external_id__in=["bg-1", "bg-2"])


def index_entries(rows):
    content_type = ContentType.objects.get_for_model(directory.SocialEnterprise)
    return IndexEntry.objects.filter(
        content_type=content_type, object_id__in=[str(row.pk) for row in rows]
    )


def test_an_import_enqueues_its_search_indexing(tmp_path, dummy_backend):
    rows = import_csv(tmp_path, "--publish")

    (result,) = enqueued(dummy_backend, update_search_index)
    assert result.args[0] == "directory.SocialEnterprise"
    assert sorted(result.args[1]) == sorted(row.pk for row in rows)
    assert not index_entries(rows).exists()

    assert result.task.call(*result.args) == 2
    assert index_entries(rows).count() == 2


def test_an_import_is_searchable_at_once_with_the_immediate_backend(tmp_path):
    rows = import_csv(tmp_path, "--publish")
    assert index_entries(rows).count() == 2
    assert [r.name for r in directory.SocialEnterprise.objects.search("Tide")] == ["Tide Bakery"]


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_the_database_backend_stores_tasks_for_db_worker(moderator, monkeypatch):
    """Production's backend: a task is a row until `manage.py db_worker` runs it."""
    from django_tasks_db.management.commands import db_worker
    from django_tasks_db.models import DBTaskResult

    notify_moderators.enqueue("directory.SocialEnterprise", 10**9)
    (row,) = DBTaskResult.objects.all()
    assert row.task_path == "directory.tasks.notify_moderators"
    assert row.status == "READY"

    # The worker closes stale connections between tasks; here that is the test's transaction.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    call_command("db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO())
    row.refresh_from_db()
    assert row.status == "SUCCESSFUL"
