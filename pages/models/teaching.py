from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from grapple.models import (
    GraphQLDocument,
    GraphQLField,
    GraphQLInt,
    GraphQLStreamfield,
    GraphQLString,
)
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Orderable
from wagtail.search import index

import graphene

from cms.fields import ChoiceListField
from cms.graphql.fields import ChildRows, GraphQLChildren
from pages.blocks import LearningOutcomeBlock

from .base import LibraryPage

AUDIENCES = [
    ("entrepreneurs", _("Social entrepreneurs")),
    ("educators", _("Educators and trainers")),
    ("support_staff", _("Support organisation staff")),
    ("students", _("Students")),
    ("public_sector", _("Municipalities and public sector")),
    ("ngos", _("NGOs")),
]


class Level(models.TextChoices):
    BEGINNER = "beginner", _("Beginner")
    INTERMEDIATE = "intermediate", _("Intermediate")
    ADVANCED = "advanced", _("Advanced")


class MaterialFormat(models.TextChoices):
    COURSE = "course", _("Course")
    WORKSHOP_PLAN = "workshop_plan", _("Workshop plan")
    HANDBOOK = "handbook", _("Handbook")
    EXERCISE = "exercise", _("Exercise")
    SLIDES = "slides", _("Slides")
    VIDEO = "video", _("Video")
    CASE_STUDY = "case_study", _("Case study")


class Licence(models.TextChoices):
    CC_BY = "cc-by-4.0", "CC BY 4.0"
    CC_BY_SA = "cc-by-sa-4.0", "CC BY-SA 4.0"
    CC_BY_NC = "cc-by-nc-4.0", "CC BY-NC 4.0"
    CC_BY_NC_SA = "cc-by-nc-sa-4.0", "CC BY-NC-SA 4.0"
    CC0 = "cc0-1.0", "CC0 1.0"
    ALL_RIGHTS_RESERVED = "all-rights-reserved", _("All rights reserved")


def material_language_choices():
    # Materials may exist in languages the site is not written in (Russian, Ukrainian, ...).
    return [*settings.WAGTAIL_CONTENT_LANGUAGES, ("ru", "Русский"), ("uk", "Українська")]


class TeachingMaterialPage(LibraryPage):
    """Teaching materials for educators and support organisations."""

    audience = ChoiceListField(_("audience"), choices=AUDIENCES)
    level = models.CharField(
        _("level"), max_length=20, choices=Level.choices, default=Level.BEGINNER
    )
    format = models.CharField(
        _("format"), max_length=20, choices=MaterialFormat.choices, default=MaterialFormat.COURSE
    )
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), null=True, blank=True)
    learning_outcomes = StreamField(
        [("outcome", LearningOutcomeBlock())],
        blank=True,
        verbose_name=_("learning outcomes"),
    )
    material_languages = ChoiceListField(
        _("languages the material exists in"), choices=material_language_choices()
    )
    licence = models.CharField(
        _("licence"), max_length=24, choices=Licence.choices, default=Licence.CC_BY
    )

    content_panels = [
        *LibraryPage.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("audience"),
                FieldRowPanel([FieldPanel("level"), FieldPanel("format")]),
                FieldPanel("duration_minutes"),
                FieldPanel("learning_outcomes"),
                FieldPanel("material_languages"),
                FieldPanel("licence"),
                FieldPanel("topics"),
            ],
            heading=_("About this material"),
        ),
        InlinePanel("downloads", label=_("downloads")),
    ]

    search_fields = [*LibraryPage.search_fields, index.FilterField("level")]

    graphql_fields = [
        *LibraryPage.graphql_fields,
        GraphQLField("audience", graphene.List(graphene.NonNull(graphene.String)), required=True),
        GraphQLString("level", required=True),
        GraphQLString("format", required=True),
        GraphQLInt("duration_minutes"),
        GraphQLStreamfield("learning_outcomes"),
        GraphQLField(
            "material_languages", graphene.List(graphene.NonNull(graphene.String)), required=True
        ),
        GraphQLString("licence", required=True),
        GraphQLChildren("downloads", "pages.TeachingMaterialDownload", "downloads_list"),
    ]
    downloads_list = ChildRows("downloads")

    class Meta:
        verbose_name = _("teaching material")
        verbose_name_plural = _("teaching materials")


class TeachingMaterialDownload(Orderable):
    page = ParentalKey(TeachingMaterialPage, on_delete=models.CASCADE, related_name="downloads")
    document = models.ForeignKey(
        "wagtaildocs.Document", verbose_name=_("document"), on_delete=models.CASCADE
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=material_language_choices(), default="en"
    )

    panels = [FieldPanel("document"), FieldPanel("title"), FieldPanel("language")]

    graphql_fields = [
        GraphQLDocument("document", required=True),
        GraphQLString("title"),
        GraphQLString("language", required=True),
    ]

    def __str__(self):
        return self.title or self.document.title
