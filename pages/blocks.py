"""The StreamField blocks every page body is written with, each typed for grapple."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grapple.helpers import register_streamfield_block
from grapple.models import (
    GraphQLDocument,
    GraphQLImage,
    GraphQLPage,
    GraphQLStreamfield,
    GraphQLString,
)
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

from cms.graphql.fields import requested_language
from cms.visibility import visible_version


@register_streamfield_block
class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("text"), max_length=200)
    level = blocks.ChoiceBlock(
        label=pgettext_lazy("heading", "level"),
        choices=[("h2", "H2"), ("h3", "H3"), ("h4", "H4")],
        default="h2",
    )

    graphql_fields = [GraphQLString("text", required=True), GraphQLString("level", required=True)]

    class Meta:
        icon = "title"
        template = "blocks/heading_block.html"


@register_streamfield_block
class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("image"))
    alt_text = blocks.CharBlock(
        label=_("alt text"),
        max_length=250,
        help_text=_("Describe the image for people who cannot see it."),
    )
    caption = blocks.CharBlock(label=_("caption"), required=False, max_length=250)
    credit = blocks.CharBlock(label=_("credit"), required=False, max_length=120)

    graphql_fields = [
        GraphQLImage("image", required=True),
        GraphQLString("alt_text", required=True),
        GraphQLString("caption"),
        GraphQLString("credit"),
    ]

    class Meta:
        icon = "image"
        template = "blocks/image_block.html"


@register_streamfield_block
class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("quote"))
    attribution = blocks.CharBlock(label=_("attribution"), required=False, max_length=200)

    graphql_fields = [GraphQLString("text", required=True), GraphQLString("attribution")]

    class Meta:
        icon = "openquote"
        template = "blocks/quote_block.html"


@register_streamfield_block
class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("document"))
    title = blocks.CharBlock(label=_("title"), required=False, max_length=200)
    description = blocks.TextBlock(label=_("description"), required=False)

    graphql_fields = [
        GraphQLDocument("document", required=True),
        GraphQLString("title"),
        GraphQLString("description"),
    ]

    class Meta:
        icon = "doc-full"
        template = "blocks/document_block.html"


@register_streamfield_block
class CallToActionBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), max_length=200)
    text = blocks.TextBlock(label=_("text"), required=False)
    link_label = blocks.CharBlock(label=_("link label"), max_length=80)
    page = blocks.PageChooserBlock(label=_("page"), required=False)
    url = blocks.URLBlock(label=_("or external address"), required=False)

    graphql_fields = [
        GraphQLString("title", required=True),
        GraphQLString("text"),
        GraphQLString("link_label", required=True),
        GraphQLPage("page", source="public_page"),
        GraphQLString("url"),
    ]

    class Meta:
        icon = "link"
        template = "blocks/call_to_action_block.html"

    def public_page(self, info, values, **kwargs):
        """The chosen page's best public translation for the requested locale, or None when
        neither it nor its English source is public (never a draft or private page)."""
        return visible_version(values.get("page"), requested_language(info))

    def clean(self, value):
        value = super().clean(value)
        if bool(value.get("page")) == bool(value.get("url")):
            raise blocks.StructBlockValidationError(
                block_errors={
                    "url": ValidationError(_("Choose a page or an address (one of them)."))
                }
            )
        return value


@register_streamfield_block
class KeyFigureBlock(blocks.StructBlock):
    figure = blocks.CharBlock(label=_("figure"), max_length=40, help_text=_("e.g. 400+ or 72%"))
    caption = blocks.CharBlock(label=_("what it counts"), max_length=120)

    graphql_fields = [
        GraphQLString("figure", required=True),
        GraphQLString("caption", required=True),
    ]

    class Meta:
        icon = "pick"


@register_streamfield_block
class KeyFiguresBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("heading"), required=False, max_length=200)
    figures = blocks.ListBlock(KeyFigureBlock(), min_num=1, max_num=6, label=_("figures"))

    graphql_fields = [
        GraphQLString("heading"),
        GraphQLStreamfield("figures", required=True),
    ]

    class Meta:
        icon = "table"
        template = "blocks/key_figures_block.html"


@register_streamfield_block
class LearningOutcomeBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("the learner can ..."), max_length=255)

    graphql_fields = [GraphQLString("text", required=True)]

    class Meta:
        icon = "tick"


class BodyBlock(blocks.StreamBlock):
    """The shared block set of every page body."""

    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        label=_("rich text"),
        features=["bold", "italic", "link", "document-link", "ol", "ul", "h3", "h4"],
        template="blocks/paragraph_block.html",
    )
    image = ImageBlock()
    quote = QuoteBlock()
    embed = EmbedBlock(label=_("embed"), help_text=_("A YouTube, Vimeo or similar address."))
    document = DocumentBlock()
    call_to_action = CallToActionBlock()
    key_figures = KeyFiguresBlock()
