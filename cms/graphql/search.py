"""`search`: one full-text query over pages, directory entries and events."""

from django.db import connection

from wagtail.models import Page

import graphene

from cms.search_text import ranked_index_entries, typo_fallback
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


def _hits(model, visible, query, typos=False):
    """(object, score) for the best-ranked rows of `visible` matching `query`, at most
    HITS_PER_KIND of them.

    Only the rows of `visible` (public, in the best locale) are ranked, so a visible row is never
    crowded out by higher-ranked drafts or other-locale rows.
    """
    words = search_words(query, "query")
    if typos:
        # Names that look like the words (cms/search_text.py), scored below any exact hit.
        scores = {pk: similarity / 100 for pk, similarity in typo_fallback(visible, words)}
    elif connection.vendor == "postgresql":
        scores = _ranked_in_database(model, visible, words)
    else:
        scores = _ranked_by_backend(model, visible, words)
    rows = visible.filter(pk__in=scores).select_related("locale")
    return [(row, scores[row.pk]) for row in rows]


def _ranked_in_database(model, visible, words):
    """{pk: score} in one query: Wagtail's index entries matching `words` (through the GIN index
    of directory migration 0004), restricted to `visible`, ranked like Wagtail's backend ranks
    (title rank times its norm plus body rank), best HITS_PER_KIND first."""
    ranked = (
        ranked_index_entries(model, words)
        .filter(object_pk__in=visible.values("pk"))
        .values_list("object_pk", "score")[:HITS_PER_KIND]
    )
    return {pk: score or 0.0 for pk, score in ranked}


def _ranked_by_backend(model, visible, words):
    """{pk: score} through Wagtail's backend (SQLite FTS5), which ranks every row of `model`:
    read in batches until HITS_PER_KIND visible rows are found or the hits run out."""
    scored = model.objects.search(words).annotate_score("_score")
    scores = {}
    start = 0
    while len(scores) < HITS_PER_KIND:
        batch = {hit.pk: hit._score or 0.0 for hit in scored[start : start + HITS_PER_KIND]}
        if not batch:
            break
        shown = visible.filter(pk__in=batch).values_list("pk", flat=True)
        scores.update((pk, batch[pk]) for pk in shown)
        start += HITS_PER_KIND
    return dict(sorted(scores.items(), key=lambda hit: -hit[1])[:HITS_PER_KIND])


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
        kinds = [
            (SearchResultKind.PAGE, best_locale(visible_pages().filter(depth__gt=2), code)),
            *(
                (kind, best_locale(visible_records(model), code))
                for kind, model in [
                    (SearchResultKind.ENTERPRISE, directory.SocialEnterprise),
                    (SearchResultKind.SUPPORT_ORGANISATION, directory.SupportOrganisation),
                    (SearchResultKind.EVENT, directory.Event),
                ]
            ),
        ]
        # Near names only when no kind has the words: a typo search adds no noise to hits.
        for typos in (False, True):
            results = [
                (score, kind, row)
                for kind, visible in kinds
                for row, score in _hits(visible.model, visible, query, typos=typos)
            ]
            if results:
                break
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
