"""Facets of the directory lists: for each code, how many entries of the filtered list carry it.

A list resolver keeps its filtered queryset (after filters, `near` and search); `facets` is
resolved only when a client selects it, and each dimension only when selected, with one
aggregate query per dimension. That queryset holds one row per translation group (its best
locale, see `best_locale`) and every translation's relations point at the same English
vocabulary rows, so counting its rows counts entries, never translations.

Labels are in the requested locale: vocabulary labels from the requested-locale rows, falling
back to English (one query for every dimension, none in English); country and language names
from django-countries and Django's own translations.
"""

from collections import Counter

from django.conf import settings
from django.db import connection
from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import translation
from django.utils.functional import cached_property
from django.utils.translation import get_language_info

import graphene
from django_countries import countries

from cms.graphql.fields import requested_language
from cms.graphql.locales import SOURCE_LANGUAGE
from directory.models import Vocabulary


class Facet(graphene.ObjectType):
    value = graphene.String(required=True, description='The code: "DK", "Q", "8", "funding".')
    label = graphene.String(required=True, description="In the requested locale.")
    count = graphene.Int(required=True, description="Entries of the filtered list with it.")


class FacetSource:
    """The root of a facets object: the filtered list and the language of its labels.

    `counted_locale` is the id of the list's locale when the list is every visible entry of
    that locale (no filter, no search, the source language, PostgreSQL): its relation facets
    are then read from the counts the database keeps (`counted_relation`).
    """

    def __init__(self, queryset, language, counted_locale=None):
        self.queryset = queryset.order_by()
        self.language = language
        self.counted_locale = counted_locale

    @cached_property
    def translated_names(self):
        """The requested-locale labels of every vocabulary the facets name, fetched once for
        all dimensions."""
        model = self.queryset.model
        vocabularies = {
            field.related_model
            for field in model._meta.get_fields()
            if field.is_relation and issubclass(field.related_model or object, Vocabulary)
        }
        return translated_names(vocabularies, self.language)


def _sorted(facets):
    """Most frequent first, then by label; values no entry carries are left out."""
    return sorted(
        (facet for facet in facets if facet.count),
        key=lambda facet: (-facet.count, facet.label.casefold(), facet.value),
    )


def translated_names(vocabularies, language):
    """{translation_key: name} of the rows of `vocabularies` in `language`, in one query.

    Vocabularies are short lists, and a label looked up per counted row (a correlated
    subquery) would cost a lookup per link instead of one per term; English needs none, its
    labels are the rows the relations point at.
    """
    if language == SOURCE_LANGUAGE or not vocabularies:
        return {}
    names = [
        vocabulary.objects.filter(locale__language_code=language)
        .order_by()
        .values_list("translation_key", "name")
        for vocabulary in sorted(vocabularies, key=lambda vocabulary: vocabulary.__name__)
    ]
    return dict(names[0].union(*names[1:], all=True))


class TermColumn(Subquery):
    """A column of the term a group counts, looked up once per group.

    The query groups by the term's id, on which the lookup depends; left to itself Django
    would group by the lookup too, and the database would run it for every counted row.
    """

    def get_group_by_cols(self):
        return []


def relation_facets(source, relation):
    """Counts per vocabulary term of a many-to-many or foreign-key relation.

    The rows are grouped by the term's id alone and each group's code and labels are looked
    up afterwards, once per term: grouping by the joined label columns made the database hash
    every counted row's text (a fifth to a third of the query at 100,000 entries).
    """
    field = source.queryset.model._meta.get_field(relation)
    vocabulary = field.related_model
    if field.many_to_many and source.counted_locale is not None:
        return _facets(source, counted_relation(source, field))
    if field.many_to_many:
        # The link table alone is enough: one row per (entry, term), and the filtered set is
        # only a semi-join on the entry's id, answered from an index (directory migration 0005).
        entry, term = field.m2m_field_name(), field.m2m_reverse_field_name()
        rows = field.remote_field.through.objects.filter(
            **{f"{entry}__in": source.queryset.values("pk")}
        )
    else:
        term = relation
        rows = source.queryset.filter(**{f"{relation}__isnull": False})

    def term_column(name):
        return TermColumn(vocabulary.objects.filter(pk=OuterRef(term)).order_by().values(name))

    counted = (
        rows.order_by()
        .values(term)
        .annotate(
            count=Count("*"),
            code=term_column(vocabulary.code_field),
            english=term_column("name"),
            key=term_column("translation_key"),
        )
    )
    return _facets(source, counted)


def _facets(source, counted):
    translated = source.translated_names
    return _sorted(
        Facet(
            value=str(row["code"]),
            label=translated.get(row["key"], row["english"]),
            count=row["count"],
        )
        for row in counted
    )


