"""GraphQL for pages: the `Page` interface (grapple builds each page type on it) and the
`page` / `pages` root fields."""

from django.db import connection
from django.db.models import Case, IntegerField, Prefetch, Value, When, prefetch_related_objects

from wagtail.images import get_image_model
from wagtail.models import Page as WagtailPage

import graphene

from cms.graphql.batches import share_batch
from cms.graphql.errors import BadUserInput, check_limit, search_words
from cms.graphql.fields import set_requested_language
from cms.graphql.locales import SOURCE_LANGUAGE, Locale, best_locale
from cms.search_text import ranked_index_entries, typo_fallback
from cms.translation.schema import TranslatableNode, Translation, load_translations
from cms.visibility import visible_pages


def locale_path(page):
    """The page's path inside its locale's tree: "/" for a home page, "/library/x/" below."""
    segments = page.url_path.strip("/").split("/")[1:]
    return "/" + "".join(f"{segment}/" for segment in segments)


def _describe(page):
    return {"title": page.title, "path": locale_path(page)}


def request_visible_pages(info):
    """The public pages (cms.visibility), built once per request: each build reads the view
    restrictions, a query the list and its `translations` would otherwise make twice."""
    visible = getattr(info.context, "_visible_pages", None)
    if visible is None:
        visible = visible_pages()
        if info.context is not None:
            info.context._visible_pages = visible
    return visible


class PageType(graphene.Enum):
    HOME = "pages.HomePage"
    LIBRARY_INDEX = "pages.LibraryIndexPage"
    STANDARD = "pages.StandardPage"
    ARTICLE = "pages.ArticlePage"
    TEACHING_MATERIAL = "pages.TeachingMaterialPage"
    TOOL = "pages.ToolPage"


class ArticleKindEnum(graphene.Enum):
    ARTICLE = "article"
    CASE_STUDY = "case_study"
    REPORT = "report"
    NEWS = "news"

    class Meta:
        name = "ArticleKind"


class PageOrder(graphene.Enum):
    NEWEST = "-first_published_at"
    OLDEST = "first_published_at"
    TITLE = "title"
    TITLE_DESC = "-title"
    RECENTLY_UPDATED = "-last_published_at"


class PageInterface(graphene.Interface):
    """A published page in one locale."""

    id = graphene.ID(required=True)
    key = graphene.ID(required=True, description="Stable across translations.")
    title = graphene.String(required=True)
    path = graphene.String(required=True, description='Path within the locale; "/" is home.')
    url = graphene.String(description="The page's address on the site, with locale prefix.")
    locale = graphene.Field(Locale, required=True, description="The locale actually served.")
    translations = graphene.List(graphene.NonNull(Translation), required=True)
    page_type = graphene.Field(PageType, required=True)
    seo_title = graphene.String(required=True)
    search_description = graphene.String()
    first_published_at = graphene.DateTime()
    last_published_at = graphene.DateTime()

    class Meta:
        name = "Page"

    @classmethod
    def resolve_type(cls, instance, info):
        from grapple.registry import registry

        return registry.pages[type(instance)]

    resolve_key = TranslatableNode.resolve_key
    resolve_locale = TranslatableNode.resolve_locale

    def resolve_path(self, info):
        return locale_path(self)

    def resolve_url(self, info):
        return self.get_url(request=None)

    def resolve_page_type(self, info):
        return f"{self._meta.app_label}.{type(self).__name__}"

    def resolve_seo_title(self, info):
        return self.seo_title or self.title

    def resolve_translations(self, info):
        if not hasattr(self, "_translations"):
            load_translations(
                getattr(self, "_batch", [self]),
                WagtailPage.objects.all(),
                request_visible_pages(info),
                _describe,
            )
        return self._translations


class PageList(graphene.ObjectType):
    items = graphene.List(graphene.NonNull(PageInterface), required=True)
    total_count = graphene.Int(required=True)


def locale_roots():
    """Each locale's home page: the translations of the default site's root page."""
    from wagtail.models import Site

    site = Site.objects.select_related("root_page").get(is_default_site=True)
    return {
        page.locale.language_code: page
        for page in WagtailPage.objects.filter(
            translation_key=site.root_page.translation_key
        ).select_related("locale")
    }


def specific_with_relations(pages):
    """Turn generic pages into their specific classes and fetch what list fields need.

    One query per page type plus one per relation, whatever the number of pages.
    """
    pages = list(pages.specific()) if hasattr(pages, "specific") else list(pages)
    by_class = {}
    for page in pages:
        by_class.setdefault(type(page), []).append(page)
    image_model = get_image_model()
    for model, group in by_class.items():
        lookups = ["locale"]
        field_names = {field.name for field in model._meta.get_fields()}
        if "hero_image" in field_names:
            lookups.append(Prefetch("hero_image", image_model.objects.prefetch_renditions()))
        for name in ["topics", "related_enterprises", "related_organisations", "authors"]:
            if name in field_names:
                lookups.append(name)
        prefetch_related_objects(group, *lookups)
    return pages


