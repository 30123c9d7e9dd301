"""Partner matching: which directory entries a social enterprise should talk to, and why.

Candidates are the published entries, social enterprises and support organisations alike,
whose editors ticked "seeking collaboration partners" (the field says it: shown in partner
matching), other than the enterprise itself. A support organisation that has not ticked it is
left out like an enterprise: the flag is its consent to be proposed.

The score is the sum of the weights below over the reasons found; the reasons name the codes
that matched:

- NEED_MET: each of the enterprise's needs that the partner offers (a support organisation's
  offers are its services), `NEED_MET_WEIGHT` each;
- OFFER_WANTED: each of the enterprise's offers that the partner needs, `OFFER_WANTED_WEIGHT`
  each;
- SERVES_COUNTRY: a support organisation serving the enterprise's country (listed in its
  countries served, or its own country when it lists none), `SERVES_COUNTRY_WEIGHT`;
- SHARED_SECTORS, SHARED_SDGS, SHARED_TARGET_GROUPS: each shared NACE section, SDG and target
  group, `SHARED_SECTOR_WEIGHT`, `SHARED_SDG_WEIGHT`, `SHARED_TARGET_GROUP_WEIGHT` each;
- COMMON_LANGUAGE: at least one working language in common, `COMMON_LANGUAGE_WEIGHT` once;
- SAME_COUNTRY: an enterprise in the same country, `SAME_COUNTRY_WEIGHT`;
- NEARBY_COUNTRY: an enterprise in a neighbouring country, or a support organisation serving
  one (land or sea neighbours, `directory.vocabularies.NEIGHBOURS`), `NEARBY_COUNTRY_WEIGHT`.

Language and geography only rank partners who have something to offer each other: a candidate
whose only reasons are those is not a match (almost everyone in the network works in English).
Ties go to the partner's name, then its slug.

The work takes a fixed number of queries whatever the number of candidates or `limit`: the
enterprise; for each model, one query that scores every candidate in SQL and returns only the
`limit` best (`ranked_candidates`), and one for the terms those share with the enterprise
(`matched_terms`, which `score()` turns into the reasons, with the same total); the chosen
partners in full; the requested-locale labels of the terms they matched on.
"""

from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.conf import settings
from django.db import connection
from django.db.models import Case, CharField, F, FloatField, Q, Value, When
from django.db.models.functions import Cast, Concat
from django.utils import translation
from django.utils.translation import get_language_info, gettext

import graphene
from django_countries import countries

from cms.graphql.batches import share_batch
from cms.graphql.errors import NotFound, check_limit
from cms.graphql.fields import set_requested_language
from cms.graphql.locales import Locale, best_locale
from cms.visibility import visible_records
from directory import models
from directory.facets import translated_names
from directory.schema import LISTS, DirectoryEntryInterface
from directory.vocabularies import NEIGHBOURS, are_neighbours

NEED_MET_WEIGHT = 3.0
OFFER_WANTED_WEIGHT = 2.0
SERVES_COUNTRY_WEIGHT = 2.0
SHARED_SECTOR_WEIGHT = 1.0
SHARED_SDG_WEIGHT = 1.0
SHARED_TARGET_GROUP_WEIGHT = 1.0
COMMON_LANGUAGE_WEIGHT = 0.5
SAME_COUNTRY_WEIGHT = 1.0
NEARBY_COUNTRY_WEIGHT = 0.5


class MatchReasonKind(graphene.Enum):
    """Why a partner was proposed (the weights are in directory/matching.py)."""

    NEED_MET = "NEED_MET"
    OFFER_WANTED = "OFFER_WANTED"
    SERVES_COUNTRY = "SERVES_COUNTRY"
    SHARED_SECTORS = "SHARED_SECTORS"
    SHARED_SDGS = "SHARED_SDGS"
    SHARED_TARGET_GROUPS = "SHARED_TARGET_GROUPS"
    COMMON_LANGUAGE = "COMMON_LANGUAGE"
    SAME_COUNTRY = "SAME_COUNTRY"
    NEARBY_COUNTRY = "NEARBY_COUNTRY"


# The order reasons are listed in.
KIND_ORDER = [kind.value for kind in MatchReasonKind]

# Reasons that make a match; the others only rank matches.
SUBSTANTIVE_KINDS = {
    "NEED_MET",
    "OFFER_WANTED",
    "SERVES_COUNTRY",
    "SHARED_SECTORS",
    "SHARED_SDGS",
    "SHARED_TARGET_GROUPS",
}

