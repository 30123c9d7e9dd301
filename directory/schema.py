"""GraphQL for the directory: the `DirectoryEntry` interface, filters, orders, root fields."""

from django.db.models import Prefetch, Q

from wagtail.images import get_image_model

import graphene

from cms.graphql.errors import BadUserInput, check_limit
from cms.graphql.fields import Country, set_requested_language
from cms.graphql.locales import SOURCE_LANGUAGE, Locale
from cms.graphql.translation import TranslatableInterface, best_locale, share_batch
from cms.visibility import visible_records
from directory import models


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
    locale = graphene.Field(Locale, required=True, description="The locale actually served.")
    translations = graphene.List(
        graphene.NonNull("cms.graphql.translation.Translation"), required=True
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


class EnterpriseFilter(graphene.InputObjectType):
    countries = graphene.List(graphene.NonNull(graphene.String), description='ISO codes, "DK".')
    sectors = graphene.List(graphene.NonNull(graphene.String), description='NACE letters, "Q".')
    sdgs = graphene.List(graphene.NonNull(graphene.Int), description="SDG numbers 1-17.")
    target_groups = graphene.List(graphene.NonNull(graphene.String))
    offers = graphene.List(graphene.NonNull(graphene.String))
    needs = graphene.List(graphene.NonNull(graphene.String))
    recognised_statuses = graphene.List(graphene.NonNull(graphene.String))
    seeking_partners = graphene.Boolean()


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


class EventFilter(graphene.InputObjectType):
    from_ = graphene.DateTime(name="from", description="Events ending (or starting) from then.")
    to = graphene.DateTime(description="Events starting up to then.")
    countries = graphene.List(graphene.NonNull(graphene.String))
    formats = graphene.List(graphene.NonNull(EventFormatEnum))
    types = graphene.List(graphene.NonNull(graphene.String))
    topics = graphene.List(graphene.NonNull(graphene.String))
    statuses = graphene.List(graphene.NonNull(EventStatusEnum))


# Filtering ---------------------------------------------------------------------------------


def _known_codes(model, field, values, argument):
    """Codes a filter may use: those of the English vocabulary; anything else is an error."""
    values = list(values)
    known = set(
        model.objects.filter(
            locale__language_code=SOURCE_LANGUAGE, **{f"{field}__in": values}
        ).values_list(field, flat=True)
    )
    unknown = [value for value in values if value not in known]
    if unknown:
        listed = ", ".join(map(str, unknown))
        raise BadUserInput(f"Unknown {argument}: {listed}.", argument=argument)
    return values


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
    if not values:
        return queryset
    codes = _known_codes(model, field, values, argument)
    matching = queryset.model.objects.filter(**{f"{relation}__{field}__in": codes})
    return queryset.filter(pk__in=matching.values("pk"))


def filter_entries(queryset, filter):
    if not filter:
        return queryset
    if filter.get("countries"):
        queryset = queryset.filter(country__in=_countries(filter["countries"]))
    if filter.get("seeking_partners") is not None:
        queryset = queryset.filter(seeking_partners=filter["seeking_partners"])
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
        codes = _known_codes(
            models.RecognisedStatus, "slug", filter["recognised_statuses"], "recognisedStatuses"
        )
        queryset = queryset.filter(recognised_status__slug__in=codes)
    if filter.get("serves_countries"):
        condition = Q()
        for code in _countries(filter["serves_countries"], "servesCountries"):
            # countries_served is stored comma-separated; an empty list means its own country.
            condition |= Q(countries_served__regex=rf"(^|,){code}(,|$)")
            condition |= Q(countries_served="", country=code)
        queryset = queryset.filter(condition)
    return queryset


def filter_events(queryset, filter):
    if not filter:
        return queryset
    start, end = filter.get("from_"), filter.get("to")
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
        codes = _known_codes(models.EventType, "slug", filter["types"], "types")
        queryset = queryset.filter(event_type__slug__in=codes)
    queryset = _related(queryset, "topics", models.Topic, "slug", filter.get("topics"), "topics")
    return queryset


def search_records(queryset, model, query):
    ids = [record.pk for record in model.objects.search(query)[:1000]]
    return queryset.filter(pk__in=ids)


# Lists -------------------------------------------------------------------------------------


def _page(queryset, order, default_order, limit, offset, prefetch):
    limit, offset = check_limit(limit, offset)
    ordering = getattr(order, "value", order) or default_order
    queryset = queryset.order_by(ordering, "pk")
    total = queryset.count()
    items = (
        list(
            queryset.select_related("locale").prefetch_related(*prefetch)[offset : offset + limit]
        )
        if limit
        else []
    )
    return share_batch(items), total


def _image_prefetch():
    return Prefetch("logo", get_image_model().objects.prefetch_renditions())


ENTRY_PREFETCH = ["sectors", "sdgs", "offers", "needs", "target_groups"]


def _list_type(name, item_type):
    return type(
        name,
        (graphene.ObjectType,),
        {
            "items": graphene.List(graphene.NonNull(item_type), required=True),
            "total_count": graphene.Int(required=True),
        },
    )


def _snippet(label):
    from cms.graphql.fields import snippet_type

    return snippet_type(label)


EnterpriseList = _list_type("EnterpriseList", _snippet("directory.SocialEnterprise"))
SupportOrganisationList = _list_type(
    "SupportOrganisationList", _snippet("directory.SupportOrganisation")
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


def _list(info, model, locale=None, filter=None, search=None, order=None, limit=20, offset=0):
    apply_filter, default_order, prefetch = LISTS[model]
    code = set_requested_language(info, locale)
    queryset = apply_filter(best_locale(visible_records(model), code), filter)
    if search:
        queryset = search_records(queryset, model, search)
    return _page(queryset, order, default_order, limit, offset, prefetch())


def _one(info, model, slug, locale):
    code = set_requested_language(info, locale)
    record = (
        best_locale(visible_records(model), code)
        .filter(slug=slug)
        .select_related("locale")
        .first()
    )
    return record


class DirectoryQuery:
    enterprise = graphene.Field(
        _snippet("directory.SocialEnterprise"),
        slug=graphene.String(required=True),
        locale=Locale(),
    )
    enterprises = graphene.Field(
        EnterpriseList,
        locale=Locale(),
        filter=EnterpriseFilter(),
        search=graphene.String(),
        order=DirectoryOrder(),
        limit=graphene.Int(default_value=20),
        offset=graphene.Int(default_value=0),
        required=True,
    )
    support_organisation = graphene.Field(
        _snippet("directory.SupportOrganisation"),
        slug=graphene.String(required=True),
        locale=Locale(),
    )
    support_organisations = graphene.Field(
        SupportOrganisationList,
        locale=Locale(),
        filter=SupportOrganisationFilter(),
        search=graphene.String(),
        order=DirectoryOrder(),
        limit=graphene.Int(default_value=20),
        offset=graphene.Int(default_value=0),
        required=True,
    )
    event = graphene.Field(
        _snippet("directory.Event"), slug=graphene.String(required=True), locale=Locale()
    )
    events = graphene.Field(
        EventList,
        locale=Locale(),
        filter=EventFilter(),
        search=graphene.String(),
        order=EventOrder(),
        limit=graphene.Int(default_value=20),
        offset=graphene.Int(default_value=0),
        required=True,
    )

    def resolve_enterprise(self, info, slug, locale=None):
        return _one(info, models.SocialEnterprise, slug, locale)

    def resolve_support_organisation(self, info, slug, locale=None):
        return _one(info, models.SupportOrganisation, slug, locale)

    def resolve_event(self, info, slug, locale=None):
        return _one(info, models.Event, slug, locale)

    def resolve_enterprises(self, info, **arguments):
        items, total = _list(info, models.SocialEnterprise, **arguments)
        return EnterpriseList(items=items, total_count=total)

    def resolve_support_organisations(self, info, **arguments):
        items, total = _list(info, models.SupportOrganisation, **arguments)
        return SupportOrganisationList(items=items, total_count=total)

    def resolve_events(self, info, **arguments):
        items, total = _list(info, models.Event, **arguments)
        return EventList(items=items, total_count=total)
