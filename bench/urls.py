"""Our URLs plus a Wagtail REST API v2 at /api/v2/, serving what our GraphQL list queries serve.

Built the way the Wagtail documentation shows, with no query tuning: `APIField`s with DRF
serializers for the relations, and the stock viewsets' querysets (no select_related or
prefetch_related), so that the comparison is with what a site gets from API v2 out of the box.

- /api/v2/pages/: the stock pages endpoint; ArticlePage gets `translation_key`, `hero_image`
  ({url}), `topics` ({slug, name}), `related_enterprises` (nested through the endpoint below)
  and `translations`.
- /api/v2/enterprises/: published English social enterprises, by name, listing name, slug,
  locale, translation_key, country ({code, name}), sectors ({code, name}), sdgs ({number,
  name}), logo ({url}) and `translations`.

`translations` is what a frontend's language switcher needs and API v2 does not serve by
itself: the published versions of the item in every locale ({locale, title, url} for a page,
{locale, name, slug} for an enterprise), written as a site would write it from the docs: a
serializer field calling `get_translations()`. Our GraphQL `translations` says more (every
configured locale, with a status); this is the least a frontend would ask v2 for.
"""

from django.conf import settings
from django.urls import path

from wagtail.api import APIField
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import BaseAPIViewSet, PagesAPIViewSet

from django_countries.serializer_fields import CountryField
from rest_framework import serializers

from bench.ceiling import ceiling
from cms.urls import urlpatterns as cms_urlpatterns
from directory.models import Sdg, Sector, SocialEnterprise, Topic
from pages.models import ArticlePage


class ImageURLField(serializers.Field):
    """An image as {"url": ...}: the original file, as GraphQL's `image { url }`."""

    def to_representation(self, image):
        return {"url": image.file.url}


class TopicSerializer(serializers.ModelSerializer):
    class Meta:
        model = Topic
        fields = ["slug", "name"]


class SectorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Sector
        fields = ["code", "name"]


class SdgSerializer(serializers.ModelSerializer):
    class Meta:
        model = Sdg
        fields = ["number", "name"]


class LocaleCodeField(serializers.Field):
    """A locale as its language code, as the pages endpoint's `meta.locale` shows it."""

    def to_representation(self, locale):
        return locale.language_code


class PageTranslationsField(serializers.Field):
    """The other live versions of a page: {locale, title, url} each."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, page):
        request = self.context.get("request")
        return [
            {
                "locale": translation.locale.language_code,
                "title": translation.title,
                "url": translation.get_url(request=request),
            }
            for translation in page.get_translations().live().select_related("locale")
        ]


class RecordTranslationsField(serializers.Field):
    """The other published versions of a directory record: {locale, name, slug} each."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, record):
        return [
            {
                "locale": translation.locale.language_code,
                "name": translation.name,
                "slug": translation.slug,
            }
            for translation in record.get_translations().public().select_related("locale")
        ]


# What `api_fields` on ArticlePage would say; kept here so the benchmark changes no model.
ARTICLE_API_FIELDS = [
    APIField("translation_key"),
    APIField("hero_image", serializer=ImageURLField()),
    APIField("topics", serializer=TopicSerializer(many=True, read_only=True)),
    APIField("related_enterprises"),
    APIField("translations", serializer=PageTranslationsField()),
]


class BenchPagesAPIViewSet(PagesAPIViewSet):
    @classmethod
    def get_body_fields(cls, model):
        fields = super().get_body_fields(model)
        if issubclass(model, ArticlePage):
            fields += cls._convert_api_fields(ARTICLE_API_FIELDS)
        return fields


class SocialEnterpriseAPIViewSet(BaseAPIViewSet):
    """A snippet endpoint: published English enterprises, in the order GraphQL lists them."""

    name = "enterprises"
    model = SocialEnterprise
    body_fields = [
        *BaseAPIViewSet.body_fields,
        "name",
        "slug",
        APIField("locale", serializer=LocaleCodeField()),
        "translation_key",
        APIField("country", serializer=CountryField(country_dict=True)),
        APIField("sectors", serializer=SectorSerializer(many=True, read_only=True)),
        APIField("sdgs", serializer=SdgSerializer(many=True, read_only=True)),
        APIField("logo", serializer=ImageURLField()),
        APIField("translations", serializer=RecordTranslationsField()),
    ]
    listing_default_fields = [
        *BaseAPIViewSet.listing_default_fields,
        "name",
        "slug",
        "locale",
        "translation_key",
        "country",
        "sectors",
        "sdgs",
        "logo",
        "translations",
    ]
    nested_default_fields = [*BaseAPIViewSet.nested_default_fields, "name"]

    def get_queryset(self):
        return (
            SocialEnterprise.objects.public()
            .in_locale(settings.LANGUAGE_CODE)
            .order_by("name", "pk")
        )


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", BenchPagesAPIViewSet)
api_router.register_endpoint("enterprises", SocialEnterpriseAPIViewSet)

# Before ours: cms.urls ends with Wagtail's catch-all page serving.
urlpatterns = [
    path("api/v2/", api_router.urls),
    path("bench/ceiling/", ceiling),  # make bench-http's raw-JSON ceiling
    *cms_urlpatterns,
]
