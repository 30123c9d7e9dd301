"""Open Referral HSDS 3.0 export: the open-data shape of public entries."""

import io
import json
import uuid

from cms.graphql.locales import best_locale
from cms.visibility import visible_records
from directory import models as directory

from .lookups import SOURCE_LANGUAGE

# Locations, addresses and services get UUIDs derived from the entry's key in this namespace,
# so that they are the same in every export and open-data consumers can follow them.
HSDS_NAMESPACE = uuid.UUID("6f1d7f0e-3c1b-4d0e-9a41-5e5e5e0b5e5e")


def hsds_organisations(record_type, language):
    """Open Referral HSDS 3.0-shaped organizations: one per public entry, in `language` where
    translated, else English (as the API's lists), wrapped in HSDS's paginated response.

    Filled: organization id (the entry's key), name, description (the summary), website,
    email (the public one; private contacts never), year_incorporated (enterprises),
    legal_status (enterprises' legal form), locations (one physical location with latitude,
    longitude and one address: address_1, city, postal_code, country) and services (support
    organisations: one per support type; enterprises: one for the enterprise's activity) with
    name, description and status "active". Everything else HSDS defines is left out.
    """
    organisations = list(hsds_contents(record_type, language))
    return hsds_page(organisations, len(organisations))


def hsds_page(contents, total):
    """HSDS's paginated response around `contents` (a list, or an iterator of `total`)."""
    return {
        "total_items": total,
        "total_pages": 1,
        "page_number": 1,
        "size": total,
        "first_page": True,
        "last_page": True,
        "empty": not total,
        "contents": contents,
    }


def hsds_queryset(record_type, language):
    """The public entries an HSDS export holds, one per translation group, in `language`."""
    return (
        best_locale(visible_records(record_type.model), language)
        .select_related("locale")
        .order_by("slug", "pk")
    )


def hsds_contents(record_type, language, chunk_size=500):
    """The HSDS organizations, one at a time: rows are read `chunk_size` at a time (with their
    support types per chunk), so memory stays fixed whatever the number of entries."""
    model = record_type.model
    queryset = hsds_queryset(record_type, language)
    is_organisation = model is directory.SupportOrganisation
    if is_organisation:
        queryset = queryset.prefetch_related("support_types")
    labels = _term_labels(directory.SupportType, language) if is_organisation else {}
    for entry in queryset.iterator(chunk_size):
        yield _hsds_organisation(entry, is_organisation, labels)


def _term_labels(model, language):
    """Term names in `language` where translated, else English, by the English row's pk."""
    names = {}
    english = dict(
        model.objects.filter(locale__language_code=SOURCE_LANGUAGE).values_list(
            "translation_key", "pk"
        )
    )
    rows = model.objects.filter(locale__language_code__in=[SOURCE_LANGUAGE, language])
    for key, code, name in rows.values_list("translation_key", "locale__language_code", "name"):
        if key in english and (code == language or english[key] not in names):
            names[english[key]] = name
    return names


def _hsds_id(*parts):
    return str(uuid.uuid5(HSDS_NAMESPACE, ":".join(str(part) for part in parts)))


def _hsds_organisation(entry, is_organisation, labels):
    key = str(entry.translation_key)
    organisation = {
        "id": key,
        "name": entry.name,
        "description": entry.summary or entry.name,
        "website": entry.website or None,
        "email": entry.email or None,
    }
    if not is_organisation:
        organisation["year_incorporated"] = entry.founded_year
        organisation["legal_status"] = entry.legal_form or None
    organisation["locations"] = []
    if entry.latitude is not None or entry.city or entry.address or entry.country:
        location_id = _hsds_id(key, "location")
        location = {
            "id": location_id,
            "organization_id": key,
            "location_type": "physical",
            "name": entry.name,
            "latitude": float(entry.latitude) if entry.latitude is not None else None,
            "longitude": float(entry.longitude) if entry.longitude is not None else None,
            "addresses": [],
        }
        if entry.address or entry.city or entry.country:
            location["addresses"].append(
                {
                    "id": _hsds_id(key, "address"),
                    "location_id": location_id,
                    "address_1": entry.address,
                    "city": entry.city,
                    "state_province": "",
                    "postal_code": entry.postal_code,
                    "country": entry.country.code or "",
                    "address_type": "physical",
                }
            )
        organisation["locations"].append(location)
    if is_organisation and entry.support_types.all():
        names = [(term.slug, labels.get(term.pk, term.name)) for term in entry.support_types.all()]
    else:
        names = [("activity", entry.name)]
    organisation["services"] = [
        {
            "id": _hsds_id(key, "service", slug),
            "organization_id": key,
            "name": name,
            "description": entry.summary or entry.name,
            "status": "active",
        }
        for slug, name in names
    ]
    return organisation


def dumps_hsds(data):
    buffer = io.StringIO()
    json.dump(data, buffer, ensure_ascii=False, indent=2)
    buffer.write("\n")
    return buffer.getvalue()
