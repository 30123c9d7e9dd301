"""Directory: social enterprises, support organisations, events, and their vocabularies.

All are Wagtail snippets with drafts, revisions, locking, preview and moderation workflows, and
all are translatable with wagtail-localize.

Relations to vocabulary terms and between entries always point at the rows of the source
locale (English): wagtail-localize copies many-to-many fields to translations unchanged, and we
keep foreign keys the same way (`SynchronizedField`) so that a translation can be published
before its vocabulary is. The API resolves each related row to the best translation for the
requested locale.
"""

import zoneinfo

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from grapple.models import (
    GraphQLBoolean,
    GraphQLField,
    GraphQLFloat,
    GraphQLImage,
    GraphQLInt,
    GraphQLRichText,
    GraphQLString,
)
from modelcluster.fields import ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    MultiFieldPanel,
    PublishingPanel,
    TitleFieldPanel,
)
from wagtail.fields import RichTextField
from wagtail.models import (
    DraftStateMixin,
    LockableMixin,
    PreviewableMixin,
    RevisionMixin,
    TranslatableMixin,
    WorkflowMixin,
)
from wagtail.search import index
from wagtail.search.queryset import SearchableQuerySetMixin
from wagtail_localize.fields import SynchronizedField, TranslatableField

import graphene
from django_countries.fields import CountryField

from cms.fields import ChoiceListField
from cms.graphql.fields import (
    CountryValue,
    GraphQLCountries,
    GraphQLCountry,
    GraphQLId,
    GraphQLTerm,
    GraphQLTerms,
    LocalizedRelation,
)
from directory.feeds import IcsUrl
from directory.jsonld import JSON, JsonLd


def source_locale_only():
    """Choices for relations: the English rows only (see the module docstring)."""
    return {"locale__language_code": settings.LANGUAGE_CODE}


def content_language_choices():
    return list(settings.WAGTAIL_CONTENT_LANGUAGES)


# Vocabularies ------------------------------------------------------------------------------


class Vocabulary(TranslatableMixin, models.Model):
    """A term of a controlled vocabulary: a stable code and a translatable label."""

    name = models.CharField(_("name"), max_length=200)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    translatable_fields = [TranslatableField("name"), SynchronizedField("sort_order")]

    panels = [FieldPanel("name"), FieldPanel("sort_order")]

    graphql_fields = [GraphQLId, GraphQLString("name", required=True)]

    class Meta(TranslatableMixin.Meta):
        abstract = True
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name

    def validate_constraints(self, exclude=None):
        # Admin forms have no locale field, and Django skips every constraint naming a field
        # the form excludes: check (slug|code, locale) anyway, or a duplicate is a 500.
        super().validate_constraints(exclude=set(exclude or ()) - {"locale"})


class SlugVocabulary(Vocabulary):
    slug = models.SlugField(_("slug"), max_length=80, help_text=_("The code the API filters on."))

    translatable_fields = [*Vocabulary.translatable_fields, SynchronizedField("slug")]
    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("sort_order")]
    graphql_fields = [*Vocabulary.graphql_fields, GraphQLString("slug", required=True)]
    code_field = "slug"

    class Meta(Vocabulary.Meta):
        abstract = True
        constraints = [
            models.UniqueConstraint(fields=["slug", "locale"], name="%(class)s_unique_slug")
        ]

    @property
    def code(self):
        return self.slug


class Sector(Vocabulary):
    """A NACE Rev. 2 section, by its letter."""

    code = models.CharField(
        _("NACE section"),
        max_length=1,
        validators=[RegexValidator(r"^[A-U]$", _("A NACE Rev. 2 section letter, A to U."))],
    )

    translatable_fields = [*Vocabulary.translatable_fields, SynchronizedField("code")]
    panels = [FieldPanel("code"), FieldPanel("name"), FieldPanel("sort_order")]
    graphql_fields = [*Vocabulary.graphql_fields, GraphQLString("code", required=True)]
    code_field = "code"

    class Meta(Vocabulary.Meta):
        verbose_name = _("sector")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["code", "locale"], name="sector_unique_code")
        ]

    def __str__(self):
        return f"{self.code} {self.name}"


class Sdg(Vocabulary):
    """A UN Sustainable Development Goal, by its number."""

    number = models.PositiveSmallIntegerField(
        _("number"), validators=[MinValueValidator(1), MaxValueValidator(17)]
    )

    translatable_fields = [*Vocabulary.translatable_fields, SynchronizedField("number")]
    panels = [FieldPanel("number"), FieldPanel("name")]
    graphql_fields = [*Vocabulary.graphql_fields, GraphQLInt("number", required=True)]
    code_field = "number"

    class Meta(Vocabulary.Meta):
        verbose_name = _("sustainable development goal")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["number", "locale"], name="sdg_unique_number")
        ]

    def __str__(self):
        return f"{self.number}. {self.name}"

    @property
    def code(self):
        return self.number


