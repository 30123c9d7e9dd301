"""GraphQL for the directory: the `DirectoryEntry` interface, filters, orders, root fields."""

import datetime
import math

from django.db import connection
from django.db.models import (
    Count,
    Exists,
    F,
    FloatField,
    OuterRef,
    Prefetch,
    Q,
    Value,
    Window,
)
from django.db.models.functions import ASin, Cast, Cos, Least, Power, Radians, Sin, Sqrt
from django.utils import timezone

from wagtail.images import get_image_model

import graphene
from graphql.language import FieldNode, FragmentSpreadNode, InlineFragmentNode

from cms.graphql.batches import share_batch
from cms.graphql.errors import BadUserInput, check_limit, search_words
from cms.graphql.fields import Country, set_requested_language
from cms.graphql.locales import SOURCE_LANGUAGE, Locale, best_locale
from cms.locale_ids import locale_id
from cms.search_text import ForgivingQuery, ranked_index_entries, typo_fallback
from cms.translation.schema import TranslatableInterface
from cms.visibility import visible_records, visible_search_rows
from directory import models
from directory.facets import EnterpriseFacets, SupportOrganisationFacets, facets_field
from directory.freshness import stale_condition
from directory.models.search import search_rows


def _image_type():
    from grapple.types.images import get_image_type

    return get_image_type()


class DirectoryEntryInterface(graphene.Interface):
    """A social enterprise or a support organisation."""

    id = graphene.ID(required=True)
    key = graphene.ID(required=True, description="Stable across translations.")
    slug = graphene.String(required=True)
    name = graphene.String(required=True)
    summary = graphene.String()
    country = graphene.Field(Country)
    city = graphene.String()
    website = graphene.String()
    logo = graphene.Field(_image_type)
    last_verified = graphene.Date(
        description="When the entry was last checked with the organisation; null: never."
    )
    stale = graphene.Boolean(
        required=True,
        description="Not verified within DIRECTORY_STALE_AFTER_DAYS (default 365), or never.",
    )
    locale = graphene.Field(Locale, required=True, description="The locale actually served.")
    translations = graphene.List(
        graphene.NonNull("cms.translation.schema.Translation"), required=True
    )

    class Meta:
        name = "DirectoryEntry"

    @classmethod
    def resolve_type(cls, instance, info):
        from grapple.registry import registry

        return registry.snippets[type(instance)]

    resolve_key = TranslatableInterface.resolve_key
    resolve_locale = TranslatableInterface.resolve_locale
    resolve_translations = TranslatableInterface.resolve_translations

    def resolve_country(self, info):
        return self.country or None


class EventFormatEnum(graphene.Enum):
    IN_PERSON = models.EventFormat.IN_PERSON.value
    ONLINE = models.EventFormat.ONLINE.value
    HYBRID = models.EventFormat.HYBRID.value

    class Meta:
        name = "EventFormat"


class EventStatusEnum(graphene.Enum):
    SCHEDULED = models.EventStatus.SCHEDULED.value
    CANCELLED = models.EventStatus.CANCELLED.value
    POSTPONED = models.EventStatus.POSTPONED.value
    MOVED_ONLINE = models.EventStatus.MOVED_ONLINE.value

    class Meta:
        name = "EventStatus"


class DirectoryOrder(graphene.Enum):
    NAME = "name"
    NAME_DESC = "-name"
    RECENTLY_VERIFIED = "-last_verified"
    COUNTRY = "country"


class EventOrder(graphene.Enum):
    START = "start"
    START_DESC = "-start"
    TITLE = "title"


class GeoFilter(graphene.InputObjectType):
    """Within `km` kilometres (great-circle distance) of a point; entries without
    coordinates are left out."""

    lat = graphene.Float(required=True, description="Latitude, -90 to 90.")
    lng = graphene.Float(required=True, description="Longitude, -180 to 180.")
    km = graphene.Float(required=True, description="Radius in kilometres, more than 0.")


def _stale_filter():
    return graphene.Boolean(
        description="true: entries not verified within the period (or never); false: the rest."
    )


