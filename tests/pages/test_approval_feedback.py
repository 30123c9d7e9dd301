"""After "Approve", the moderator is told what became of the item, with a link to it."""

from django.contrib.messages import get_messages
from django.urls import reverse

from wagtail.models import Workflow

import pytest

from tests import factories
from tests.factories import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator(user_in_group):
    return client_for(user_in_group("Moderators"))


def submitted(item, user):
    item.save_revision(user=user)
    Workflow.objects.get(name="Moderators approval").start(item, user)
    item.refresh_from_db()
    return item


def approve(client, url_name, *args):
    """The dashboard's Approve button: an XHR post to the workflow action view."""
    return client.post(
        reverse(url_name, args=args),
        {"comment": ""},
        headers={"x-requested-with": "XMLHttpRequest"},
    )


def test_approving_a_page_says_it_is_published_and_links_to_it(moderator, user_in_group):
    editor = user_in_group("Editors")
    page = factories.article(factories.library(), title="Impact in practice", live=False)
    page = submitted(page, editor)

    response = approve(
        moderator,
        "wagtailadmin_pages:workflow_action",
        page.pk,
        "approve",
        page.current_workflow_task_state.pk,
    )
    shown = [str(m) for m in get_messages(response.wsgi_request)]

    assert response.status_code == 200
    assert len(shown) == 1
    assert "“Impact in practice” approved and published." in shown[0]
    assert reverse("wagtailadmin_pages:edit", args=[page.pk]) in shown[0]


def test_approving_a_directory_record_says_so_with_a_link(moderator, user_in_group):
    editor = user_in_group("Editors")
    enterprise = factories.SocialEnterpriseFactory(name="Riga Bakery", live=False)
    enterprise = submitted(enterprise, editor)
    viewset = type(enterprise).snippet_viewset

    response = approve(
        moderator,
        viewset.get_url_name("workflow_action"),
        enterprise.pk,
        "approve",
        enterprise.current_workflow_task_state.pk,
    )
    shown = [str(m) for m in get_messages(response.wsgi_request)]

    assert shown and "“Riga Bakery” approved and published." in shown[0]
    assert reverse(viewset.get_url_name("edit"), args=[enterprise.pk]) in shown[0]
    enterprise.refresh_from_db()
    assert enterprise.live


def test_requesting_changes_adds_no_approval_message(moderator, user_in_group):
    page = submitted(factories.article(factories.library(), live=False), user_in_group("Editors"))

    response = approve(
        moderator,
        "wagtailadmin_pages:workflow_action",
        page.pk,
        "reject",
        page.current_workflow_task_state.pk,
    )

    assert not any("approved" in str(m) for m in get_messages(response.wsgi_request))
