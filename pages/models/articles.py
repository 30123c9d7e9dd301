from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grapple.models import GraphQLField, GraphQLString
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable
from wagtail.search import index

import graphene
from django_countries.fields import CountryField

from cms.graphql.fields import (
    ChildRows,
    CountryValue,
    GraphQLChildren,
    GraphQLCountries,
    GraphQLTerms,
    LocalizedRelation,
)
from directory.models import source_locale_only

from .base import LibraryPage


class ArticleKind(models.TextChoices):
    ARTICLE = "article", _("Article")
    CASE_STUDY = "case_study", _("Business model case study")
    REPORT = "report", _("Report")
    NEWS = "news", _("News")


class ArticlePage(LibraryPage):
    """Articles on social entrepreneurship and impact, case studies, reports, news."""

    kind = models.CharField(
        _("kind"), max_length=20, choices=ArticleKind.choices, default=ArticleKind.ARTICLE
    )
    date = models.DateField(_("date"), default=timezone.localdate)
    countries = CountryField(
        _("countries"), multiple=True, blank=True, help_text=_("The countries it is about.")
    )
    related_enterprises = ParentalManyToManyField(
        "directory.SocialEnterprise",
        verbose_name=_("related social enterprises"),
        blank=True,
        related_name="+",
        limit_choices_to=source_locale_only,
    )
    related_organisations = ParentalManyToManyField(
        "directory.SupportOrganisation",
        verbose_name=_("related support organisations"),
        blank=True,
        related_name="+",
        limit_choices_to=source_locale_only,
    )

    content_panels = [
        *LibraryPage.content_panels,
        MultiFieldPanel(
            [FieldPanel("kind"), FieldPanel("date"), InlinePanel("authors", label=_("authors"))],
            heading=_("About this article"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("topics"),
                FieldPanel("countries"),
                FieldPanel("related_enterprises"),
                FieldPanel("related_organisations"),
            ],
            heading=_("Classification"),
        ),
    ]

    search_fields = [
        *LibraryPage.search_fields,
        index.FilterField("kind"),
        index.FilterField("date"),
    ]

    graphql_fields = [
        *LibraryPage.graphql_fields,
        GraphQLField("kind", "pages.schema.ArticleKindEnum", required=True),
        GraphQLField("date", graphene.Date, required=True),
        GraphQLChildren("authors", "pages.ArticleAuthor", "authors_list"),
        GraphQLCountries("countries", "countries_value"),
        GraphQLTerms(
            "related_enterprises", "directory.SocialEnterprise", "localized_related_enterprises"
        ),
        GraphQLTerms(
            "related_organisations",
            "directory.SupportOrganisation",
            "localized_related_organisations",
        ),
    ]
    authors_list = ChildRows("authors")
    countries_value = CountryValue("countries")
    localized_related_enterprises = LocalizedRelation("related_enterprises")
    localized_related_organisations = LocalizedRelation("related_organisations")

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")


class ArticleAuthor(Orderable):
    page = ParentalKey(ArticlePage, on_delete=models.CASCADE, related_name="authors")
    name = models.CharField(_("name"), max_length=120)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)

    panels = [FieldPanel("name"), FieldPanel("organisation")]

    graphql_fields = [GraphQLString("name", required=True), GraphQLString("organisation")]

    def __str__(self):
        return self.name
