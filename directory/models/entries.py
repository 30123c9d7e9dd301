"""Directory entries: social enterprises and support organisations (API: DirectoryEntry)."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
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
from directory.freshness import is_stale
from directory.jsonld import JSON, JsonLd

from .base import (
    PublishableSnippet,
    content_language_choices,
    moderation_relations,
    source_locale_only,
)
from .vocabularies import RecognisedStatus, Sdg, Sector, SupportType, TargetGroup, Term


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
    accepts_contact = models.BooleanField(
        _("accepts messages from visitors"),
        default=True,
        help_text=_(
            "Visitors may write to the private contact through the directory, which relays "
            "their message without showing the address. Unticked when the contact opts out."
        ),
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
    # Bookkeeping of the yearly "still correct?" e-mail (directory/verification): written to
    # every row of the translation group by a plain UPDATE, never in a revision, since it is
    # not content and must not bust the public caches.
    verification_requested = models.DateField(
        _("verification last requested"), null=True, blank=True, editable=False
    )

    # Private fields are listed here so that a test can prove the API never exposes them.
    private_fields = ("contact_name", "contact_email", "verification_requested")

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
        GraphQLBoolean(
            "contactable",
            required=True,
            description="Whether contactEntry can write to it (a private contact that accepts "
            "messages); the address itself is never shown.",
        ),
        GraphQLField(
            "last_verified",
            graphene.Date,
            description="When the entry was last checked with the organisation; null: never.",
        ),
        GraphQLBoolean(
            "stale",
            required=True,
            description="Not verified within DIRECTORY_STALE_AFTER_DAYS (default 365), or never.",
        ),
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
        # One per order of the lists (DirectoryOrder), with the tie-breaker: the first page is
        # read from the index in order instead of sorting every visible entry. Without the
        # locale in front, so the same index serves a locale's rows and its English fallbacks.
        # RECENTLY_VERIFIED (nulls last) has a PostgreSQL-only index: see migration 0004.
        indexes = [
            models.Index(fields=["name", "id"], name="%(class)s_by_name"),
            models.Index(fields=["country", "id"], name="%(class)s_by_country"),
        ]
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

    @property
    def contactable(self):
        return bool(self.contact_email) and self.accepts_contact

    @property
    def stale(self):
        return is_stale(self.last_verified)


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
            [
                FieldPanel("contact_name"),
                FieldPanel("contact_email"),
                FieldPanel("accepts_contact"),
            ],
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
    "accepts_contact",
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
        verbose_name_plural = _("social enterprises")


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
        verbose_name_plural = _("support organisations")