class TargetGroup(SlugVocabulary):
    class Meta(SlugVocabulary.Meta):
        verbose_name = _("target group")


class RecognisedStatus(SlugVocabulary):
    """A legally recognised social-enterprise status (Danish RSV register, ...)."""

    class Meta(SlugVocabulary.Meta):
        verbose_name = _("recognised status")
        verbose_name_plural = _("recognised statuses")


class Term(SlugVocabulary):
    """What an entry offers or needs in a collaboration (funding, mentoring, ...).

    Named `Term` because that is its name in the GraphQL contract.
    """

    class Meta(SlugVocabulary.Meta):
        verbose_name = _("collaboration offer or need")
        verbose_name_plural = _("collaboration offers and needs")


class SupportType(SlugVocabulary):
    class Meta(SlugVocabulary.Meta):
        verbose_name = _("support organisation type")


class EventType(SlugVocabulary):
    class Meta(SlugVocabulary.Meta):
        verbose_name = _("event type")


class Topic(SlugVocabulary):
    """Topics shared by library pages and events."""

    class Meta(SlugVocabulary.Meta):
        verbose_name = _("topic")


VOCABULARY_MODELS = [
    Sector,
    Sdg,
    TargetGroup,
    RecognisedStatus,
    Term,
    SupportType,
    EventType,
    Topic,
]

# Old name, kept only until every caller says Term.
CollaborationTerm = Term


# Publishable content -----------------------------------------------------------------------


def moderation_relations(query_name):
    """The revisions and workflow states of a snippet model (as Wagtail's docs declare them)."""
    revisions = GenericRelation("wagtailcore.Revision", related_query_name=query_name)
    workflow_states = GenericRelation(
        "wagtailcore.WorkflowState",
        content_type_field="base_content_type",
        object_id_field="object_id",
        related_query_name=query_name,
        for_concrete_model=False,
    )
    return revisions, workflow_states


class PublishableQuerySet(SearchableQuerySetMixin, models.QuerySet):
    def public(self):
        """The one visibility rule for snippets: published and not (yet) expired.

        `expired` is set by `publish_scheduled`; checking `expire_at` as well keeps an entry
        out of the API between its expiry time and the next run of that command.
        """
        now = timezone.now()
        return self.filter(live=True, expired=False).filter(
            Q(expire_at__isnull=True) | Q(expire_at__gt=now)
        )

    def in_locale(self, language_code):
        return self.filter(locale__language_code=language_code)


class PublishableSnippet(
    WorkflowMixin,
    DraftStateMixin,
    LockableMixin,
    RevisionMixin,
    PreviewableMixin,
    TranslatableMixin,
    index.Indexed,
    ClusterableModel,
):
    """Drafts, revisions, locking, preview, moderation and translation for a directory record."""

    slug = models.SlugField(
        _("slug"),
        max_length=120,
        allow_unicode=False,
        help_text=_("Part of the public address; the same in every language."),
    )
    # Unique per (model, locale) when set: see the constraints of each concrete model.
    external_id = models.CharField(
        _("external ID"),
        max_length=100,
        blank=True,
        db_index=True,
        help_text=_("A stable identifier from the source system, used by imports."),
    )

    objects = PublishableQuerySet.as_manager()

    class Meta(TranslatableMixin.Meta):
        abstract = True

    @property
    def revisions(self):
        return self._revisions

    def validate_constraints(self, exclude=None):
        # See Vocabulary.validate_constraints: a duplicate slug is a form error, not a 500.
        super().validate_constraints(exclude=set(exclude or ()) - {"locale"})

    def get_preview_template(self, request, mode_name):
        snake = "".join(f"_{c.lower()}" if c.isupper() else c for c in type(self).__name__)
        return f"directory/{snake.lstrip('_')}.html"


