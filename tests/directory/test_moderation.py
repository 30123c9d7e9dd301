"""Moderation of directory records: drafts, the "Moderators approval" workflow, scheduling.

Editors write and submit; only Moderators publish (cms/migrations/0002_editorial_roles.py).
Whatever is not published stays out of `objects.public()`, the API's one visibility rule.
"""

import datetime
from unittest import mock

from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from wagtail.models import WorkflowState

import pytest

from directory import models as directory
from tests import factories

pytestmark = pytest.mark.django_db


def admin_url(model, view, *args):
    return reverse(model.snippet_viewset.get_url_name(view), args=args)


def minimal_form(model, name):
    """The required fields of each directory model, as the admin form posts them."""
    slug = name.lower().replace(" ", "-")
    if model is directory.Event:
        return {
            "title": name,
            "slug": slug,
            "language": "en",
            "start": "2030-05-30 10:00",
            "time_zone": "Europe/Copenhagen",
            "format": "in_person",
            "status": "scheduled",
        }
    return {"name": name, "slug": slug}


def is_public(obj):
    return type(obj).objects.public().filter(pk=obj.pk).exists()


@pytest.fixture
def editor_client(client, user_in_group):
    client.force_login(user_in_group("Editors"))
    return client


@pytest.fixture
def moderator_client(user_in_group):
    client = Client()
    client.force_login(user_in_group("Moderators"))
    return client


def submit_as_editor(editor_client, model, name):
    response = editor_client.post(
        admin_url(model, "add"), {**minimal_form(model, name), "action-submit": "action-submit"}
    )
    assert response.status_code == 302
    return model.objects.get(slug=minimal_form(model, name)["slug"])


def test_draft_enterprise_stays_out_of_public_until_a_moderator_publishes_it(moderator_client):
    response = moderator_client.post(
        admin_url(directory.SocialEnterprise, "add"),
        minimal_form(directory.SocialEnterprise, "Draft Bakery"),
    )
    assert response.status_code == 302
    enterprise = directory.SocialEnterprise.objects.get(slug="draft-bakery")
    assert not enterprise.live
    assert not is_public(enterprise)

    response = moderator_client.post(
        admin_url(directory.SocialEnterprise, "edit", enterprise.pk),
        {**minimal_form(directory.SocialEnterprise, "Draft Bakery"), "action-publish": "1"},
    )

    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.live
    assert is_public(enterprise)


def test_editor_can_create_and_submit_enterprise_for_moderation(editor_client):
    enterprise = submit_as_editor(editor_client, directory.SocialEnterprise, "Submitted Bakery")

    state = enterprise.current_workflow_state
    assert state is not None
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.workflow.name == "Moderators approval"
    assert enterprise.current_workflow_task.name == "Moderators approval"
    assert not enterprise.live
    assert not is_public(enterprise)


def test_editor_is_not_offered_the_publish_button(editor_client, moderator_client):
    enterprise = factories.SocialEnterpriseFactory(live=False)
    enterprise.save_revision()
    edit_url = admin_url(directory.SocialEnterprise, "edit", enterprise.pk)

    assert 'name="action-publish"' not in editor_client.get(edit_url).content.decode()
    assert 'name="action-publish"' in moderator_client.get(edit_url).content.decode()


def test_editor_cannot_publish_enterprise(editor_client):
    form = minimal_form(directory.SocialEnterprise, "Sneaky Bakery")

    response = editor_client.post(
        admin_url(directory.SocialEnterprise, "add"), {**form, "action-publish": "1"}
    )

    assert response.status_code == 302
    enterprise = directory.SocialEnterprise.objects.get(slug="sneaky-bakery")
    assert not enterprise.live
    assert enterprise.live_revision is None

    response = editor_client.post(
        admin_url(directory.SocialEnterprise, "edit", enterprise.pk),
        {**form, "action-publish": "1"},
    )

    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert not enterprise.live
    assert enterprise.live_revision is None
    assert not is_public(enterprise)


def test_editor_cannot_approve_their_own_submission(editor_client):
    enterprise = submit_as_editor(editor_client, directory.SocialEnterprise, "Own Bakery")
    task_state = enterprise.current_workflow_state.current_task_state

    editor_client.post(
        admin_url(
            directory.SocialEnterprise, "workflow_action", enterprise.pk, "approve", task_state.pk
        )
    )

    enterprise.refresh_from_db()
    assert not enterprise.live
    assert enterprise.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS


