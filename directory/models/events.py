"""The event calendar: events with their format, status, organiser and time zone."""

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grapple.models import (
    GraphQLField,
    GraphQLFloat,
    GraphQLRichText,
    GraphQLString,
)
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    MultiFieldPanel,
    PublishingPanel,
    TitleFieldPanel,
)
from wagtail.fields import RichTextField
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField, TranslatableField

import graphene
from django_countries.fields import CountryField

from cms.graphql.fields import (
    CountryValue,
    GraphQLCountry,
    GraphQLId,
    GraphQLTerm,
    GraphQLTerms,
    LocalizedRelation,
)
from directory.jsonld import JSON, JsonLd
from directory.links import IcsUrl

from .base import (
    PublishableSnippet,
    content_language_choices,
    moderation_relations,
    source_locale_only,
)
from .entries import SocialEnterprise, SupportOrganisation
from .vocabularies import EventType, Topic


class EventFormat(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("Hybrid")


class EventStatus(models.TextChoices):
    """schema.org EventStatusType. (A context: Wagtail's workflow states use the same words.)"""

    SCHEDULED = "scheduled", pgettext_lazy("event status", "Scheduled")
    CANCELLED = "cancelled", pgettext_lazy("event status", "Cancelled")
    POSTPONED = "postponed", pgettext_lazy("event status", "Postponed")
    MOVED_ONLINE = "moved_online", pgettext_lazy("event status", "Moved online")


class Event(PublishableSnippet):
    title = models.CharField(_("title"), max_length=255)
    summary = models.TextField(_("summary"), max_length=500, blank=True)
    description = RichTextField(_("description"), blank=True)
    language = models.CharField(
        _("language of the event"),
        max_length=8,
        choices=content_language_choices(),
        default="en",
    )
    english_summary = models.TextField(
        _("English summary"),
        blank=True,
        help_text=_("Required when the event is not held in English (the network's rule)."),
    )

    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"), null=True, blank=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default=settings.TIME_ZONE,
        help_text=_("IANA name, e.g. Europe/Warsaw: the local time the event is announced in."),
    )
    format = models.CharField(
        _("format"), max_length=16, choices=EventFormat.choices, default=EventFormat.IN_PERSON
    )
    status = models.CharField(
        _("status"), max_length=16, choices=EventStatus.choices, default=EventStatus.SCHEDULED
    )
    event_type = models.ForeignKey(
        EventType,
        verbose_name=_("type"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to=source_locale_only,
    )
    topics = ParentalManyToManyField(
        Topic,
        verbose_name=_("topics"),
        blank=True,
        related_name="events",
        limit_choices_to=source_locale_only,
    )

    country = CountryField(_("country"), blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    venue = models.CharField(_("venue"), max_length=255, blank=True)
    address = models.CharField(_("street address"), max_length=255, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    online_url = models.URLField(_("online meeting link"), blank=True)
    registration_url = models.URLField(_("registration link"), blank=True)

    organiser_enterprise = models.ForeignKey(
        SocialEnterprise,
        verbose_name=_("organiser (social enterprise)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="organised_events",
        limit_choices_to=source_locale_only,
    )
    organiser_organisation = models.ForeignKey(
        SupportOrganisation,
        verbose_name=_("organiser (support organisation)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="organised_events",
        limit_choices_to=source_locale_only,
    )
    contact_name = models.CharField(_("contact person"), max_length=120, blank=True)
    contact_email = models.EmailField(
        _("contact e-mail"),
        blank=True,
        help_text=_("Private: for moderators' questions, never published."),
    )

    _revisions, workflow_states = moderation_relations("event")

    private_fields = ("contact_name", "contact_email")

    translatable_fields = [
        TranslatableField("title"),
        TranslatableField("summary"),
        TranslatableField("description"),
        TranslatableField("venue"),
        *(
            SynchronizedField(name)
            for name in [
                "slug",
                "external_id",
                "language",
                "english_summary",
                "start",
                "end",
                "time_zone",
                "format",
                "status",
                "event_type",
                "country",
                "city",
                "address",
                "latitude",
                "longitude",
                "online_url",
                "registration_url",
                "organiser_enterprise",
                "organiser_organisation",
                "contact_name",
                "contact_email",
                "topics",
            ]
        ),
    ]

    panels = [
        TitleFieldPanel("title"),
        FieldPanel("slug"),
        FieldPanel("summary"),
        FieldPanel("description"),
        MultiFieldPanel(
            [FieldPanel("language"), FieldPanel("english_summary")], heading=_("Language")
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("start"), FieldPanel("end")]),
                FieldPanel("time_zone"),
                FieldRowPanel([FieldPanel("format"), FieldPanel("status")]),
                FieldPanel("event_type"),
                FieldPanel("topics"),
            ],
            heading=_("When and what"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("country"),
                FieldPanel("city"),
                FieldPanel("venue"),
                FieldPanel("address"),
                FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
                FieldPanel("online_url"),
                FieldPanel("registration_url"),
            ],
            heading=_("Where"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("organiser_enterprise"),
                FieldPanel("organiser_organisation"),
                FieldPanel("contact_name"),
                FieldPanel("contact_email"),
            ],
            heading=_("Organiser"),
        ),
        FieldPanel("external_id"),
        PublishingPanel(),
    ]

    search_fields = [
        index.SearchField("title", boost=3),
        index.AutocompleteField("title"),
        index.SearchField("summary"),
        index.SearchField("description"),
        index.SearchField("english_summary"),
        index.SearchField("city"),
        index.FilterField("locale"),
        index.FilterField("live"),
        index.FilterField("start"),
        index.FilterField("format"),
        index.FilterField("country"),
    ]

    graphql_fields = [
        GraphQLId,
        GraphQLString("slug", required=True),
        GraphQLString("title", required=True),
        GraphQLString("summary"),
        GraphQLRichText("description"),
        GraphQLString("english_summary"),
        GraphQLString("city"),
        GraphQLString("venue"),
        GraphQLString("address"),
        GraphQLFloat("latitude"),
        GraphQLFloat("longitude"),
        GraphQLString("online_url"),
        GraphQLString("registration_url"),
        GraphQLString("time_zone", required=True),
        GraphQLString("language", required=True),
        GraphQLField("start", graphene.DateTime, required=True),
        GraphQLField("end", graphene.DateTime),
        GraphQLField("format", "directory.schema.EventFormatEnum", required=True),
        GraphQLField("status", "directory.schema.EventStatusEnum", required=True),
        GraphQLCountry("country", "country_value"),
        GraphQLTerm("event_type", "directory.EventType", "localized_event_type"),
        GraphQLTerms("topics", "directory.Topic", "localized_topics"),
        GraphQLField(
            "organiser", "directory.schema.DirectoryEntryInterface", source="localized_organiser"
        ),
        GraphQLField(
            "ics_url",
            graphene.String,
            required=True,
            source="ics_url_value",
            description="This event as an iCalendar file, in the requested locale.",
        ),
        GraphQLField("json_ld", JSON, source="json_ld_value", description="schema.org Event."),
    ]

    country_value = CountryValue("country")
    localized_event_type = LocalizedRelation("event_type", many=False)
    localized_topics = LocalizedRelation("topics")
    localized_enterprise = LocalizedRelation("organiser_enterprise", many=False)
    localized_organisation = LocalizedRelation("organiser_organisation", many=False)
    ics_url_value = IcsUrl()
    json_ld_value = JsonLd()

    def localized_organiser(self, info, **kwargs):
        """The organiser as a public entry in the requested locale, or None."""
        return self.localized_enterprise(info) or self.localized_organisation(info)

    class Meta(PublishableSnippet.Meta):
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["start"]
        # The orders of the list (EventOrder), as for directory entries.
        indexes = [
            models.Index(fields=["start", "id"], name="event_by_start"),
            models.Index(fields=["title", "id"], name="event_by_title"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["slug", "locale"], name="event_unique_slug"),
            models.UniqueConstraint(
                fields=["external_id", "locale"],
                condition=~Q(external_id=""),
                name="event_unique_external_id",
            ),
            models.CheckConstraint(
                condition=Q(organiser_enterprise__isnull=True)
                | Q(organiser_organisation__isnull=True),
                name="event_one_organiser",
                violation_error_message=_("An event has one organiser: choose one of the two."),
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="event_ends_after_start",
                violation_error_message=_("The event cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return self.title

    @cached_property
    def organiser(self):
        return self.organiser_enterprise or self.organiser_organisation

    def clean(self):
        super().clean()
        errors = {}
        if self.end and self.start and self.end < self.start:
            errors["end"] = _("The event cannot end before it starts.")
        if self.language != "en" and not self.english_summary.strip():
            errors["english_summary"] = _("An event not held in English needs an English summary.")
        if self.organiser_enterprise_id and self.organiser_organisation_id:
            errors["organiser_organisation"] = _(
                "An event has one organiser: choose one of the two."
            )
        if self.time_zone and self.time_zone not in zoneinfo.available_timezones():
            errors["time_zone"] = _("Unknown time zone: use an IANA name like Europe/Riga.")
        if errors:
            raise ValidationError(errors)
