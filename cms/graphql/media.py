"""`Image` and `Document`: what a frontend needs of an uploaded file, and nothing more.

grapple's own image and document types are Django object types of Wagtail's models: they carry
the storage path (`file`), `fileHash`, `collection`, `tags`, `createdAt` and every reverse
relation (a document's `teachingmaterialdownloadSet` listed downloads of unpublished pages).
These types replace them everywhere: `register_media_types` puts them in grapple's registry
before grapple builds its types, so `GraphQLImage`, `GraphQLDocument`, the chooser blocks and
`DirectoryEntry.logo` all resolve to them.

Renditions are limited to `GRAPPLE["ALLOWED_IMAGE_FILTERS"]`: a client cannot make the server
render (and store) an image in sizes nobody configured.
"""

from django.conf import settings

from wagtail.documents import get_document_model
from wagtail.images import get_image_model

import graphene

from .errors import BadUserInput


def allowed_filters():
    return list(settings.GRAPPLE["ALLOWED_IMAGE_FILTERS"])


def _absolute(url):
    return url if "://" in url else settings.WAGTAILADMIN_BASE_URL + url


def _rendition(image, filter_spec, argument):
    if filter_spec not in allowed_filters():
        raise BadUserInput(
            f"The image filter {filter_spec!r} is not offered. "
            f"Allowed: {', '.join(allowed_filters())}.",
            argument=argument,
        )
    return image.get_rendition(filter_spec)


class Registered:
    """What grapple's `load_type_fields` asks of every type in its registry: a finished type
    (not one of its lazy stubs to rebuild from a Django model)."""

    @staticmethod
    def type():
        return {"lazy": False}


class FocalPoint(graphene.ObjectType):
    """The part of the image to keep when cropping, in pixels of the original."""

    x = graphene.Int(required=True)
    y = graphene.Int(required=True)
    width = graphene.Int(required=True)
    height = graphene.Int(required=True)


class Rendition(graphene.ObjectType):
    """A resized copy of an image."""

    url = graphene.String(required=True)
    width = graphene.Int(required=True)
    height = graphene.Int(required=True)

    def resolve_url(self, info):
        return _absolute(self.url)


class Image(Registered, graphene.ObjectType):
    """An uploaded image."""

    id = graphene.ID(required=True)
    title = graphene.String(required=True)
    url = graphene.String(required=True, description="The original file.")
    width = graphene.Int(required=True)
    height = graphene.Int(required=True)
    alt = graphene.String(
        required=True,
        description="Alt text: the image's description, else its title. A block's own alt "
        "text, where it has one, describes the image in its context better.",
    )
    focal_point = graphene.Field(FocalPoint)
    rendition = graphene.Field(
        Rendition,
        filter=graphene.String(
            required=True, description='A Wagtail filter spec on the allow-list, e.g. "width-800".'
        ),
    )
    src_set = graphene.String(
        required=True,
        widths=graphene.List(graphene.NonNull(graphene.Int), required=True),
        description='For `srcset`: "<url> <width>w" for each width; "width-<n>" must be on '
        "the allow-list.",
    )

    def resolve_url(self, info):
        return _absolute(self.file.url)

    def resolve_alt(self, info):
        return self.default_alt_text

    def resolve_focal_point(self, info):
        if self.focal_point_x is None:
            return None
        return FocalPoint(
            x=self.focal_point_x,
            y=self.focal_point_y,
            width=self.focal_point_width,
            height=self.focal_point_height,
        )

    def resolve_rendition(self, info, filter):
        return _rendition(self, filter, "filter")

    def resolve_src_set(self, info, widths):
        renditions = [_rendition(self, f"width-{width}", "widths") for width in widths]
        return ", ".join(f"{_absolute(r.url)} {r.width}w" for r in renditions)


class Document(Registered, graphene.ObjectType):
    """An uploaded document (PDF, slides, ...)."""

    id = graphene.ID(required=True)
    title = graphene.String(required=True)
    url = graphene.String(required=True)
    file_size = graphene.Int(description="In bytes; null when not yet measured.")
    file_extension = graphene.String(required=True, description='Lower case, e.g. "pdf".')
    content_type = graphene.String(required=True, description='e.g. "application/pdf".')

    def resolve_url(self, info):
        return _absolute(self.url)

    def resolve_file_extension(self, info):
        return self.file_extension.lower()


def register_media_types():
    """Make grapple use our types for the image and document models (before grapple starts)."""
    from grapple.registry import registry

    registry.images[get_image_model()] = Image
    registry.documents[get_document_model()] = Document
