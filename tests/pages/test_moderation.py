"""Editors write and submit, moderators approve and publish, translators never publish English.

The "Moderators approval" workflow on the page tree and the three groups come from the
migrations (see cms/migrations/0002_editorial_roles.py).
"""

import datetime

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from wagtail.models import WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield
from wagtail.test.utils.timestamps import submittable_timestamp

import pytest

from pages import models as pages
from tests import factories
from tests.factories import client_for


@pytest.fixture
def editor(user_in_group):
    return client_for(user_in_group("Editors"))


@pytest.fixture
def moderator(user_in_group):
    return client_for(user_in_group("Moderators"))


@pytest.fixture
def translator(user_in_group):
    return client_for(user_in_group("Translators"))


@pytest.fixture
def library(db):
    return factories.library()


def article_form(action, **fields):
    """The admin form of an article with the button the user pressed."""
    data = {
        "title": "Development workshop in Denmark",
        "slug": "development-workshop",
        "intro": "Partners met to develop the platform.",
        "kind": "news",
        "date": "2022-06-01",
        "body": streamfield([]),
        "authors": inline_formset([]),
        **fields,
    }
    return {**nested_form_data(data), action: "1"}


def create_article(client, library, action, **fields):
    client.post(
        reverse("wagtailadmin_pages:add", args=["pages", "articlepage", library.pk]),
        article_form(action, **fields),
    )
    return pages.ArticlePage.objects.get(slug=fields.get("slug", "development-workshop"))


def approve(client, page):
    task_state = page.current_workflow_task_state
    return client.post(
        reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task_state.pk]),
        {"comment": "Ready to go."},
    )


def test_editor_submits_an_article_for_moderation(client, editor, library):
    page = create_article(editor, library, "action-submit")

    assert not page.live
    workflow_state = page.current_workflow_state
    assert workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    assert workflow_state.workflow.name == "Moderators approval"
    assert page.current_workflow_task.name == "Moderators approval"
    assert workflow_state.requested_by.username == "editors"
    assert client.get("/en/library/development-workshop/").status_code == 404


def test_editor_cannot_publish_an_article(client, editor, library):
    page = create_article(editor, library, "action-publish")

    edit_form = editor.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    editor.post(
        reverse("wagtailadmin_pages:edit", args=[page.pk]),
        article_form("action-publish", title="Published by an editor?"),
    )

    page.refresh_from_db()
    assert not page.live
    assert page.live_revision is None
    assert page.first_published_at is None
    # The form was valid: the publish request was saved as a draft instead.
    assert page.get_latest_revision_as_object().title == "Published by an editor?"
    assert 'name="action-publish"' not in edit_form.content.decode()
    assert 'name="action-submit"' in edit_form.content.decode()
    assert client.get("/en/library/development-workshop/").status_code == 404


def test_moderator_approval_publishes_the_submitted_article(client, editor, moderator, library):
    page = create_article(editor, library, "action-submit")
    edit_form = moderator.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))

    response = approve(moderator, page)

    page.refresh_from_db()
    assert 'name="action-publish"' in edit_form.content.decode()
    assert response.status_code == 302
    assert page.live
    assert page.live_revision == page.latest_revision
    assert page.current_workflow_state is None
    assert page.workflow_states.get().status == WorkflowState.STATUS_APPROVED
    public = client.get("/en/library/development-workshop/")
    assert "<h1>Development workshop in Denmark</h1>" in public.content.decode()


def test_editor_cannot_approve_their_own_submission(editor, library):
    page = create_article(editor, library, "action-submit")

    approve(editor, page)

    page.refresh_from_db()
    assert not page.live
    assert page.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS


def test_approved_article_goes_live_when_its_scheduled_time_has_passed(
    client, editor, moderator, library, monkeypatch
):
    go_live_at = timezone.now() + datetime.timedelta(days=2)
    page = create_article(
        editor, library, "action-submit", go_live_at=submittable_timestamp(go_live_at)
    )

    approve(moderator, page)
    call_command("publish_scheduled")

    page.refresh_from_db()
    assert not page.live
    scheduled = page.scheduled_revision
    assert abs(scheduled.approved_go_live_at - go_live_at) < datetime.timedelta(minutes=1)
    assert client.get("/en/library/development-workshop/").status_code == 404

    later = go_live_at + datetime.timedelta(minutes=5)
    monkeypatch.setattr(timezone, "now", lambda: later)
    call_command("publish_scheduled")

    page = pages.ArticlePage.objects.get(pk=page.pk)
    assert page.live
    assert page.live_revision == scheduled
    assert page.scheduled_revision is None
    # Still at `later`: before its go-live time the page is not public, whatever `live` says.
    public = client.get("/en/library/development-workshop/")
    assert "<h1>Development workshop in Denmark</h1>" in public.content.decode()


def test_translator_cannot_publish_an_english_page(client, translator, django_user_model):
    page = factories.article(title="Measuring social impact")

    edit_form = translator.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    translator.post(
        reverse("wagtailadmin_pages:edit", args=[page.pk]),
        article_form(
            "action-publish", title="Changed by a translator", slug="measuring-social-impact"
        ),
    )

    page.refresh_from_db()
    user = django_user_model.objects.get(username="translators")
    assert not page.permissions_for_user(user).can_publish()
    assert 'name="action-publish"' not in edit_form.content.decode()
    assert 'name="action-submit"' in edit_form.content.decode()
    assert page.title == "Measuring social impact"
    assert page.live_revision.as_object().title == "Measuring social impact"
    # The form was valid: the publish request was saved as a draft instead.
    assert page.get_latest_revision_as_object().title == "Changed by a translator"
    public = client.get(page.url)
    assert "<h1>Measuring social impact</h1>" in public.content.decode()
