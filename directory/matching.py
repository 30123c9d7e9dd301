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
enterprise, the candidates of each model (only the columns scoring needs), for each relation of
each model the links to the enterprise's own terms, the chosen partners in full, and the
requested-locale labels of the terms they matched on.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import F
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
from directory.vocabularies import are_neighbours

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
    return (0, code, "") if isinstance(code, int) else (1, 0, str(code))


def _term_links(model, relation, candidates, subject, subject_relation):
    """(candidate pk, code, English label, translation key) for each link from a candidate's
    `relation` to a term the enterprise has in `subject_relation`, in one query."""
    link = model._meta.get_field(relation)
    entry, term = link.m2m_field_name(), link.m2m_reverse_field_name()
    own = models.SocialEnterprise._meta.get_field(subject_relation)
    subject_terms = own.remote_field.through.objects.filter(
        **{own.m2m_field_name(): subject.pk}
    ).values(own.m2m_reverse_field_name())
    vocabulary = link.related_model
    return (
        link.remote_field.through.objects.filter(
            **{f"{entry}__in": candidates.values("pk"), f"{term}__in": subject_terms}
        )
        .annotate(code=F(f"{term}__{vocabulary.code_field}"))
        .values_list(f"{entry}_id", "code", f"{term}__name", f"{term}__translation_key")
    )


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


COLUMNS = ["pk", "name", "slug", "country", "languages"]


def _candidates(model, subject, language):
    return (
        best_locale(visible_records(model), language)
        .filter(seeking_partners=True)
        .exclude(translation_key=subject.translation_key)
    )


def _as_candidate(model, values):
    candidate = Candidate(model, *values[: len(COLUMNS)])
    candidate.languages = candidate.languages or []
    if model is models.SupportOrganisation:
        listed = [code for code in (values[len(COLUMNS)] or "").split(",") if code]
        if not listed and candidate.country:
            listed = [candidate.country]
        candidate.served = listed
    return candidate


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
    """The `limit` best matches for the enterprise `subject` (a model instance)."""
    own = Candidate(
        type(subject),
        subject.pk,
        subject.name,
        subject.slug,
        subject.country.code or "",
        subject.languages or [],
    )
    matches = []
    for model in (models.SocialEnterprise, models.SupportOrganisation):
        candidates = _candidates(model, subject, language)
        terms = {}
        for relation, subject_relation, kind, _weight in TERM_RULES:
            links = _term_links(model, relation, candidates, subject, subject_relation)
            for pk, code, label, key in links:
                terms.setdefault(pk, {}).setdefault(kind, {})[code] = (label, key)
        columns = COLUMNS + (["countries_served"] if model is models.SupportOrganisation else [])
        for values in candidates.values_list(*columns):
            # An enterprise without a shared term can only share a country or a language,
            # which never makes a match: skip it before scoring.
            if model is models.SocialEnterprise and values[0] not in terms:
                continue
            candidate = _as_candidate(model, values)
            total, reasons = score(own, candidate, terms.get(candidate.pk, {}))
            if reasons:
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