class EnterpriseFilter(graphene.InputObjectType):
    countries = graphene.List(graphene.NonNull(graphene.String), description='ISO codes, "DK".')
    sectors = graphene.List(graphene.NonNull(graphene.String), description='NACE letters, "Q".')
    sdgs = graphene.List(graphene.NonNull(graphene.Int), description="SDG numbers 1-17.")
    target_groups = graphene.List(graphene.NonNull(graphene.String))
    offers = graphene.List(graphene.NonNull(graphene.String))
    needs = graphene.List(graphene.NonNull(graphene.String))
    recognised_statuses = graphene.List(graphene.NonNull(graphene.String))
    seeking_partners = graphene.Boolean()
    stale = _stale_filter()
    near = GeoFilter()


class SupportOrganisationFilter(graphene.InputObjectType):
    countries = graphene.List(graphene.NonNull(graphene.String))
    serves_countries = graphene.List(
        graphene.NonNull(graphene.String), description="Organisations serving these countries."
    )
    support_types = graphene.List(graphene.NonNull(graphene.String))
    sectors = graphene.List(graphene.NonNull(graphene.String))
    sdgs = graphene.List(graphene.NonNull(graphene.Int))
    offers = graphene.List(graphene.NonNull(graphene.String))
    needs = graphene.List(graphene.NonNull(graphene.String))
    seeking_partners = graphene.Boolean()
    stale = _stale_filter()
    near = GeoFilter()


class EventFilter(graphene.InputObjectType):
    from_ = graphene.DateTime(
        name="from", description="Events ending (or starting) from then; UTC without an offset."
    )
    to = graphene.DateTime(description="Events starting up to then; UTC without an offset.")
    countries = graphene.List(graphene.NonNull(graphene.String))
    formats = graphene.List(graphene.NonNull(EventFormatEnum))
    types = graphene.List(graphene.NonNull(graphene.String))
    topics = graphene.List(graphene.NonNull(graphene.String))
    statuses = graphene.List(graphene.NonNull(EventStatusEnum))
    near = GeoFilter()


# Filtering ---------------------------------------------------------------------------------


def _term_ids(model, field, values, argument):
    """The ids of the vocabulary rows of `model` whose code (`field`) is one of `values`, in any
    locale, in one query. A filter may only use the codes of the English vocabulary: anything
    else is an error.

    The ids let a filter read a link table alone (`term_id IN (...)`, an index of directory
    migration 0006) instead of joining the vocabulary on every link to compare its code.
    """
    values = list(values)
    rows = list(
        model.objects.filter(**{f"{field}__in": values}).values_list(
            "pk", field, "locale__language_code"
        )
    )
    known = {code for _pk, code, language in rows if language == SOURCE_LANGUAGE}
    unknown = [value for value in values if value not in known]
    if unknown:
        listed = ", ".join(map(str, unknown))
        raise BadUserInput(f"Unknown {argument}: {listed}.", argument=argument)
    return [pk for pk, _code, _language in rows]


def _countries(values, argument="countries"):
    from django_countries import countries

    codes = [value.upper() for value in values]
    unknown = [value for value in codes if value not in countries]
    if unknown:
        raise BadUserInput(
            f"Unknown country code(s): {', '.join(unknown)}. Use ISO 3166-1 alpha-2, e.g. DK.",
            argument=argument,
        )
    return codes


def _related(queryset, relation, model, field, values, argument):
    """Entries linked to at least one of the terms `values` (codes) through the many-to-many
    `relation`: a semi-join on the link table, by term id."""
    if not values:
        return queryset
    ids = _term_ids(model, field, values, argument)
    link = queryset.model._meta.get_field(relation)
    entry, term = link.m2m_field_name(), link.m2m_reverse_field_name()
    linked = link.remote_field.through.objects.filter(**{f"{term}_id__in": ids})
    return queryset.filter(pk__in=linked.values(f"{entry}_id"))


EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE = math.pi * EARTH_RADIUS_KM / 180