class DirectoryEntry(PublishableSnippet):
    """What social enterprises and support organisations have in common (API: DirectoryEntry)."""

    name = models.CharField(_("name"), max_length=255)
    summary = models.TextField(
        _("summary"), max_length=500, blank=True, help_text=_("One or two sentences.")
    )
    description = RichTextField(_("description"), blank=True)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    country = CountryField(_("country"), blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    address = models.CharField(_("street address"), max_length=255, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )

    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("public e-mail"), blank=True)
    phone = models.CharField(_("public phone"), max_length=40, blank=True)
    contact_name = models.CharField(
        _("contact person"),
        max_length=120,
        blank=True,
        help_text=_("Private: for the network's staff only, never published."),
    )
    contact_email = models.EmailField(
        _("private contact e-mail"),
        blank=True,
        help_text=_("Private: for the network's staff only, never published."),
    )

    sectors = ParentalManyToManyField(
        Sector,
        verbose_name=_("sectors"),
        blank=True,
        related_name="%(class)s_set",
        limit_choices_to=source_locale_only,
    )
    sdgs = ParentalManyToManyField(
        Sdg,
        verbose_name=_("SDGs"),
        blank=True,
        related_name="%(class)s_set",
        limit_choices_to=source_locale_only,
    )
    target_groups = ParentalManyToManyField(
        TargetGroup,
        verbose_name=_("target groups"),
        blank=True,
        related_name="%(class)s_set",
        limit_choices_to=source_locale_only,
    )
    languages = ChoiceListField(
        _("working languages"), choices=content_language_choices(), blank=True
    )

    seeking_partners = models.BooleanField(
        _("seeking collaboration partners"),
        default=False,
        help_text=_("Shown in partner matching with the offers and needs below."),
    )
    offers = ParentalManyToManyField(
        Term,
        verbose_name=_("offers"),
        blank=True,
        related_name="%(class)s_offering",
        limit_choices_to=source_locale_only,
    )
    needs = ParentalManyToManyField(
        Term,
        verbose_name=_("needs"),
        blank=True,
        related_name="%(class)s_needing",
        limit_choices_to=source_locale_only,
    )

    last_verified = models.DateField(
        _("last verified"),
        null=True,
        blank=True,
        help_text=_("When someone last checked this entry with the organisation."),
    )

    # Private fields are listed here so that a test can prove the API never exposes them.
    private_fields = ("contact_name", "contact_email")

    search_fields = [
        index.SearchField("name", boost=3),
        index.AutocompleteField("name"),
        index.SearchField("summary"),
        index.SearchField("description"),
        index.SearchField("city"),
        index.FilterField("locale"),
        index.FilterField("live"),
        index.FilterField("country"),
        index.FilterField("seeking_partners"),
    ]

    graphql_fields = [
        GraphQLId,
        GraphQLString("slug", required=True),
        GraphQLString("name", required=True),
        GraphQLString("summary"),
        GraphQLRichText("description"),
        GraphQLImage("logo"),
        GraphQLString("city"),
        GraphQLString("address"),
        GraphQLString("postal_code"),
        GraphQLFloat("latitude"),
        GraphQLFloat("longitude"),
        GraphQLString("website"),
        GraphQLString("email"),
        GraphQLString("phone"),
        GraphQLCountry("country", "country_value"),
        GraphQLTerms("sectors", "directory.Sector", "localized_sectors"),
        GraphQLTerms("sdgs", "directory.Sdg", "localized_sdgs"),
        GraphQLTerms("target_groups", "directory.TargetGroup", "localized_target_groups"),
        GraphQLField("languages", graphene.List(graphene.NonNull(graphene.String)), required=True),
        GraphQLBoolean("seeking_partners", required=True),
        GraphQLTerms("offers", "directory.Term", "localized_offers"),
        GraphQLTerms("needs", "directory.Term", "localized_needs"),
        GraphQLString("last_verified"),
        GraphQLField(
            "json_ld", JSON, source="json_ld_value", description="schema.org Organization."
        ),
    ]
    graphql_interfaces = ("directory.schema.DirectoryEntryInterface",)

    country_value = CountryValue("country")
    localized_sectors = LocalizedRelation("sectors")
    localized_sdgs = LocalizedRelation("sdgs")
    localized_target_groups = LocalizedRelation("target_groups")
    localized_offers = LocalizedRelation("offers")
    localized_needs = LocalizedRelation("needs")
    json_ld_value = JsonLd()

    class Meta(PublishableSnippet.Meta):
        abstract = True
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "locale"], name="%(class)s_unique_slug"),
            models.UniqueConstraint(
                fields=["external_id", "locale"],
                condition=~Q(external_id=""),
                name="%(class)s_unique_external_id",
            ),
        ]

    def __str__(self):
        return self.name


