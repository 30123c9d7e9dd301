"""Directory > Contact messages and Directory > Alert subscriptions in the Wagtail admin:
read-only lists for the moderators (migration gives the Moderators group view and, for
subscriptions, delete). Nobody adds or edits them here: messages are a log, and a subscription
is the subscriber's own; deleting one is how a moderator honours a request to be forgotten."""

from django.utils.translation import gettext_lazy as _

from wagtail.admin.ui.tables import DateColumn
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from directory.models import AlertSubscription, ContactMessage


class ViewOnly(ModelPermissionPolicy):
    """Seen by whoever has the model's view permission; deleted where `deletable`."""

    deletable = False

    def user_has_permission(self, user, action):
        allowed = {"view", "delete"} if self.deletable else {"view"}
        return action in allowed and super().user_has_permission(user, action)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)


class ViewOrDelete(ViewOnly):
    deletable = True


class ContactMessageViewSet(ModelViewSet):
    model = ContactMessage
    icon = "mail"
    menu_label = _("Contact messages")
    url_prefix = "directory/contact-messages"
    inspect_view_enabled = True
    # Required by ModelViewSet; the policy refuses adding and changing, so no form is shown.
    form_fields = ["status"]
    list_display = [
        DateColumn("created_at", label=_("written")),
        "sender_name",
        "entry_name",
        "status",
        "reference",
    ]
    list_filter = ["status"]
    search_fields = ["sender_name", "sender_email", "entry_name"]
    inspect_view_fields = [
        "reference",
        "created_at",
        "entry_name",
        "enterprise",
        "organisation",
        "sender_name",
        "sender_email",
        "locale",
        "message",
        "status",
        "sent_at",
    ]


class AlertSubscriptionViewSet(ModelViewSet):
    model = AlertSubscription
    icon = "tasks"
    menu_label = _("Alert subscriptions")
    url_prefix = "directory/alert-subscriptions"
    inspect_view_enabled = True
    form_fields = ["kind"]
    list_display = [
        "email",
        "kind",
        "locale",
        DateColumn("created_at", label=_("asked")),
        DateColumn("confirmed_at", label=_("confirmed")),
        DateColumn("last_digest_at", label=_("last digest")),
    ]
    list_filter = ["kind", "locale"]
    search_fields = ["email"]
    inspect_view_fields = [
        "email",
        "kind",
        "locale",
        "filter",
        "created_at",
        "confirmed_at",
        "last_digest_at",
    ]


class OutreachGroup(ViewSetGroup):
    menu_label = _("Messages and alerts")
    menu_icon = "mail"
    add_to_admin_menu = True
    items = [
        ContactMessageViewSet("contact_messages"),
        AlertSubscriptionViewSet("alert_subscriptions"),
    ]


register_permission_policy(ContactMessage, ViewOnly(ContactMessage))
register_permission_policy(AlertSubscription, ViewOrDelete(AlertSubscription))