def _bounding_box(lat, lng, km):
    """A prefilter the database can answer from the columns: the circle's enclosing box."""
    # A hair wider than the circle, so no rounding of the decimal columns drops an edge point.
    dlat = km / KM_PER_DEGREE + 1e-6
    box = Q(latitude__gte=max(-90.0, lat - dlat), latitude__lte=min(90.0, lat + dlat))
    angle = km / EARTH_RADIUS_KM
    if abs(lat) + dlat >= 90 or angle >= math.pi / 2:
        return box  # the circle reaches a pole: every longitude
    dlng = math.degrees(math.asin(min(1.0, math.sin(angle) / math.cos(math.radians(lat)))))
    dlng += 1e-6
    west, east = lng - dlng, lng + dlng
    if west < -180:
        return box & (Q(longitude__gte=west + 360) | Q(longitude__lte=east))
    if east > 180:
        return box & (Q(longitude__gte=west) | Q(longitude__lte=east - 360))
    return box & Q(longitude__gte=west, longitude__lte=east)


def _distance_km(lat, lng):
    """Haversine distance from (lat, lng) to each row, as a database expression."""
    phi, lam = math.radians(lat), math.radians(lng)
    row_phi = Radians(Cast("latitude", FloatField()))
    row_lam = Radians(Cast("longitude", FloatField()))
    half_chord = Power(Sin((row_phi - phi) / 2), 2) + math.cos(phi) * Cos(row_phi) * Power(
        Sin((row_lam - lam) / 2), 2
    )
    # Rounding can push the haversine a hair above 1, where asin is undefined.
    return 2 * EARTH_RADIUS_KM * ASin(Sqrt(Least(half_chord, Value(1.0))))


def filter_near(queryset, near, argument="filter.near"):
    lat, lng, km = near["lat"], near["lng"], near["km"]
    if not -90 <= lat <= 90:
        raise BadUserInput(f"near.lat must be between -90 and 90; got {lat}.", argument=argument)
    if not -180 <= lng <= 180:
        raise BadUserInput(f"near.lng must be between -180 and 180; got {lng}.", argument=argument)
    if not km > 0:
        raise BadUserInput(f"near.km must be more than 0; got {km}.", argument=argument)
    return (
        queryset.filter(_bounding_box(lat, lng, km))
        .alias(near_km=_distance_km(lat, lng))
        .filter(near_km__lte=km)
    )


def filter_entries(queryset, filter):
    if not filter:
        return queryset
    if filter.get("near"):
        queryset = filter_near(queryset, filter["near"])
    if filter.get("countries"):
        queryset = queryset.filter(country__in=_countries(filter["countries"]))
    if filter.get("seeking_partners") is not None:
        queryset = queryset.filter(seeking_partners=filter["seeking_partners"])
    if filter.get("stale") is not None:
        queryset = queryset.filter(stale_condition(stale=filter["stale"]))
    relations = [
        ("sectors", "sectors", models.Sector, "code"),
        ("sdgs", "sdgs", models.Sdg, "number"),
        ("target_groups", "target_groups", models.TargetGroup, "slug"),
        ("offers", "offers", models.Term, "slug"),
        ("needs", "needs", models.Term, "slug"),
        ("support_types", "support_types", models.SupportType, "slug"),
    ]
    for argument, relation, model, field in relations:
        queryset = _related(queryset, relation, model, field, filter.get(argument), argument)
    if filter.get("recognised_statuses"):
        ids = _term_ids(
            models.RecognisedStatus, "slug", filter["recognised_statuses"], "recognisedStatuses"
        )
        queryset = queryset.filter(recognised_status_id__in=ids)
    if filter.get("serves_countries"):
        condition = Q()
        for code in _countries(filter["serves_countries"], "servesCountries"):
            # countries_served is stored comma-separated; an empty list means its own country.
            condition |= Q(countries_served__regex=rf"(^|,){code}(,|$)")
            condition |= Q(countries_served="", country=code)
        queryset = queryset.filter(condition)
    return queryset


