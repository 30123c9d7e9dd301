"""Endpoints and the log of every delivery attempt.

One `WebhookDelivery` row per attempt: the first is written when the event is enqueued, each
retry adds the next row with the same `message_id` (the `webhook-id` a receiver deduplicates
on), so the admin's list is the full history and a row is never rewritten after it is final.
"""

import base64
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .addresses import check_url

# What an endpoint may subscribe to. Terms have no drafts: saving one publishes it.
EVENT_TYPES = [
    ("page.published", _("Page published")),
    ("page.unpublished", _("Page unpublished")),
    ("page.deleted", _("Page deleted")),
    ("entry.published", _("Directory entry published")),
    ("entry.unpublished", _("Directory entry unpublished")),
    ("entry.deleted", _("Directory entry deleted")),
    ("event.published", _("Event published")),
    ("event.unpublished", _("Event unpublished")),
    ("event.deleted", _("Event deleted")),
    ("term.published", _("Vocabulary term saved")),
    ("term.deleted", _("Vocabulary term deleted")),
]
# Sent only by the admin's "Send test event", to one endpoint, whatever it subscribes to.
TEST_EVENT = "webhook.test"
SECRET_PREFIX = "whsec_"


def generate_secret():
    """24 random bytes, as the Standard Webhooks libraries generate them."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def decode_secret(secret):
    """The key bytes of a `whsec_<base64>` secret."""
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)


def validate_secret(value):
    if not value.startswith(SECRET_PREFIX):
        raise ValidationError(_("A secret starts with whsec_ followed by base64."))
    try:
        key = decode_secret(value)
    except ValueError:
        raise ValidationError(_("The part after whsec_ is not valid base64.")) from None
    if not 24 <= len(key) <= 64:
        raise ValidationError(_("The secret must decode to between 24 and 64 bytes."))


def validate_endpoint_url(value):
    check_url(value)


class WebhookEndpoint(models.Model):
    url = models.URLField(
        _("URL"),
        max_length=500,
        validators=[validate_endpoint_url],
        help_text=_("Where events are POSTed: http or https, on a public address."),
    )
    description = models.CharField(_("description"), max_length=200, blank=True)
    secret = models.CharField(
        _("signing secret"),
        max_length=100,
        default=generate_secret,
        validators=[validate_secret],
        help_text=_(
            "Give it to the receiver to verify the webhook-signature header "
            "(Standard Webhooks). Generated for you; replace it to rotate."
        ),
    )
    event_types = models.JSONField(
        _("event types"), default=list, help_text=_("The events this endpoint receives.")
    )
    locales = models.JSONField(
        _("locales"),
        default=list,
        blank=True,
        help_text=_(
            "Only events whose answers changed in one of these languages; none: every language."
        ),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        ordering = ["url"]

    def __str__(self):
        return self.description or self.url

    def clean(self):
        known = {code for code, _label in EVENT_TYPES}
        if unknown := sorted(set(self.event_types or []) - known):
            raise ValidationError({"event_types": _("Unknown event types: %s") % unknown})
        languages = {code for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES}
        if unknown := sorted(set(self.locales or []) - languages):
            raise ValidationError({"locales": _("Unknown locales: %s") % unknown})

    def wants(self, event_type, locales):
        """Whether an event of this type, changing answers in `locales`, is for this endpoint."""
        if not self.active or event_type not in self.event_types:
            return False
        return not self.locales or bool(set(self.locales) & set(locales))


class WebhookDelivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed, retry scheduled")
        GAVE_UP = "gave_up", _("Failed, no retry left")

    endpoint = models.ForeignKey(
        WebhookEndpoint,
        verbose_name=_("endpoint"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    message_id = models.CharField(_("message ID"), max_length=40, db_index=True)
    event_type = models.CharField(_("event type"), max_length=40)
    payload = models.JSONField(_("payload"))
    attempt = models.PositiveSmallIntegerField(_("attempt"), default=1)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), null=True, blank=True)
    due_at = models.DateTimeField(
        _("due"), help_text=_("When this attempt is to be sent (later for a retry).")
    )
    next_retry_at = models.DateTimeField(_("next retry"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "due_at"], name="webhooks_due")]

    def __str__(self):
        return f"{self.event_type} to {self.endpoint} (attempt {self.attempt})"