# (the candidate's relation, the enterprise's relation it is compared with, kind, weight per
# matched code)
TERM_RULES = [
    ("offers", "needs", "NEED_MET", NEED_MET_WEIGHT),
    ("needs", "offers", "OFFER_WANTED", OFFER_WANTED_WEIGHT),
    ("sectors", "sectors", "SHARED_SECTORS", SHARED_SECTOR_WEIGHT),
    ("sdgs", "sdgs", "SHARED_SDGS", SHARED_SDG_WEIGHT),
    ("target_groups", "target_groups", "SHARED_TARGET_GROUPS", SHARED_TARGET_GROUP_WEIGHT),
]


def _texts():
    """The reason texts (gettext source strings); %(items)s is a list of labels."""
    return {
        "NEED_MET": gettext("Offers what you need: %(items)s."),
        "OFFER_WANTED": gettext("Needs what you offer: %(items)s."),
        "SERVES_COUNTRY": gettext("Supports social enterprises in %(items)s."),
        "SHARED_SECTORS": gettext("Works in the same sectors: %(items)s."),
        "SHARED_SDGS": gettext("Works towards the same SDGs: %(items)s."),
        "SHARED_TARGET_GROUPS": gettext("Works with the same target groups: %(items)s."),
        "COMMON_LANGUAGE": gettext("Works in a language you use: %(items)s."),
        "SAME_COUNTRY": gettext("Also based in %(items)s."),
        "NEARBY_COUNTRY": gettext("In a neighbouring country: %(items)s."),
    }


@dataclass
class Reason:
    kind: str
    codes: list
    weight: float
    # Vocabulary terms by code: (English label, translation key), then the label to show.
    # Countries and languages are named when the text is written.
    labels: dict = field(default_factory=dict)


@dataclass
class Candidate:
    """What scoring needs of an entry: plain column values, not model instances (there may be
    thousands of candidates, and only the chosen few are fetched in full)."""

    model: type
    pk: int
    name: str
    slug: str
    country: str
    languages: list
    # Support organisations: the countries they serve (their own when they list none).
    served: list = None


@dataclass
class Match:
    candidate: Candidate
    score: float
    reasons: list
    partner: object = None


def _code_order(code):
    """SDG numbers in numeric order, other codes alphabetically."""
    code = str(code)
    return (0, int(code), "") if code.isdigit() else (1, 0, code)


def _shared_links(model, relation, subject, subject_relation):
    """The link rows from entries of `model` through `relation` to a term the enterprise has in
    `subject_relation` (one row per shared code), and the names of the link's two ends."""
    link = model._meta.get_field(relation)
    own = models.SocialEnterprise._meta.get_field(subject_relation)
    subject_terms = own.remote_field.through.objects.filter(
        **{own.m2m_field_name(): subject.pk}
    ).values(own.m2m_reverse_field_name())
    entry, term = link.m2m_field_name(), link.m2m_reverse_field_name()
    rows = link.remote_field.through.objects.filter(**{f"{term}__in": subject_terms})
    return rows, entry, term


def _shared_term_weights(model, subject, candidates):
    """SQL and parameters of (entry, weight) rows: for each candidate of `model` (`candidates`,
    SQL and parameters of a query whose rows have an `id`) sharing at least one term with the
    enterprise, the weights of the codes it shares, summed.

    One `GROUP BY` over the link tables of all `TERM_RULES`, read only where they point at the
    enterprise's own terms: an entry with no shared term never appears, whatever the size of
    the directory. Links of entries that are not candidates (not seeking partners, another
    locale) are dropped before grouping, which halves what is grouped at 100,000 entries.
    Weights are floats: PostgreSQL sums `numeric` several times slower.
    """
    parts = []
    for relation, subject_relation, _kind, weight in TERM_RULES:
        rows, entry, _term = _shared_links(model, relation, subject, subject_relation)
        parts.append(
            rows.annotate(
                entry=F(f"{entry}_id"), weight=Cast(Value(weight), FloatField())
            ).values_list("entry", "weight")
        )
    links_sql, links_params = parts[0].union(*parts[1:], all=True).query.sql_with_params()
    candidates_sql, candidates_params = candidates
    sql = (
        f"SELECT entry, SUM(weight) AS weight FROM ({links_sql}) links "
        f"WHERE entry IN (SELECT id FROM ({candidates_sql}) candidates) GROUP BY entry"
    )
    return sql, [*links_params, *candidates_params]


