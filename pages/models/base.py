"""The site's structure: a home page per locale, the library index, plain pages."""

from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from grapple.models import GraphQLImage, GraphQLStreamfield, GraphQLString
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index
from wagtail_headless_preview.models import HeadlessPreviewMixin

from cms.graphql.fields import GraphQLId, GraphQLTerms, LocalizedRelation
from cms.visibility import visible_pages
from directory.models import source_locale_only
from pages.blocks import BodyBlock


class BasePage(HeadlessPreviewMixin, Page):
    """What every page of ours has: an intro, a body in the shared blocks, search fields.

    Two preview modes: the server-rendered template (default, inside the admin) and the
    frontend, which receives a wagtail-headless-preview token to pass to
    `page(path:, previewToken:)`. The same template answers the page's public URL only while
    the page is visible (see cms/visibility.py); a preview never goes through `route`.
    """

    intro = models.TextField(_("intro"), blank=True, max_length=1000)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    search_fields = [
        *Page.search_fields,
        index.SearchField("intro", boost=2),
        index.SearchField("body"),
        index.FilterField("locale"),
    ]

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]

    graphql_fields = [GraphQLId, GraphQLString("intro"), GraphQLStreamfield("body")]

    class Meta:
        abstract = True

    @property
    def preview_modes(self):
        return [("", _("Page")), ("frontend", _("Frontend"))]

    def serve_preview(self, request, mode_name):
        if mode_name == "frontend":
            return HeadlessPreviewMixin.serve_preview(self, request, mode_name)
        return Page.serve_preview(self, request, mode_name)

    def route(self, request, path_components):
        # Wagtail serves any live page, expired or not yet due; the public URL follows our rule.
        if not path_components and not visible_pages().filter(pk=self.pk).exists():
            raise Http404
        return super().route(request, path_components)

    def visible_children(self):
        """The child pages the public may see, in their tree order."""
        return visible_pages().child_of(self).specific()


class HomePage(BasePage):
    """The root of one language's tree: wagtail-localize gives each locale its own copy."""

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["pages.LibraryIndexPage", "pages.StandardPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("home page")
        verbose_name_plural = _("home pages")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["sections"] = self.visible_children()
        return context


class LibraryIndexPage(BasePage):
    """The library: articles, teaching materials and tools live below it."""

    parent_page_types = ["pages.HomePage"]
    subpage_types = ["pages.ArticlePage", "pages.TeachingMaterialPage", "pages.ToolPage"]

    class Meta:
        verbose_name = _("library index")
        verbose_name_plural = _("library indexes")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["entries"] = self.visible_children().order_by("-first_published_at")
        return context


class StandardPage(BasePage):
    """About, contact and other plain pages."""

    parent_page_types = ["pages.HomePage", "pages.StandardPage"]
    subpage_types = ["pages.StandardPage"]

    class Meta:
        verbose_name = _("standard page")
        verbose_name_plural = _("standard pages")


class LibraryPage(BasePage):
    """A library item: topics and a hero image on top of the base page."""

    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("hero image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    topics = ParentalManyToManyField(
        "directory.Topic",
        verbose_name=_("topics"),
        blank=True,
        related_name="+",
        limit_choices_to=source_locale_only,
    )

    parent_page_types = ["pages.LibraryIndexPage"]
    subpage_types = []

    content_panels = [
        *BasePage.content_panels[:2],
        FieldPanel("hero_image"),
        *BasePage.content_panels[2:],
    ]

    graphql_fields = [
        *BasePage.graphql_fields,
        GraphQLImage("hero_image"),
        GraphQLTerms("topics", "directory.Topic", "localized_topics"),
    ]
    localized_topics = LocalizedRelation("topics")

    class Meta:
        abstract = True