def _entry_panels(*specific):
    return [
        TitleFieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("summary"),
        FieldPanel("description"),
        FieldPanel("logo"),
        *specific,
        MultiFieldPanel(
            [
                FieldPanel("country"),
                FieldRowPanel([FieldPanel("city"), FieldPanel("postal_code")]),
                FieldPanel("address"),
                FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
            ],
            heading=_("Location"),
        ),
        MultiFieldPanel(
            [FieldPanel("website"), FieldPanel("email"), FieldPanel("phone")],
            heading=_("Public contact"),
        ),
        MultiFieldPanel(
            [FieldPanel("contact_name"), FieldPanel("contact_email")],
            heading=_("Private contact (never published)"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("sectors"),
                FieldPanel("sdgs"),
                FieldPanel("target_groups"),
                FieldPanel("languages"),
            ],
            heading=_("Classification"),
        ),
        MultiFieldPanel(
            [FieldPanel("seeking_partners"), FieldPanel("offers"), FieldPanel("needs")],
            heading=_("Collaboration"),
        ),
        FieldRowPanel([FieldPanel("last_verified"), FieldPanel("external_id")]),
        PublishingPanel(),
    ]


_ENTRY_SYNCHRONISED = [
    "slug",
    "external_id",
    "logo",
    "country",
    "city",
    "postal_code",
    "latitude",
    "longitude",
    "website",
    "email",
    "phone",
    "contact_name",
    "contact_email",
    "languages",
    "seeking_partners",
    "last_verified",
    # Many-to-many relations point at English rows in every translation; keep them in step.
    "sectors",
    "sdgs",
    "target_groups",
    "offers",
    "needs",
]


def entry_translatable_fields(*synchronised):
    """What translators translate in a directory entry; everything else is copied."""
    return [
        *(TranslatableField(name) for name in ["name", "summary", "description", "address"]),
        *(SynchronizedField(name) for name in [*_ENTRY_SYNCHRONISED, *synchronised]),
    ]


class SocialEnterprise(DirectoryEntry):
    legal_form = models.CharField(
        _("legal form"),
        max_length=120,
        blank=True,
        help_text=_("As written in the country: ApS, SIA, UAB, VšĮ, OÜ, MTÜ, fundacja, ..."),
    )
    recognised_status = models.ForeignKey(
        RecognisedStatus,
        verbose_name=_("recognised social-enterprise status"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to=source_locale_only,
    )
    founded_year = models.PositiveSmallIntegerField(
        _("year founded"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1800), MaxValueValidator(2100)],
    )
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)

    _revisions, workflow_states = moderation_relations("socialenterprise")

    translatable_fields = entry_translatable_fields(
        "legal_form", "recognised_status", "founded_year", "employees"
    )

    panels = _entry_panels(
        MultiFieldPanel(
            [
                FieldPanel("legal_form"),
                FieldPanel("recognised_status"),
                FieldRowPanel([FieldPanel("founded_year"), FieldPanel("employees")]),
            ],
            heading=_("Organisation"),
        )
    )

    graphql_fields = [
        *DirectoryEntry.graphql_fields,
        GraphQLString("legal_form"),
        GraphQLTerm("recognised_status", "directory.RecognisedStatus", "localized_status"),
        GraphQLInt("founded_year"),
        GraphQLInt("employees"),
    ]
    localized_status = LocalizedRelation("recognised_status", many=False)

    class Meta(DirectoryEntry.Meta):
        verbose_name = _("social enterprise")


class SupportOrganisation(DirectoryEntry):
    """Incubators, funders, networks, public bodies: whoever supports social enterprises."""

    support_types = ParentalManyToManyField(
        SupportType,
        verbose_name=_("type of support"),
        blank=True,
        related_name="organisations",
        limit_choices_to=source_locale_only,
    )
    countries_served = CountryField(
        _("countries served"),
        multiple=True,
        blank=True,
        help_text=_("Where the organisation offers its services; empty means its own country."),
    )

    _revisions, workflow_states = moderation_relations("supportorganisation")

    translatable_fields = entry_translatable_fields("countries_served", "support_types")

    panels = _entry_panels(
        MultiFieldPanel(
            [FieldPanel("support_types"), FieldPanel("countries_served")],
            heading=_("Support"),
        )
    )

    graphql_fields = [
        *DirectoryEntry.graphql_fields,
        GraphQLTerms("support_types", "directory.SupportType", "localized_support_types"),
        GraphQLCountries("countries_served", "countries_served_value"),
    ]
    localized_support_types = LocalizedRelation("support_types")
    countries_served_value = CountryValue("countries_served")

    class Meta(DirectoryEntry.Meta):
        verbose_name = _("support organisation")


class EventFormat(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("Hybrid")


class EventStatus(models.TextChoices):
    """schema.org EventStatusType."""

    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")
    POSTPONED = "postponed", _("Postponed")
    MOVED_ONLINE = "moved_online", _("Moved online")


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
        ordering = ["start"]
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