def counted_relation(source, field):
    """Rows of `relation_facets` for every visible entry of a locale, in one query, without
    reading the link table: `directory_facetcount` (directory migration 0009, PostgreSQL) holds
    the counts of the entries visible whatever the time, kept by triggers; the few entries with
    a publication window are counted live, from their own partial index. Together exactly what
    counting the links of the list would give, at a cost that does not grow with the directory.
    """
    model, vocabulary = source.queryset.model, field.related_model
    through = field.remote_field.through._meta
    entry = through.get_field(field.m2m_field_name()).column
    term = through.get_field(field.m2m_reverse_field_name()).column
    windowed = source.queryset.filter(Q(go_live_at__isnull=False) | Q(expire_at__isnull=False))
    windowed_sql, windowed_params = windowed.values("pk").query.sql_with_params()
    quote = connection.ops.quote_name
    code = vocabulary._meta.get_field(vocabulary.code_field).column
    sql = (
        f"SELECT v.{quote(code)}, v.name, v.translation_key, counts.entries FROM ("
        "SELECT term_id, SUM(entries) AS entries FROM ("
        "SELECT term_id, entries FROM directory_facetcount "
        "WHERE entry_table = %s AND relation = %s AND locale_id = %s "
        f"UNION ALL SELECT {quote(term)}, COUNT(*) FROM {quote(through.db_table)} "
        f"WHERE {quote(entry)} IN ({windowed_sql}) GROUP BY {quote(term)}"
        ") parts GROUP BY term_id"
        f") counts JOIN {quote(vocabulary._meta.db_table)} v ON v.id = counts.term_id"
    )
    params = [model._meta.db_table, field.name, source.counted_locale, *windowed_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [
            {"code": code, "english": english, "key": key, "count": int(count)}
            for code, english, key, count in cursor.fetchall()
        ]


def _country_facets(counts, language):
    with translation.override(language):
        return _sorted(
            Facet(value=code, label=str(countries.name(code)), count=count)
            for code, count in counts.items()
        )


def country_facets(source):
    counted = source.queryset.exclude(country="").values("country").annotate(count=Count("pk"))
    return _country_facets({row["country"]: row["count"] for row in counted}, source.language)


def served_country_facets(source):
    """Countries support organisations serve: those listed, else their own (see the model).

    The served countries are one comma-separated column, so the query groups the list by that
    column and the split happens here, on one row per distinct combination.
    """
    counted = source.queryset.values("countries_served", "country").annotate(count=Count("pk"))
    totals = Counter()
    for row in counted:
        served = {code for code in (row["countries_served"] or "").split(",") if code}
        if not served and row["country"]:
            served = {row["country"]}
        for code in served:
            totals[code] += row["count"]
    return _country_facets(totals, source.language)


def language_facets(source):
    """Working languages, a JSON list per entry: grouped by list, counted per code here."""
    counted = source.queryset.values("languages").annotate(count=Count("pk"))
    totals = Counter()
    for row in counted:
        for code in set(row["languages"] or []):
            totals[code] += row["count"]
    with translation.override(source.language):
        return _sorted(
            Facet(value=code, label=str(get_language_info(code)["name_translated"]), count=count)
            for code, count in totals.items()
            if code in dict(settings.WAGTAIL_CONTENT_LANGUAGES)
        )


def _facet_list(description):
    return graphene.List(graphene.NonNull(Facet), required=True, description=description)


def _relation_resolver(relation):
    def resolve(root, info):
        return relation_facets(root, relation)

    return resolve


class EnterpriseFacets(graphene.ObjectType):
    """Counts over the filtered list of social enterprises, one list per dimension."""

    countries = _facet_list("ISO 3166-1 alpha-2 codes.")
    sectors = _facet_list("NACE Rev. 2 section letters.")
    sdgs = _facet_list("SDG numbers.")
    target_groups = _facet_list("Target group slugs.")
    offers = _facet_list("Collaboration offer slugs.")
    needs = _facet_list("Collaboration need slugs.")
    recognised_statuses = _facet_list("Recognised status slugs.")
    languages = _facet_list("Working language codes.")

    resolve_sectors = staticmethod(_relation_resolver("sectors"))
    resolve_sdgs = staticmethod(_relation_resolver("sdgs"))
    resolve_target_groups = staticmethod(_relation_resolver("target_groups"))
    resolve_offers = staticmethod(_relation_resolver("offers"))
    resolve_needs = staticmethod(_relation_resolver("needs"))
    resolve_recognised_statuses = staticmethod(_relation_resolver("recognised_status"))

    @staticmethod
    def resolve_countries(root, info):
        return country_facets(root)

    @staticmethod
    def resolve_languages(root, info):
        return language_facets(root)


class SupportOrganisationFacets(graphene.ObjectType):
    """Counts over the filtered list of support organisations, one list per dimension."""

    countries = _facet_list("Where the organisations are: ISO 3166-1 alpha-2 codes.")
    serves_countries = _facet_list("Countries served (an organisation's own when none listed).")
    support_types = _facet_list("Support type slugs.")
    sectors = _facet_list("NACE Rev. 2 section letters.")
    sdgs = _facet_list("SDG numbers.")
    offers = _facet_list("Collaboration offer slugs.")
    needs = _facet_list("Collaboration need slugs.")

    resolve_support_types = staticmethod(_relation_resolver("support_types"))
    resolve_sectors = staticmethod(_relation_resolver("sectors"))
    resolve_sdgs = staticmethod(_relation_resolver("sdgs"))
    resolve_offers = staticmethod(_relation_resolver("offers"))
    resolve_needs = staticmethod(_relation_resolver("needs"))

    @staticmethod
    def resolve_countries(root, info):
        return country_facets(root)

    @staticmethod
    def resolve_serves_countries(root, info):
        return served_country_facets(root)


def facets_field(facets_type):
    """The `facets` field of a list; its root is the list holding `filtered_queryset`."""

    def resolve(root, info):
        return FacetSource(
            root.filtered_queryset,
            requested_language(info),
            getattr(root, "counted_locale", None),
        )

    return graphene.Field(
        facets_type,
        required=True,
        resolver=resolve,
        description="Counts per code over the whole filtered list (not only this page).",
    )
