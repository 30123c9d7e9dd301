"""Feedback after "Approve" in a moderation task (the dashboard's "Awaiting your review", the
workflow list, a page's or record's workflow menu).

Wagtail's workflow action view only redirects: the item leaves the moderator's list and nothing
says what happened to it. The view has no hook, and `task_approved` carries no request, so this
middleware runs that one view itself, collects the task states approved meanwhile and adds a
message naming each item, with a link to it. Approving from the edit form is left alone: that
view says what it did.
"""

import contextvars

from django.contrib.admin.utils import quote
from django.urls import reverse
from django.utils.translation import gettext as _

from wagtail.admin import messages
from wagtail.models import Page, WorkflowState
from wagtail.signals import task_approved

_approved = contextvars.ContextVar("cms_approved_task_states", default=None)


def _collect(sender, instance, user=None, **kwargs):
    found = _approved.get()
    if found is not None:
        found.append(instance)


task_approved.connect(_collect, dispatch_uid="cms.approval.collect")


def _edit_url(item):
    if isinstance(item, Page):
        return reverse("wagtailadmin_pages:edit", args=[item.pk])
    viewset = getattr(type(item), "snippet_viewset", None)
    if viewset is None:
        return None
    return reverse(viewset.get_url_name("edit"), args=[quote(item.pk)])


def approval_message(request, task_state):
    """Say what became of the approved item: published, or on to the workflow's next task."""
    workflow_state = task_state.workflow_state
    item = workflow_state.content_object
    if isinstance(item, Page):
        item = item.specific_deferred
    title = item.get_admin_display_title() if isinstance(item, Page) else str(item)
    if workflow_state.status == WorkflowState.STATUS_APPROVED:
        text = _("“%(title)s” approved and published.") % {"title": title}
    else:
        text = _("“%(title)s” approved: it moves on to “%(task)s”.") % {
            "title": title,
            "task": workflow_state.current_task_state.task.name,
        }
    buttons = []
    if edit_url := _edit_url(item):
        buttons.append(messages.button(edit_url, _("Edit")))
    if isinstance(item, Page) and item.live and (url := item.get_url(request)):
        buttons.append(messages.button(url, _("View live"), new_window=True))
    messages.success(request, text, buttons=buttons)


class ApprovalMessageMiddleware:
    """Listed after MessageMiddleware (it adds messages) and AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if (
            request.method != "POST"
            or match is None
            or match.url_name != "workflow_action"
            or view_kwargs.get("action_name") != "approve"
        ):
            return None
        token = _approved.set([])
        try:
            response = view_func(request, *view_args, **view_kwargs)
            approved = _approved.get()
        finally:
            _approved.reset(token)
        for task_state in approved:
            task_state.workflow_state.refresh_from_db()
            approval_message(request, task_state)
        return response
