"""What people reaching out through the directory leave behind: the log of messages relayed to
entries (`ContactMessage`) and the alert subscriptions (`AlertSubscription`).

Both hold private data (visitors' and subscribers' addresses): moderators read them in the
admin, the API never returns them. directory/outreach/ says how they are written.
"""

import hashlib
import json
import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from .entries import SocialEnterprise, SupportOrganisation


class ContactMessage(models.Model):
    """One message a visitor sent to an entry with `contactEntry`: who wrote to whom, when,
    and whether the e-mail went out. The entry's private address is not copied here."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        NOT_SENT = "not_sent", _("not sent")

    # Never shown to the public: writing one changes no public answer (cms.changes).
    public_content = False

    reference = models.UUIDField(_("reference"), default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("written"), auto_now_add=True, db_index=True)
    enterprise = models.ForeignKey(
        SocialEnterprise,
        verbose_name=_("social enterprise"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    organisation = models.ForeignKey(
        SupportOrganisation,
        verbose_name=_("support organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The entry as it was named when written to, should it be deleted later.
    entry_name = models.CharField(_("to"), max_length=255)
    sender_name = models.CharField(_("from"), max_length=120)
    sender_email = models.EmailField(_("sender's e-mail"))
    message = models.TextField(_("message"))
    locale = models.CharField(_("language of the form"), max_length=8)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("contact message")
        verbose_name_plural = _("contact messages")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.sender_name} → {self.entry_name}"

    @property
    def entry(self):
        return self.enterprise or self.organisation


class AlertSubscription(models.Model):
    """An address that asked for a digest of new items of one list with one filter.

    Inactive until the address confirms (double opt-in); unsubscribing deletes the row.
    `last_digest_at` is where the next digest's window of "new" starts.
    """

    class Kind(models.TextChoices):
        ENTERPRISES = "enterprises", _("social enterprises")
        SUPPORT_ORGANISATIONS = "support_organisations", _("support organisations")
        EVENTS = "events", _("events")
        PAGES = "pages", _("library pages")

    public_content = False

    email = models.EmailField(_("e-mail"))
    kind = models.CharField(_("list"), max_length=24, choices=Kind.choices)
    locale = models.CharField(_("language"), max_length=8)
    filter = models.JSONField(_("filter"), default=dict, blank=True)
    # The filter's canonical JSON hashed: the same alert asked for twice is one row.
    filter_digest = models.CharField(max_length=64, editable=False)
    # The secret that signed links name (never the row id, which a database may reuse).
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    last_digest_at = models.DateTimeField(_("last digest"), null=True, blank=True)

    class Meta:
        verbose_name = _("alert subscription")
        verbose_name_plural = _("alert subscriptions")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["email", "kind", "locale", "filter_digest"],
                name="directory_alert_once_per_address",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.locale})"

    @staticmethod
    def digest_of(filter):
        canonical = json.dumps(filter or {}, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()

    @property
    def confirmed(self):
        return self.confirmed_at is not None