def _aware(moment):
    """A date-time without an offset is UTC (and one with an offset compares with it)."""
    if moment is not None and timezone.is_naive(moment):
        return moment.replace(tzinfo=datetime.UTC)
    return moment


def filter_events(queryset, filter):
    if not filter:
        return queryset
    start, end = _aware(filter.get("from_")), _aware(filter.get("to"))
    if start and end and end < start:
        raise BadUserInput('"to" is before "from".', argument="filter.to")
    if start:
        queryset = queryset.filter(Q(end__gte=start) | Q(end__isnull=True, start__gte=start))
    if end:
        queryset = queryset.filter(start__lte=end)
    if filter.get("countries"):
        queryset = queryset.filter(country__in=_countries(filter["countries"]))
    if filter.get("formats"):
        queryset = queryset.filter(format__in=[getattr(f, "value", f) for f in filter["formats"]])
    if filter.get("statuses"):
        queryset = queryset.filter(status__in=[getattr(s, "value", s) for s in filter["statuses"]])
    if filter.get("types"):
        ids = _term_ids(models.EventType, "slug", filter["types"], "types")
        queryset = queryset.filter(event_type_id__in=ids)
    queryset = _related(queryset, "topics", models.Topic, "slug", filter.get("topics"), "topics")
    if filter.get("near"):
        queryset = filter_near(queryset, filter["near"])
    return queryset


def search_records(queryset, model, query, typos=False):
    """The entries of `queryset` whose name, summary or description matches `query` in any of
    their public translations, through a full-text index (PostgreSQL: the search rows of
    directory migration 0014, `directory.models.search`; SQLite: Wagtail's FTS5 index), accents
    folded, every word a prefix or a stem (cms/search_text.py).

    A match in one translation selects the entry, which the list serves in its best locale:
    the Danish word finds an entry asked for in Danish or in English. On PostgreSQL the match
    is a filter on the listed rows themselves (`EXISTS` a public row of the same translation
    group matching), so a page ordered by name can be read along the name index, stopping
    after `limit` rows when most entries match, and a rare word is looked up through the GIN
    index and joined to its groups by translation key. Totals and facets count every match.

    `typos`: the entries whose public names look like the words instead (a trigram or difflib
    fallback, at most TYPO_HITS rows), for a list the exact search left empty (`_list_page`).
    """
    words = search_words(query)
    if typos:
        near = [pk for pk, _score in typo_fallback(visible_records(model), words)]
        groups = visible_records(model).filter(pk__in=near).values("translation_key")
        return queryset.filter(translation_key__in=groups)
    if connection.vendor != "postgresql":
        hits = search_hits(model, words)
        groups = visible_records(model).filter(pk__in=hits).values("translation_key")
        return queryset.filter(translation_key__in=groups)
    matching = visible_search_rows(search_rows(model)).filter(
        translation_key=OuterRef("translation_key"),
        search_vector=search_tsquery(model, words),
    )
    return queryset.filter(Exists(matching))


def search_tsquery(model, words):
    """The tsquery of `words` on PostgreSQL: each word folded, as a prefix or through the
    stemmers (cms/search_text.py, directory migration 0013)."""
    return ForgivingQuery(words)


def search_hits(model, words):
    """The primary keys of the rows of `model` whose search index entry matches `words`, as a
    subquery, in no particular order.

    On PostgreSQL the index entries are read on their own (`cms.search_text.
    ranked_index_entries`: `(title || body) @@ tsquery`, answered by the GIN index of directory
    migration 0004), `object_id` cast to the key's type so the rows are found through their
    primary key. Wagtail's own queryset joins the other way (`id::varchar = object_id`), which
    reads every row of the model. Elsewhere (SQLite FTS5) Wagtail's queryset is used as it is.
    """
    if connection.vendor != "postgresql":
        return model.objects.search(words, order_by_relevance=False).get_queryset().values("pk")
    return ranked_index_entries(model, words).order_by().values("object_pk")


# Lists -------------------------------------------------------------------------------------