def _served(codes):
    """A support organisation serves one of `codes`: listed in `countries_served` (stored as
    "DK,SE", so commas around it make every code ",XX,"), or its own country when it lists none.
    Needs the `served_list` annotation."""
    listed = [Q(served_list__contains=f",{code},") for code in codes]
    return reduce(or_, listed, Q(countries_served="", country__in=codes))


def _geography_weights(model, subject):
    """Annotations: `place`, the weight of the candidate's SERVES_COUNTRY, SAME_COUNTRY or
    NEARBY_COUNTRY reason (0 without one), as `_geography` finds it; `serves`, 1 for a
    SERVES_COUNTRY reason (the one geographic reason that makes a match), else 0."""
    home = subject.country.code
    if not home:
        return {"place": Value(0.0), "serves": Value(0)}
    nearby = sorted(NEIGHBOURS.get(home, ()))
    if model is models.SupportOrganisation:
        here, near = _served([home]), _served(nearby)
        here_weight = SERVES_COUNTRY_WEIGHT
    else:
        here, near = Q(country=home), Q(country__in=nearby)
        here_weight = SAME_COUNTRY_WEIGHT
    rules = [When(here, then=Value(here_weight))]
    if nearby:
        rules.append(When(near, then=Value(NEARBY_COUNTRY_WEIGHT)))
    serves = Value(0)
    if model is models.SupportOrganisation:
        serves = Case(When(here, then=Value(1)), default=Value(0))
    return {"place": Case(*rules, default=Value(0.0)), "serves": serves}


def _language_weight(subject):
    """COMMON_LANGUAGE_WEIGHT for a candidate sharing a configured working language with the
    enterprise, else 0."""
    configured = {code for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES}
    spoken = sorted(set(subject.languages or []) & configured)
    if not spoken:
        return Value(0.0)
    if connection.vendor == "postgresql":
        # jsonb's `?|`: one of the codes is an element of the list, read as it is stored;
        # matching the list's text made PostgreSQL print every candidate's list first.
        speaks = Q(languages__has_any_keys=spoken)
    else:
        # `languages` is a JSON list, which has no portable membership lookup; a code in
        # quotes within the list's JSON text is a member.
        speaks = reduce(or_, [Q(languages__icontains=f'"{code}"') for code in spoken])
    return Case(When(speaks, then=Value(COMMON_LANGUAGE_WEIGHT)), default=Value(0.0))


def ranked_candidates(model, subject, language, limit):
    """The `limit` best candidates of `model` for the enterprise `subject` (a model instance),
    best first, in one query: rows of `model` holding only the columns scoring needs, with
    `score`, the total `score()` gives them.

    The query sums the shared-term weights (`_shared_term_weights`), the geographic weight and
    the language weight, and keeps only candidates with a substantive reason: a shared term, or
    a support organisation serving the enterprise's country. Ties go to the name, then the slug,
    in the database's ordering of names.
    """
    organisations = model is models.SupportOrganisation
    columns = COLUMNS + (["countries_served"] if organisations else [])
    candidates = _candidates(model, subject, language).order_by()
    if organisations:
        candidates = candidates.annotate(
            served_list=Concat(
                Value(","), "countries_served", Value(","), output_field=CharField()
            )
        )
    candidates = candidates.annotate(
        **_geography_weights(model, subject), spoken=_language_weight(subject)
    ).values(*columns, "place", "serves", "spoken")
    candidates_sql, candidates_params = candidates.query.sql_with_params()
    shared_sql, shared_params = _shared_term_weights(
        model, subject, (candidates_sql, candidates_params)
    )
    selected = ", ".join(f"c.{connection.ops.quote_name(column)}" for column in columns)
    if organisations:
        # Only support organisations have a substantive reason without a shared term.
        sql = (
            f"SELECT {selected}, "
            "COALESCE(shared.weight, 0) + c.place + c.spoken AS score "
            f"FROM ({candidates_sql}) c LEFT JOIN ({shared_sql}) shared ON shared.entry = c.id "
            "WHERE shared.entry IS NOT NULL OR c.serves = 1 "
            "ORDER BY score DESC, LOWER(c.name), c.slug LIMIT %s"
        )
        return list(model.objects.raw(sql, [*candidates_params, *shared_params, limit]))
    # Geography and language add at most `bonus` to a shared-term weight. If `limit` entries
    # weigh at least W, an entry weighing less than W - bonus scores below all of them: only
    # entries above that bar are joined with their columns and scored (at 100,000 entries a
    # few hundred instead of 35,000 index lookups). Equal scores are never cut: the bar keeps
    # every entry that could reach W.
    bonus = SAME_COUNTRY_WEIGHT + COMMON_LANGUAGE_WEIGHT
    sql = (
        f"WITH shared AS ({shared_sql}) "
        f"SELECT {selected}, shared.weight + c.place + c.spoken AS score "
        f"FROM ({candidates_sql}) c JOIN shared ON shared.entry = c.id "
        "WHERE shared.weight >= (SELECT COALESCE(MIN(weight), 0) FROM "
        "(SELECT weight FROM shared ORDER BY weight DESC LIMIT %s) best) - %s "
        "ORDER BY score DESC, LOWER(c.name), c.slug LIMIT %s"
    )
    params = [*shared_params, *candidates_params, limit, bonus, limit]
    return list(model.objects.raw(sql, params))


