"""Lookups shared by parsing and export: the context cells are read against and written
from, records' identities, and their relations and latest versions loaded in bulk."""

import uuid
import zoneinfo
from collections import defaultdict

from django.conf import settings

from modelcluster.models import get_serializable_data_for_fields
from wagtail.models import Locale, Revision

from cms.bulk import BATCH_SIZE, Vocabularies, batched

from .errors import ExchangeError

SOURCE_LANGUAGE = settings.LANGUAGE_CODE


class Context:
    """What cells are read against (`for_import`) and written from, loaded in a few queries."""

    def __init__(self, for_import=True):
        self.references = defaultdict(dict)
        self._reference_of = defaultdict(dict)
        self._codes = {}
        self._rows = {}
        if not for_import:
            return
        self.locales = {locale.language_code: locale for locale in Locale.objects.all()}
        english = self.locales.get(SOURCE_LANGUAGE)
        if english is None:
            raise ExchangeError("No English locale: run `manage.py migrate` first.")
        self.vocabularies = Vocabularies(english)
        self.time_zones = zoneinfo.available_timezones()

    def rows_by_pk(self, vocabulary):
        if vocabulary not in self._rows:
            terms = getattr(self.vocabularies, vocabulary).values()
            self._rows[vocabulary] = {row.pk: row for row in terms}
        return self._rows[vocabulary]

    def code_of(self, model, pk):
        if model not in self._codes:
            self._codes[model] = dict(model.objects.values_list("pk", model.code_field))
        return self._codes[model][pk]

    def load_references(self, model, references):
        """English records by external id, or by key for those without one."""
        references = sorted(reference for reference in references if reference)
        english = model.objects.filter(locale__language_code=SOURCE_LANGUAGE)
        found = self.references[model]
        for batch in batched(references, BATCH_SIZE):
            for pk, external_id in english.filter(external_id__in=batch).values_list(
                "pk", "external_id"
            ):
                found[external_id] = pk
            keys = [reference for reference in batch if is_uuid(reference)]
            for pk, key in english.filter(translation_key__in=keys, external_id="").values_list(
                "pk", "translation_key"
            ):
                found.setdefault(str(key), pk)

    def reference_of(self, model, pk):
        known = self._reference_of[model]
        if pk not in known:
            rows = model.objects.values_list("pk", "external_id", "translation_key")
            for row_pk, external_id, key in rows:
                known[row_pk] = external_id or str(key)
        return known[pk]


def is_uuid(text):
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def identifier(record):
    """What the export writes as `external_id`: the external id, else the key."""
    return record.external_id or str(record.translation_key)


def relations_of(record):
    """A record's many-to-many relations as sets of primary keys, by field name.

    Held on the record and loaded in bulk (`load_relations`), because modelcluster builds a
    queryset for every access to a relation, which costs more than the rest of a row.
    """
    try:
        return record._exchange_relations
    except AttributeError:
        record._exchange_relations = {}
        if record.pk is not None:
            for name in _many_to_many_names(type(record)):
                pks = frozenset(term.pk for term in getattr(record, name).all())
                record._exchange_relations[name] = pks
        return record._exchange_relations


def load_relations(model, records):
    """Fill `relations_of` for saved records: one query per relation and thousand records."""
    for record in records:
        record._exchange_relations = {}
    by_pk = {record.pk: record for record in records}
    for name in _many_to_many_names(model):
        model_field = model._meta.get_field(name)
        through = model_field.remote_field.through
        own = f"{model_field.m2m_field_name()}_id"
        other = f"{model_field.m2m_reverse_field_name()}_id"
        found = defaultdict(set)
        for batch in batched(list(by_pk), BATCH_SIZE):
            for pk, term in through.objects.filter(**{f"{own}__in": batch}).values_list(
                own, other
            ):
                found[pk].add(term)
        for pk, record in by_pk.items():
            record._exchange_relations[name] = frozenset(found.get(pk, ()))


def revision_content(version):
    """What `serializable_data()` gives (fields, then relations as lists of primary keys),
    from the relations held by `relations_of`."""
    content = get_serializable_data_for_fields(version)
    for name, pks in relations_of(version).items():
        content[name] = sorted(pks)
    return content


def latest_versions(model, records):
    """Each record's latest version: its revision when it has unpublished changes (a draft),
    else the database row, as Wagtail's `get_latest_revision_as_object` decides.

    Built from the revisions' JSON without modelcluster's per-relation queries, so that ten
    thousand drafts load in one query.
    """
    pending = {
        record.latest_revision_id: record
        for record in records
        if record.has_unpublished_changes and record.latest_revision_id
    }
    versions = {record.pk: record for record in records}
    names = _many_to_many_names(model)
    for revision_pk, content in Revision.objects.filter(pk__in=list(pending)).values_list(
        "pk", "content"
    ):
        record = pending[revision_pk]
        version = model(pk=record.pk)
        for model_field in model._meta.concrete_fields:
            if model_field.name in content and not model_field.primary_key:
                raw = content[model_field.name]
                value = raw if model_field.is_relation else model_field.to_python(raw)
                setattr(version, model_field.attname, value)
        for state in (
            "live",
            "has_unpublished_changes",
            "first_published_at",
            "latest_revision_id",
        ):
            setattr(version, state, getattr(record, state))
        version.translation_key, version.locale = record.translation_key, record.locale
        version._exchange_relations = {name: frozenset(content.get(name, ())) for name in names}
        versions[record.pk] = version
    return versions


def _many_to_many_names(model):
    return [
        model_field.name
        for model_field in model._meta.get_fields()
        if model_field.many_to_many and not model_field.auto_created
    ]
