"""Settings > Webhooks (endpoints, with "Send test event") and Settings > Webhook deliveries
(every attempt, read-only). Only users given the models' permissions see them: by default the
administrators (superusers); no editorial group is given them."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic.models import EditView, IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from .events import send_test_event
from .models import EVENT_TYPES, WebhookDelivery, WebhookEndpoint


class EndpointForm(WagtailAdminModelForm):
    event_types = forms.MultipleChoiceField(
        label=_("Event types"), choices=EVENT_TYPES, widget=forms.CheckboxSelectMultiple
    )
    locales = forms.MultipleChoiceField(
        label=_("Locales"),
        choices=settings.WAGTAIL_CONTENT_LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Only changes seen in these languages; none ticked: every language."),
    )


class EndpointEditView(EditView):
    send_test_url_name = None

    @property
    def header_more_buttons(self):
        return [
            *super().header_more_buttons,
            Button(
                _("Send test event"),
                url=reverse(self.send_test_url_name, args=[self.object.pk]),
                icon_name="mail",
                priority=30,
            ),
            Button(
                _("Deliveries"),
                url=deliveries_url(self.object),
                icon_name="list-ul",
                priority=40,
            ),
        ]


class EndpointIndexView(IndexView):
    send_test_url_name = None

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if self.permission_policy.user_has_permission(self.request.user, "change"):
            buttons.append(
                MenuItem(
                    _("Send test event"),
                    url=reverse(self.send_test_url_name, args=[instance.pk]),
                    icon_name="mail",
                    priority=30,
                )
            )
        return buttons


def deliveries_url(endpoint):
    return reverse(deliveries.get_url_name("index")) + f"?endpoint={endpoint.pk}"


class EndpointViewSet(ModelViewSet):
    model = WebhookEndpoint
    icon = "link-external"
    menu_label = _("Webhooks")
    add_to_settings_menu = True
    url_prefix = "webhooks/endpoints"
    index_view_class = EndpointIndexView
    edit_view_class = EndpointEditView
    list_display = ["url", "description", "active", Column("event_types", label=_("Events"))]
    list_filter = ["active"]
    edit_handler = ObjectList(
        [
            FieldPanel("url"),
            FieldPanel("description"),
            FieldPanel("active"),
            FieldPanel("event_types"),
            FieldPanel("locales"),
            FieldPanel("secret"),
        ],
        base_form_class=EndpointForm,
    )

    def get_index_view_kwargs(self, **kwargs):
        kwargs["send_test_url_name"] = self.get_url_name("send_test")
        return super().get_index_view_kwargs(**kwargs)

    def get_edit_view_kwargs(self, **kwargs):
        kwargs["send_test_url_name"] = self.get_url_name("send_test")
        return super().get_edit_view_kwargs(**kwargs)

    def send_test_view(self, request, pk):
        if not self.permission_policy.user_has_permission(request.user, "change"):
            raise PermissionDenied
        endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
        if request.method == "POST":
            if not endpoint.active:
                messages.error(request, _("The endpoint is inactive: activate it first."))
                return redirect(self.get_url_name("edit"), endpoint.pk)
            send_test_event(endpoint)
            messages.success(
                request, _("A webhook.test event is on its way to %s.") % endpoint.url
            )
            return redirect(deliveries_url(endpoint))
        return TemplateResponse(
            request,
            "webhooks/send_test.html",
            {
                "endpoint": endpoint,
                "page_title": _("Send test event"),
                "header_icon": self.icon,
                "cancel_url": reverse(self.get_url_name("edit"), args=[endpoint.pk]),
            },
        )

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("send-test/<int:pk>/", self.send_test_view, name="send_test"),
        ]


class ReadOnlyPolicy(ModelPermissionPolicy):
    """Deliveries are a log: viewed, never added, changed or deleted in the admin."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, "view")

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)


class DeliveryViewSet(ModelViewSet):
    model = WebhookDelivery
    icon = "history"
    menu_label = _("Webhook deliveries")
    add_to_settings_menu = True
    url_prefix = "webhooks/deliveries"
    inspect_view_enabled = True
    # Required by ModelViewSet; the policy refuses adding and changing, so no form is shown.
    form_fields = ["event_type"]
    list_display = [
        DateColumn("created_at", label=_("Created")),
        "endpoint",
        "event_type",
        "message_id",
        "attempt",
        "status",
        "status_code",
        "duration_ms",
        DateColumn("next_retry_at", label=_("Next retry")),
    ]
    list_filter = ["status", "event_type", "endpoint"]
    inspect_view_fields = [
        "endpoint",
        "message_id",
        "event_type",
        "attempt",
        "status",
        "status_code",
        "error",
        "duration_ms",
        "due_at",
        "sent_at",
        "next_retry_at",
        "created_at",
        "payload",
    ]


register_permission_policy(WebhookDelivery, ReadOnlyPolicy(WebhookDelivery))
deliveries = DeliveryViewSet("webhook_deliveries")


@hooks.register("register_admin_viewset")
def register_viewsets():
    return [EndpointViewSet("webhook_endpoints"), deliveries]