def matched_terms(model, subject, pks):
    """{pk: {kind: {code: (English label, translation key)}}}: the codes that the entries `pks`
    of `model` share with the enterprise, in one query (codes as strings)."""
    if not pks:
        return {}
    parts = []
    for relation, subject_relation, kind, _weight in TERM_RULES:
        rows, entry, term = _shared_links(model, relation, subject, subject_relation)
        code = model._meta.get_field(relation).related_model.code_field
        parts.append(
            rows.filter(**{f"{entry}__in": pks})
            .annotate(
                entry=F(f"{entry}_id"),
                kind=Value(kind),
                code=Cast(f"{term}__{code}", CharField()),
                label=F(f"{term}__name"),
                key=F(f"{term}__translation_key"),
            )
            .values_list("entry", "kind", "code", "label", "key")
        )
    terms = {}
    for pk, kind, code, label, key in parts[0].union(*parts[1:], all=True):
        terms.setdefault(pk, {}).setdefault(kind, {})[code] = (label, key)
    return terms


def _geography(subject, candidate):
    """The SERVES_COUNTRY, SAME_COUNTRY or NEARBY_COUNTRY reason of a candidate, if any."""
    home = subject.country
    if not home:
        return None
    if candidate.served is not None:
        if home in candidate.served:
            return Reason("SERVES_COUNTRY", [home], SERVES_COUNTRY_WEIGHT)
        nearby = sorted(code for code in candidate.served if are_neighbours(home, code))
    else:
        if candidate.country == home:
            return Reason("SAME_COUNTRY", [home], SAME_COUNTRY_WEIGHT)
        nearby = [candidate.country] if are_neighbours(home, candidate.country) else []
    return Reason("NEARBY_COUNTRY", nearby, NEARBY_COUNTRY_WEIGHT) if nearby else None


def score(subject, candidate, terms):
    """The reasons `candidate` is a partner for `subject` (both `Candidate`s) and their total
    weight. `terms` maps a kind of term reason to {code: (English label, translation key)} of
    the codes that matched.

    Returns (0.0, []) when nothing substantive matched.
    """
    reasons = []
    for _relation, _own, kind, weight in TERM_RULES:
        matched = terms.get(kind)
        if matched:
            codes = sorted(matched, key=_code_order)
            labels = {str(code): matched[code] for code in codes}
            reasons.append(Reason(kind, [str(c) for c in codes], weight * len(codes), labels))
    geography = _geography(subject, candidate)
    if geography:
        reasons.append(geography)
    if not any(reason.kind in SUBSTANTIVE_KINDS for reason in reasons):
        return 0.0, []
    configured = {code for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES}
    common = sorted(set(subject.languages) & set(candidate.languages) & configured)
    if common:
        reasons.append(Reason("COMMON_LANGUAGE", common, COMMON_LANGUAGE_WEIGHT))
    reasons.sort(key=lambda reason: KIND_ORDER.index(reason.kind))
    return sum(reason.weight for reason in reasons), reasons


COLUMNS = ["id", "name", "slug", "country", "languages"]


def _candidates(model, subject, language):
    return (
        best_locale(visible_records(model), language)
        .filter(seeking_partners=True)
        .exclude(translation_key=subject.translation_key)
    )


def as_candidate(row):
    """The `Candidate` of an entry: a row of `ranked_candidates`, or the enterprise itself."""
    served = None
    if isinstance(row, models.SupportOrganisation):
        served = [country.code for country in row.countries_served]
        if not served and row.country.code:
            served = [row.country.code]
    return Candidate(
        type(row), row.pk, row.name, row.slug, row.country.code or "", row.languages or [], served
    )


