"""Vocabularies: sectors (NACE), SDGs, target groups, statuses, offers and needs, support
types, event types and topics; codes are stable, labels are translated."""

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from grapple.models import (
    GraphQLInt,
    GraphQLString,
)
from wagtail.admin.panels import (
    FieldPanel,
)
from wagtail.models import (
    TranslatableMixin,
)
from wagtail_localize.fields import SynchronizedField, TranslatableField

from cms.graphql.fields import (
    GraphQLId,
)

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
        verbose_name_plural = _("sectors")
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
        verbose_name_plural = _("sustainable development goals")
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
        verbose_name_plural = _("target groups")


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
        verbose_name_plural = _("support organisation types")


class EventType(SlugVocabulary):
    class Meta(SlugVocabulary.Meta):
        verbose_name = _("event type")
        verbose_name_plural = _("event types")


class Topic(SlugVocabulary):
    """Topics shared by library pages and events."""

    class Meta(SlugVocabulary.Meta):
        verbose_name = _("topic")
        verbose_name_plural = _("topics")


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
