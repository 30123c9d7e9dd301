from django.db import models
from django.utils.translation import gettext_lazy as _

from grapple.models import GraphQLBoolean, GraphQLField, GraphQLString
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.search import index

import graphene

from cms.fields import ChoiceListField

from .base import LibraryPage


class ToolCategory(models.TextChoices):
    COLLABORATION = "collaboration", _("Collaboration")
    ONLINE_COLLABORATION = "online_collaboration", _("Digital tools for online collaboration")
    PROJECT_MANAGEMENT = "project_management", _("Project management")
    IMPACT_MEASUREMENT = "impact_measurement", _("Impact measurement")
    BUSINESS_PLANNING = "business_planning", _("Business planning")
    FUNDRAISING = "fundraising", _("Fundraising")
    COMMUNICATION = "communication", _("Communication")


class Pricing(models.TextChoices):
    FREE = "free", _("Free")
    FREEMIUM = "freemium", _("Free plan and paid plans")
    PAID = "paid", _("Paid")
    NONPROFIT_DISCOUNT = "nonprofit_discount", _("Paid, with a non-profit discount")


PLATFORMS = [
    ("web", _("Web")),
    ("windows", "Windows"),
    ("macos", "macOS"),
    ("linux", "Linux"),
    ("ios", "iOS"),
    ("android", "Android"),
    ("paper", _("Paper / offline")),
]


class ToolPage(LibraryPage):
    """A collaboration method or digital tool, with what it costs and where it runs."""

    category = models.CharField(_("category"), max_length=32, choices=ToolCategory.choices)
    website = models.URLField(_("website"), blank=True)
    pricing = models.CharField(
        _("pricing"), max_length=24, choices=Pricing.choices, default=Pricing.FREE
    )
    open_source = models.BooleanField(_("open source"), default=False)
    platforms = ChoiceListField(_("platforms"), choices=PLATFORMS)

    content_panels = [
        *LibraryPage.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("category"),
                FieldPanel("website"),
                FieldPanel("pricing"),
                FieldPanel("open_source"),
                FieldPanel("platforms"),
                FieldPanel("topics"),
            ],
            heading=_("About this tool"),
        ),
    ]

    search_fields = [
        *LibraryPage.search_fields,
        index.FilterField("category"),
        index.FilterField("open_source"),
    ]

    graphql_fields = [
        *LibraryPage.graphql_fields,
        GraphQLString("category", required=True),
        GraphQLString("website"),
        GraphQLString("pricing", required=True),
        GraphQLBoolean("open_source", required=True),
        GraphQLField("platforms", graphene.List(graphene.NonNull(graphene.String)), required=True),
    ]

    class Meta:
        verbose_name = _("tool")
        verbose_name_plural = _("tools")