def topic_filter(queryset, slug):
    from directory.models import Topic
    from pages.models import ArticlePage, TeachingMaterialPage, ToolPage

    if not Topic.objects.filter(slug=slug, locale__language_code=SOURCE_LANGUAGE).exists():
        raise BadUserInput(f'Unknown topic "{slug}".', argument="topic")
    ids = set()
    for model in (ArticlePage, TeachingMaterialPage, ToolPage):
        ids.update(model.objects.filter(topics__slug=slug).values_list("pk", flat=True))
    return queryset.filter(pk__in=ids)


def search_ids(query, visible=None):
    """Page ids matching a full-text query, best first (Wagtail's search backend, folding
    accents: cms/search_text.py). When nothing matches, the `visible` pages whose titles look
    like the words (a typo)."""
    words = search_words(query)
    if connection.vendor == "postgresql":
        ranked = ranked_index_entries(WagtailPage, words).values_list("object_pk", flat=True)
        ids = list(ranked[:1000])
    else:
        ids = [page.pk for page in WagtailPage.objects.search(words)[:1000]]
    if not ids and visible is not None:
        ids = [pk for pk, _score in typo_fallback(visible, words)]
    return ids


def listed_pages(code, type=None, topic=None, search=None, visible=None):
    """(queryset, search ranking or None) of the public pages `pages` lists: below the home
    pages, in their best locale for `code`, of a type, on a topic, matching a search. Shared
    with the Atom feed (pages/feeds.py). `visible`: the public pages, if already built."""
    visible = visible_pages() if visible is None else visible
    queryset = best_locale(visible.filter(depth__gt=2), code)
    if type is not None:
        app_label, model_name = getattr(type, "value", type).split(".")
        queryset = queryset.filter(
            content_type__app_label=app_label, content_type__model=model_name.lower()
        )
    if topic:
        queryset = topic_filter(queryset, topic)
    ranking = None
    if search:
        ids = search_ids(search, queryset)
        queryset = queryset.filter(pk__in=ids)
        ranking = Case(
            *(When(pk=pk, then=Value(rank)) for rank, pk in enumerate(ids)),
            output_field=IntegerField(),
        )
    return queryset, ranking


class PagesQuery:
    page = graphene.Field(
        PageInterface,
        path=graphene.String(required=True),
        locale=Locale(),
        preview_token=graphene.String(),
        description='A page by its path within the locale ("/" is the home page). '
        "Falls back to English when the page is not translated.",
    )
    pages = graphene.Field(
        PageList,
        locale=Locale(),
        type=PageType(),
        topic=graphene.String(),
        search=graphene.String(),
        order=PageOrder(),
        limit=graphene.Int(default_value=20),
        offset=graphene.Int(default_value=0),
        required=True,
    )

    def resolve_page(self, info, path, locale=None, preview_token=None):
        code = set_requested_language(info, locale)
        if preview_token:
            from pages.preview import page_for_token

            info.context.is_preview = True
            return page_for_token(preview_token)
        if not path.startswith("/"):
            raise BadUserInput('A path starts with "/", e.g. "/library/".', argument="path")
        roots = locale_roots()
        relative = path.strip("/")
        relative = f"{relative}/" if relative else ""
        visible = request_visible_pages(info)
        for candidate in [code, SOURCE_LANGUAGE]:
            root = roots.get(candidate)
            if root is None:
                continue
            page = visible.filter(
                locale__language_code=candidate, url_path=f"{root.url_path}{relative}"
            ).first()
            if page is None:
                continue
            if candidate != code:
                # Reached through the English path: serve the translation if it is public.
                page = (
                    visible.filter(
                        translation_key=page.translation_key, locale__language_code=code
                    ).first()
                    or page
                )
            return specific_with_relations(WagtailPage.objects.filter(pk=page.pk))[0]
        return None

    def resolve_pages(
        self, info, locale=None, type=None, topic=None, search=None, order=None, limit=20, offset=0
    ):
        limit, offset = check_limit(limit, offset)
        code = set_requested_language(info, locale)
        queryset, ranking = listed_pages(
            code, type, topic, search, visible=request_visible_pages(info)
        )
        if order is not None:
            queryset = queryset.order_by(getattr(order, "value", order), "pk")
        elif ranking is not None:
            queryset = queryset.order_by(ranking, "pk")
        else:
            queryset = queryset.order_by("-first_published_at", "pk")
        total = queryset.count()
        items = specific_with_relations(queryset[offset : offset + limit]) if limit else []
        return PageList(items=share_batch(items), total_count=total)
