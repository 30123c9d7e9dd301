"""`search`: one full-text query over pages, directory entries and events."""

from wagtail.models import Page

import graphene

from cms.visibility import visible_pages, visible_records
from directory import models as directory
from directory.schema import DirectoryEntryInterface
from pages.schema import PageInterface, specific_with_relations

from .batches import share_batch
from .errors import check_limit, search_words
from .fields import set_requested_language, snippet_type
from .locales import Locale, best_locale

# How many hits each kind contributes before the merge; enough for a limit of 100.
HITS_PER_KIND = 200


class SearchResultKind(graphene.Enum):
    PAGE = "page"
    ENTERPRISE = "enterprise"
    SUPPORT_ORGANISATION = "support_organisation"
    EVENT = "event"


class SearchResult(graphene.ObjectType):
    """One hit. Exactly one of `page`, `entry` and `event` is set, as `kind` says."""

    kind = graphene.Field(SearchResultKind, required=True)
    score = graphene.Float(required=True, description="Relevance; higher is better.")
    title = graphene.String(required=True)
    locale = graphene.Field(Locale, required=True)
    page = graphene.Field(PageInterface)
    entry = graphene.Field(DirectoryEntryInterface)
    event = graphene.Field(snippet_type("directory.Event"))


def _hits(model, visible, query):
    """(object, score) for the visible rows matching `query`, in the best locale."""
    scored = model.objects.search(search_words(query, "query")).annotate_score("_score")
    scored = scored[:HITS_PER_KIND]
    scores = {hit.pk: hit._score or 0.0 for hit in scored}
    rows = visible.filter(pk__in=scores).select_related("locale")
    return [(row, scores[row.pk]) for row in rows]


class SearchQuery:
    search = graphene.List(
        graphene.NonNull(SearchResult),
        query=graphene.String(required=True),
        locale=Locale(),
        limit=graphene.Int(default_value=20),
        required=True,
        description="Full-text search over the library, the directory and the calendar.",
    )

    def resolve_search(self, info, query, locale=None, limit=20):
        limit, _offset = check_limit(limit)
        search_words(query, "query")  # a query without words is refused before any work
        code = set_requested_language(info, locale)
        results = []
        pages = _hits(Page, best_locale(visible_pages().filter(depth__gt=2), code), query)
        for kind, model in [
            (SearchResultKind.ENTERPRISE, directory.SocialEnterprise),
            (SearchResultKind.SUPPORT_ORGANISATION, directory.SupportOrganisation),
            (SearchResultKind.EVENT, directory.Event),
        ]:
            for row, score in _hits(model, best_locale(visible_records(model), code), query):
                results.append((score, kind, row))
        results.extend((score, SearchResultKind.PAGE, page) for page, score in pages)
        results.sort(key=lambda hit: (-hit[0], str(hit[2].pk)))
        results = results[:limit]

        page_ids = [row.pk for _score, kind, row in results if kind == SearchResultKind.PAGE]
        specific = {
            page.pk: page for page in specific_with_relations(Page.objects.filter(pk__in=page_ids))
        }
        share_batch(list(specific.values()))
        for kind in {kind for _score, kind, _row in results} - {SearchResultKind.PAGE}:
            share_batch([row for _score, row_kind, row in results if row_kind == kind])

        answer = []
        for score, kind, row in results:
            node = specific.get(row.pk, row) if kind == SearchResultKind.PAGE else row
            answer.append(
                SearchResult(
                    kind=kind,
                    score=float(score),
                    title=getattr(node, "title", None) or node.name,
                    locale=node.locale.language_code,
                    page=node if kind == SearchResultKind.PAGE else None,
                    entry=node
                    if kind in (SearchResultKind.ENTERPRISE, SearchResultKind.SUPPORT_ORGANISATION)
                    else None,
                    event=node if kind == SearchResultKind.EVENT else None,
                )
            )
        return answer