def _fetch_partners(matches):
    """Replace each match's candidate by its full row, as the list resolvers fetch them."""
    for model in (models.SocialEnterprise, models.SupportOrganisation):
        ids = [m.candidate.pk for m in matches if m.candidate.model is model]
        if not ids:
            continue
        prefetch = LISTS[model][2]()
        full = (
            model.objects.filter(pk__in=ids).select_related("locale").prefetch_related(*prefetch)
        )
        rows = {row.pk: row for row in full}
        share_batch(list(rows.values()))
        for match in matches:
            if match.candidate.model is model:
                match.partner = rows[match.candidate.pk]


def find_partners(subject, language, limit):
    """The `limit` best matches for the enterprise `subject` (a model instance).

    SQL ranks the candidates of each model and returns only the `limit` best; `score()` then
    writes the reasons of those few, with the same total.
    """
    if not limit:
        return []
    own = as_candidate(subject)
    matches = []
    for model in (models.SocialEnterprise, models.SupportOrganisation):
        rows = ranked_candidates(model, subject, language, limit)
        terms = matched_terms(model, subject, [row.pk for row in rows])
        for row in rows:
            candidate = as_candidate(row)
            total, reasons = score(own, candidate, terms.get(candidate.pk, {}))
            matches.append(Match(candidate, total, reasons))
    matches.sort(key=lambda m: (-m.score, m.candidate.name.casefold(), m.candidate.slug))
    matches = matches[:limit]
    _fetch_partners(matches)
    _translate_labels(matches, language)
    return matches


def _translate_labels(matches, language):
    """Term labels in the requested locale (English where not translated), in one query."""
    vocabularies = {
        models.SocialEnterprise._meta.get_field(relation).related_model
        for relation, _own, _kind, _weight in TERM_RULES
    }
    translated = translated_names(vocabularies, language) if matches else {}
    for match in matches:
        for reason in match.reasons:
            reason.labels = {
                code: translated.get(key, english)
                for code, (english, key) in reason.labels.items()
            }


def _reason_text(reason, texts):
    """The readable sentence of a reason; call with the requested language active."""
    if reason.kind in {"SERVES_COUNTRY", "SAME_COUNTRY", "NEARBY_COUNTRY"}:
        labels = [str(countries.name(code)) for code in reason.codes]
    elif reason.kind == "COMMON_LANGUAGE":
        labels = [str(get_language_info(code)["name_translated"]) for code in reason.codes]
    else:
        labels = [reason.labels[code] for code in reason.codes]
    return texts[reason.kind] % {"items": ", ".join(labels)}


class MatchReason(graphene.ObjectType):
    kind = graphene.Field(MatchReasonKind, required=True)
    text = graphene.String(required=True, description="Readable, in the requested locale.")
    codes = graphene.List(
        graphene.NonNull(graphene.String),
        required=True,
        description="The codes that matched: slugs, NACE letters, SDG numbers, ISO codes.",
    )


class PartnerMatch(graphene.ObjectType):
    score = graphene.Float(
        required=True, description="Higher is better: the sum of the reasons' weights."
    )
    reasons = graphene.List(graphene.NonNull(MatchReason), required=True)
    partner = graphene.Field(DirectoryEntryInterface, required=True)


class PartnerMatchQuery:
    partner_matches = graphene.List(
        graphene.NonNull(PartnerMatch),
        required=True,
        enterprise=graphene.String(required=True, description="The enterprise's slug."),
        locale=Locale(),
        limit=graphene.Int(default_value=10),
        description="Enterprises and support organisations seeking partners, best first, "
        "with the reasons they suit the given enterprise.",
    )

    def resolve_partner_matches(self, info, enterprise, locale=None, limit=10):
        limit, _offset = check_limit(10 if limit is None else limit)
        language = set_requested_language(info, locale)
        subject = (
            best_locale(visible_records(models.SocialEnterprise), language)
            .filter(slug=enterprise)
            .first()
        )
        if subject is None:
            raise NotFound(
                f'No published social enterprise has the slug "{enterprise}".',
                argument="enterprise",
            )
        matches = find_partners(subject, language, limit)
        with translation.override(language):
            texts = _texts()
            return [
                PartnerMatch(
                    score=match.score,
                    partner=match.partner,
                    reasons=[
                        MatchReason(
                            kind=reason.kind,
                            text=_reason_text(reason, texts),
                            codes=reason.codes,
                        )
                        for reason in match.reasons
                    ],
                )
                for match in matches
            ]