@pytest.mark.parametrize(
    "model",
    [directory.SocialEnterprise, directory.SupportOrganisation, directory.Event],
    ids=lambda m: m.__name__,
)
def test_moderator_approval_makes_submitted_entry_public(editor_client, moderator_client, model):
    entry = submit_as_editor(editor_client, model, "Approved Entry")
    task_state = entry.current_workflow_state.current_task_state
    assert not is_public(entry)

    response = moderator_client.post(
        admin_url(model, "workflow_action", entry.pk, "approve", task_state.pk),
        {"comment": "Looks good."},
    )

    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.live
    assert is_public(entry)
    assert entry.workflow_states.get().status == WorkflowState.STATUS_APPROVED
    assert entry.live_revision.user.groups.filter(name="Editors").exists()


def test_moderator_request_for_changes_keeps_entry_private(editor_client, moderator_client):
    enterprise = submit_as_editor(editor_client, directory.SocialEnterprise, "Rejected Bakery")
    task_state = enterprise.current_workflow_state.current_task_state

    moderator_client.post(
        admin_url(
            directory.SocialEnterprise, "workflow_action", enterprise.pk, "reject", task_state.pk
        ),
        {"comment": "Please add a summary."},
    )

    enterprise.refresh_from_db()
    assert not enterprise.live
    assert not is_public(enterprise)
    assert enterprise.workflow_states.get().status == WorkflowState.STATUS_NEEDS_CHANGES


# Scheduled publishing ----------------------------------------------------------------------


def days_later(days):
    """Let time pass: Wagtail, the command and `public()` all ask `timezone.now()`."""
    return mock.patch(
        "django.utils.timezone.now", return_value=timezone.now() + datetime.timedelta(days=days)
    )


def test_moderator_can_schedule_enterprise_through_the_admin(moderator_client):
    go_live_at = timezone.localtime() + datetime.timedelta(days=2)

    response = moderator_client.post(
        admin_url(directory.SocialEnterprise, "add"),
        {
            **minimal_form(directory.SocialEnterprise, "Scheduled Bakery"),
            "go_live_at": go_live_at.strftime("%Y-%m-%d %H:%M"),
            "action-publish": "1",
        },
    )

    assert response.status_code == 302
    enterprise = directory.SocialEnterprise.objects.get(slug="scheduled-bakery")
    assert not enterprise.live
    assert not is_public(enterprise)
    assert enterprise.scheduled_revision is not None

    with days_later(3):
        call_command("publish_scheduled")
        enterprise.refresh_from_db()
        assert enterprise.live
        assert is_public(enterprise)


def test_scheduled_enterprise_goes_live_when_publish_scheduled_runs():
    enterprise = factories.SocialEnterpriseFactory(live=False)
    enterprise.go_live_at = timezone.now() + datetime.timedelta(days=1)
    enterprise.save_revision().publish()

    enterprise.refresh_from_db()
    assert not enterprise.live
    assert not is_public(enterprise)

    call_command("publish_scheduled")
    enterprise.refresh_from_db()
    assert not enterprise.live, "publish_scheduled must not publish before go_live_at"

    with days_later(3):
        call_command("publish_scheduled")
        enterprise.refresh_from_db()
        assert enterprise.live
        assert is_public(enterprise)


def test_scheduled_event_goes_live_when_publish_scheduled_runs():
    event = factories.EventFactory(live=False)
    event.go_live_at = timezone.now() + datetime.timedelta(days=1)
    event.save_revision().publish()
    assert not is_public(event)

    with days_later(2):
        call_command("publish_scheduled")
        assert is_public(event)


def test_expired_enterprise_is_not_public_even_before_publish_scheduled_runs():
    enterprise = factories.SocialEnterpriseFactory(live=False)
    enterprise.expire_at = timezone.now() + datetime.timedelta(days=1)
    enterprise.save_revision().publish()
    assert is_public(enterprise)

    with days_later(2):
        assert not is_public(enterprise)
        call_command("publish_scheduled")
        enterprise.refresh_from_db()
        assert enterprise.expired
        assert not enterprise.live
        assert not is_public(enterprise)