def selected_fields(info):
    """The names of the fields selected on the value of the field being resolved, fragments
    included. A field under @skip or @include counts as selected: at worst it is computed for
    nothing."""
    names = set()

    def collect(selection_set):
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                names.add(selection.name.value)
            elif isinstance(selection, InlineFragmentNode):
                collect(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                collect(info.fragments[selection.name.value].selection_set)

    for node in info.field_nodes:
        if node.selection_set:
            collect(node.selection_set)
    return names


def _ordering(order, default_order):
    """The ORDER BY of a list: the order asked for, then the key in the same direction, so an
    index on (field, id) read forwards or backwards gives the rows in order (migration 0004).

    RECENTLY_VERIFIED lists never-verified entries last on every database: PostgreSQL would
    put NULLs first in a descending order.
    """
    ordering = getattr(order, "value", order) or default_order
    if ordering == "-last_verified":
        return [F("last_verified").desc(nulls_last=True), "pk"]
    return [ordering, "-pk" if ordering.startswith("-") else "pk"]


def _page(queryset, order, default_order, limit, offset, prefetch, count=True, one_pass=False):
    """(items, total) of one page of `queryset`; total is None when `count` is false.

    `one_pass` counts with a window over the page query, for searches on SQLite: their matches
    are found once, not once for the page and again for the count. Otherwise the count is a
    query of its own, so the page can stop after `limit` rows read in index order.
    """
    limit, offset = check_limit(limit, offset)
    queryset = queryset.order_by(*_ordering(order, default_order))
    items = []
    if limit:
        page = queryset.select_related("locale").prefetch_related(*prefetch)
        if count and one_pass:
            page = page.annotate(window_total=Window(Count("pk")))
        items = list(page[offset : offset + limit])
    if not count:
        total = None
    elif one_pass and items:
        total = items[0].window_total
    elif one_pass and limit and not offset:
        total = 0
    else:
        total = queryset.count()
    return share_batch(items), total


def _image_prefetch():
    return Prefetch("logo", get_image_model().objects.prefetch_renditions())


ENTRY_PREFETCH = ["sectors", "sdgs", "offers", "needs", "target_groups"]


def _list_type(name, item_type, facets=None):
    fields = {
        "items": graphene.List(graphene.NonNull(item_type), required=True),
        "total_count": graphene.Int(required=True),
    }
    if facets:
        fields["facets"] = facets_field(facets)
    return type(name, (graphene.ObjectType,), fields)


def _snippet(label):
    from cms.graphql.fields import snippet_type

    return snippet_type(label)


EnterpriseList = _list_type(
    "EnterpriseList", _snippet("directory.SocialEnterprise"), facets=EnterpriseFacets
)
SupportOrganisationList = _list_type(
    "SupportOrganisationList",
    _snippet("directory.SupportOrganisation"),
    facets=SupportOrganisationFacets,
)
EventList = _list_type("EventList", _snippet("directory.Event"))


# How each list filters, orders by default and what it fetches for its fields.
LISTS = {
    models.SocialEnterprise: (
        filter_entries,
        "name",
        lambda: [*ENTRY_PREFETCH, _image_prefetch(), "recognised_status"],
    ),
    models.SupportOrganisation: (
        filter_entries,
        "name",
        lambda: [*ENTRY_PREFETCH, _image_prefetch(), "support_types"],
    ),
    models.Event: (
        filter_events,
        "start",
        lambda: ["topics", "event_type", "organiser_enterprise", "organiser_organisation"],
    ),
}


def _filtered(info, model, locale=None, filter=None, search=None, typos=False):
    apply_filter = LISTS[model][0]
    code = set_requested_language(info, locale)
    queryset = apply_filter(best_locale(visible_records(model), code), filter)
    if _searching(search):
        queryset = search_records(queryset, model, search, typos=typos)
    return queryset


def _list_page(info, model, order, limit, offset, **criteria):
    """(queryset, items, total) of a list. A search whose first page comes back empty is run
    again as a typo search: the exact search costs nothing more when it finds something, and
    the fallback never mixes near names with exact hits."""
    _apply_filter, default_order, prefetch = LISTS[model]
    count = "totalCount" in selected_fields(info)
    for typos in (False, True):
        queryset = _filtered(info, model, typos=typos, **criteria)
        items, total = _page(
            queryset,
            order,
            default_order,
            limit,
            offset,
            prefetch(),
            count=count,
            one_pass=_count_in_page(criteria.get("search")),
        )
        if items or total or offset or not _searching(criteria.get("search")):
            break
        if not limit and not count:
            break
    return queryset, items, total


def _counted_locale(info, locale=None, filter=None, search=None):
    """The locale id whose kept facet counts describe the list (`directory.facets.
    counted_relation`): PostgreSQL, the source language, no filter and no search; else None."""
    code = set_requested_language(info, locale)
    filtering = filter and any(value not in (None, []) for value in dict(filter).values())
    if connection.vendor != "postgresql" or code != SOURCE_LANGUAGE or filtering:
        return None
    if _searching(search):
        return None
    return locale_id(SOURCE_LANGUAGE)


def _searching(search):
    return bool(search and search.strip())


def _count_in_page(search):
    """Whether a list counts its matches with a window over the page query.

    SQLite finds a search's matches through FTS5 once for both. PostgreSQL filters the rows
    themselves (`search_records`): a separate count lets the page stop after `limit` rows.
    """
    return _searching(search) and connection.vendor != "postgresql"


def _list(info, model, locale=None, filter=None, search=None, order=None, limit=20, offset=0):
    _queryset, items, total = _list_page(
        info, model, order, limit, offset, locale=locale, filter=filter, search=search
    )
    return items, total


def _faceted_list(list_type, info, model, order=None, limit=20, offset=0, **criteria):
    """A list that keeps its filtered queryset, for `facets` to count over if selected."""
    queryset, items, total = _list_page(info, model, order, limit, offset, **criteria)
    result = list_type(items=items, total_count=total)
    result.filtered_queryset = queryset
    result.counted_locale = _counted_locale(info, **criteria)
    return result


def _one(info, model, slug, locale):
    code = set_requested_language(info, locale)
    record = (
        best_locale(visible_records(model), code)
        .filter(slug=slug)
        .select_related("locale")
        .first()
    )
    return record


def _list_field(list_type, filter_type, order_type):
    """A list root field: locale, typed filter, search, an order enum and a capped page."""
    return graphene.Field(
        list_type,
        locale=Locale(),
        filter=filter_type(),
        search=graphene.String(),
        order=order_type(),
        limit=graphene.Int(default_value=20),
        offset=graphene.Int(default_value=0),
        required=True,
    )


class DirectoryQuery:
    enterprise = graphene.Field(
        _snippet("directory.SocialEnterprise"),
        slug=graphene.String(required=True),
        locale=Locale(),
    )
    enterprises = _list_field(EnterpriseList, EnterpriseFilter, DirectoryOrder)
    support_organisation = graphene.Field(
        _snippet("directory.SupportOrganisation"),
        slug=graphene.String(required=True),
        locale=Locale(),
    )
    support_organisations = _list_field(
        SupportOrganisationList, SupportOrganisationFilter, DirectoryOrder
    )
    event = graphene.Field(
        _snippet("directory.Event"), slug=graphene.String(required=True), locale=Locale()
    )
    events = _list_field(EventList, EventFilter, EventOrder)

    def resolve_enterprise(self, info, slug, locale=None):
        return _one(info, models.SocialEnterprise, slug, locale)

    def resolve_support_organisation(self, info, slug, locale=None):
        return _one(info, models.SupportOrganisation, slug, locale)

    def resolve_event(self, info, slug, locale=None):
        return _one(info, models.Event, slug, locale)

    def resolve_enterprises(self, info, **arguments):
        return _faceted_list(EnterpriseList, info, models.SocialEnterprise, **arguments)

    def resolve_support_organisations(self, info, **arguments):
        return _faceted_list(
            SupportOrganisationList, info, models.SupportOrganisation, **arguments
        )

    def resolve_events(self, info, **arguments):
        items, total = _list(info, models.Event, **arguments)
        return EventList(items=items, total_count=total)
