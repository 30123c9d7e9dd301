"""Where each translation stands: one status per translatable object and configured locale.

The rule has two forms. `status_expression` writes it as SQL, so the admin report can filter
and paginate by status in the database. `translation_states()` applies it in Python to a batch
of objects (the GraphQL `translations` field, the report's page of rows) from two flat queries,
whatever the batch size: the groups' rows, and what wagtail-localize knows of them. Built into
every row as SQL, the rule cost more to build and run than the list it decorates. The tests of
the statuses check that both forms agree on every row.

For the row of a translation group in a locale, checked in this order:

- MISSING: the group has no row in the locale, or only an alias of a page in another locale
  (wagtail-localize makes them for the parents of a first translation and for "sync from
  English"): a synchronised copy that nobody has translated.
- IN_PROGRESS: the row is not public (`cms.visibility`: never published, unpublished, expired,
  or behind a view restriction).
- SOURCE: the row is the group's source: English, or the oldest row of a group with no English
  row.
- OUTDATED: the row was made with wagtail-localize and the source changed since the row was
  last synced: the source was published after wagtail-localize last extracted its content
  (`TranslationSource.last_updated_at`), or it was extracted again ("Sync translated pages")
  after the row was last generated from it (the latest `TranslationLog`). Wagtail keeps no
  content diff per publish, so publishing the source unchanged also counts as a change.
- IN_PROGRESS: work on the public row is pending: a newer draft revision or a workflow, or
  (wagtail-localize) strings or overrides edited since the row was last generated, or segments
  still untranslated. This is what wagtail-localize itself calls "Waiting for translations".
- TRANSLATED: otherwise; a public copy made without wagtail-localize counts as translated.

Progress is the share of the source's string segments translated into the locale, as
`Translation.get_progress()` counts it (0-100); 0 for a missing translation; unknown (None)
for the source and for a copy made without wagtail-localize.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import connection, models
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from wagtail.models import Page
from wagtail_localize.models import (
    SegmentOverride,
    StringSegment,
    StringTranslation,
    Translation,
    TranslationContext,
    TranslationLog,
    TranslationSource,
)

from cms.locale_ids import locale_ids
from cms.visibility import visible_pages, visible_records

SOURCE_LANGUAGE = settings.LANGUAGE_CODE  # English, as in cms.graphql.locales


class Status(models.TextChoices):
    SOURCE = "SOURCE", _("Source")
    TRANSLATED = "TRANSLATED", _("Translated")
    IN_PROGRESS = "IN_PROGRESS", _("In progress")
    OUTDATED = "OUTDATED", _("Outdated")
    MISSING = "MISSING", _("Missing")


@dataclass(frozen=True)
class TranslationState:
    """One locale of one translation group (read-only: batches share them)."""

    locale: str
    status: Status
    progress: float | None
    row: models.Model | None
    public: bool
    #: The wagtail-localize TranslationSource the row is synced from, if any.
    source_id: int | None = None
    updated_at: datetime | None = None


def _has_field(model, name):
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


def _siblings(model):
    """Rows of the outer row's translation group (the outer row included)."""
    return model._base_manager.filter(translation_key=OuterRef("translation_key"))


def group_source_q(model):
    """The row that stands for its group: English, else the oldest row of the group."""
    siblings = _siblings(model)
    return Q(locale__language_code=SOURCE_LANGUAGE) | (
        ~Exists(siblings.filter(locale__language_code=SOURCE_LANGUAGE))
        & ~Exists(siblings.filter(pk__lt=OuterRef("pk")))
    )


def _count(queryset, group_field):
    """COUNT of a correlated queryset as a subquery (0 when it matches nothing)."""
    counted = queryset.order_by().values(group_field).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _latest(queryset, field):
    return Subquery(queryset.order_by(f"-{field}").values(field)[:1], output_field=DateTimeField())


def _latest_localize_translation():
    """The outer row's wagtail-localize Translation: the latest enabled one for its group and
    locale (correlated on the outer row's `translation_key` and `locale_id`)."""
    return Translation.objects.filter(
        source__object_id=OuterRef("translation_key"),
        target_locale_id=OuterRef("locale_id"),
        enabled=True,
    ).order_by("-created_at")


def _with_localize_state(model, translations, draft):
    """`translations` (wagtail-localize Translations synced into rows of `model`) annotated
    with what their status needs, and the status itself as `ts_state`.

    `draft` is true when the translated row has unpublished changes.
    """
    segments = StringSegment.objects.filter(source_id=OuterRef("source_id"))
    translated = segments.filter(
        Exists(
            StringTranslation.objects.filter(
                translation_of_id=OuterRef("string_id"),
                context_id=OuterRef("context_id"),
                locale_id=OuterRef(OuterRef("target_locale_id")),
                has_error=False,
            )
        )
    )
    edits = {
        "context__object_id": OuterRef("source__object_id"),
        "locale_id": OuterRef("target_locale_id"),
    }
    if _has_field(model, "last_published_at"):
        source_published = _latest(
            model._base_manager.filter(
                translation_key=OuterRef("source__object_id"),
                locale_id=OuterRef("source__locale_id"),
            ),
            "last_published_at",
        )
    else:
        source_published = Value(None, output_field=DateTimeField())
    synced = Coalesce(
        _latest(
            TranslationLog.objects.filter(
                source_id=OuterRef("source_id"), locale_id=OuterRef("target_locale_id")
            ),
            "created_at",
        ),
        F("created_at"),
    )
    return translations.annotate(
        ts_total=_count(segments, "source_id"),
        ts_done=_count(translated, "source_id"),
        ts_synced=synced,
        ts_edited=_latest(StringTranslation.objects.filter(**edits), "updated_at"),
        ts_overridden=_latest(SegmentOverride.objects.filter(**edits), "updated_at"),
        ts_source_published=source_published,
        ts_draft=draft,
    ).annotate(
        ts_state=Case(
            When(
                Q(ts_source_published__gt=F("source__last_updated_at"))
                | Q(source__last_updated_at__gt=F("ts_synced")),
                then=Value(Status.OUTDATED),
            ),
            When(
                Q(ts_draft=True)
                | Q(ts_edited__gt=F("ts_synced"))
                | Q(ts_overridden__gt=F("ts_synced"))
                | Q(ts_done__lt=F("ts_total")),
                then=Value(Status.IN_PROGRESS),
            ),
            default=Value(Status.TRANSLATED),
            output_field=CharField(),
        )
    )


def _localize_translations(model):
    """The outer row's wagtail-localize Translation, annotated by `_with_localize_state`."""
    if _has_field(model, "has_unpublished_changes"):
        draft = ExpressionWrapper(OuterRef("has_unpublished_changes"), BooleanField())
    else:
        draft = Value(False)
    return _with_localize_state(model, _latest_localize_translation(), draft)


def _row_whens(model, visible):
    """The parts of the rule decided by the row alone: MISSING (an alias), IN_PROGRESS (not
    public), SOURCE."""
    whens = []
    if issubclass(model, Page):
        whens.append(
            When(
                Q(alias_of__isnull=False) & ~Q(alias_of__locale_id=F("locale_id")),
                then=Value(Status.MISSING),
            )
        )
    return [
        *whens,
        When(~Exists(visible.filter(pk=OuterRef("pk"))), then=Value(Status.IN_PROGRESS)),
        When(group_source_q(model), then=Value(Status.SOURCE)),
    ]


def _without_localize(model):
    """The status of a public copy that wagtail-localize did not make."""
    if _has_field(model, "has_unpublished_changes"):
        return Case(
            When(has_unpublished_changes=True, then=Value(Status.IN_PROGRESS)),
            default=Value(Status.TRANSLATED),
            output_field=CharField(),
        )
    return Value(Status.TRANSLATED, output_field=CharField())


def status_expression(model, visible):
    """The status of each row of `model` (SQL); `visible` is its public rows (cms.visibility)."""
    localize = _localize_translations(model).values("ts_state")[:1]
    return Case(
        *_row_whens(model, visible),
        default=Coalesce(Subquery(localize, output_field=CharField()), _without_localize(model)),
        output_field=CharField(),
    )


# The same rule in Python, for a batch of translation groups ------------------------------------
#
# `status_expression` answers "which rows have this status" inside one SQL query (the report
# filters and paginates with it); for a known batch of groups it costs more to build and run than
# the list it decorates. `translation_states` reads the facts the rule needs with flat queries
# (no correlated subquery: each is cheap to build, and each is one pass over an index) and
# applies the rule above to them in Python. tests/cms/test_translation_status.py checks that
# both give every row the same status.


def _after(later, earlier):
    """`later > earlier` as SQL compares: false when either is unknown."""
    return later is not None and earlier is not None and later > earlier


class GroupRow:
    """One row of a translation group: the fields the rule and the API need, not a model.
    A field the model lacks (a page has no `name`) reads as None."""

    pk = translation_key = locale_id = language_code = None
    public = alias_elsewhere = alias_locale_id = None
    has_unpublished_changes = last_published_at = updated_at = None
    title = name = slug = url_path = None

    @classmethod
    def from_values(cls, names, values):
        row = cls.__new__(cls)
        row.__dict__.update(zip(names, values, strict=True))
        return row


SHOWN_FIELDS = ("title", "name", "slug", "url_path")


def _in_batch(field, keys):
    """SQL comparing `field`'s column with the batch `keys`, and its parameters: one array on
    PostgreSQL (the same statement text for every batch), placeholders on SQLite."""
    values = [field.get_db_prep_value(key, connection) for key in keys]
    if connection.vendor == "postgresql":
        return f"= ANY(%s::{field.db_type(connection)}[])", [values]
    return "IN (" + ", ".join(["%s"] * len(values)) + ")", values


def _group_rows(model, rows, visible, keys):
    """Every row of the groups `keys`, in any locale, as `GroupRow`s; public per `visible`
    (None: the public rule of `cms.visibility`).

    One flat query, written as SQL text around the one part that must come from the ORM: the
    public rule, as a subquery of `visible`. Building the same query with the ORM
    (annotating `Exists(visible.filter(pk=OuterRef("pk")))`, joining the locale and the
    alias) cost more to build and compile than to run: 3.4 -> 1.2 ms for 10 pages in a
    request, 1.9 -> 1.0 ms for 10 enterprises (`make bench-api`'s data). `rows`, when it is
    not the whole table, narrows the rows the same way.
    """
    is_page = issubclass(model, Page)
    if visible is None:
        visible = visible_pages(model) if is_page else visible_records(model)
    meta, quote = model._meta, connection.ops.quote_name
    names = ["pk", "translation_key", "locale_id"]
    names += [
        name
        for name in (*SHOWN_FIELDS, "has_unpublished_changes", "last_published_at")
        if _has_field(model, name)
    ]
    columns = [
        f"r.{quote(meta.pk.column if n == 'pk' else meta.get_field(n).column)}" for n in names
    ]
    joins, extra = "", []
    if is_page:
        alias_of = meta.get_field("alias_of")
        columns.append(f"r.{quote(meta.get_field('latest_revision_created_at').column)}")
        columns.append(f"a.{quote(meta.get_field('locale').column)}")
        joins = (
            f" LEFT JOIN {quote(meta.db_table)} a"
            f" ON a.{quote(meta.pk.column)} = r.{quote(alias_of.column)}"
        )
        extra = ["updated_at", "alias_locale_id"]
    elif _has_field(model, "latest_revision"):
        revision = meta.get_field("latest_revision")
        target = revision.related_model._meta
        columns.append(f"v.{quote(target.get_field('created_at').column)}")
        joins = (
            f" LEFT JOIN {quote(target.db_table)} v"
            f" ON v.{quote(revision.target_field.column)} = r.{quote(revision.column)}"
        )
        extra = ["updated_at"]
    pk = f"r.{quote(meta.pk.column)}"
    public = visible.order_by().values(public_pk=F("pk"))
    public_sql, public_params = public.query.sql_with_params()
    # Correlated on the primary key (PostgreSQL pulls the subquery up into it): a look-up per
    # row of the batch, where `pk IN (<visible>)` would read every public row of the table.
    columns.append(f"EXISTS (SELECT 1 FROM ({public_sql}) p WHERE p.public_pk = {pk})")
    key_field = meta.get_field("translation_key")
    in_batch, params = _in_batch(key_field, keys)
    where = f"r.{quote(key_field.column)} {in_batch}"
    if rows.query.where:
        rows_sql, rows_params = rows.order_by().values("pk").query.sql_with_params()
        where += f" AND {pk} IN ({rows_sql})"
        params = [*params, *rows_params]
    sql = f"SELECT {', '.join(columns)} FROM {quote(meta.db_table)} r{joins} WHERE {where}"
    with connection.cursor() as cursor:
        cursor.execute(sql, [*public_params, *params])
        fetched = cursor.fetchall()
    codes = {locale: code for code, locale in locale_ids().items()}
    names = [*names, *extra, "public"]
    native = connection.vendor == "postgresql"  # UUIDs, aware date-times, booleans already
    found = []
    for values in fetched:
        row = GroupRow.from_values(names, values)
        if not native:
            row.translation_key = key_field.to_python(row.translation_key)
            row.last_published_at = _moment(row.last_published_at)
            row.updated_at = _moment(row.updated_at)
            row.public = bool(row.public)
        row.language_code = codes.get(row.locale_id)
        alias_locale = row.alias_locale_id
        row.alias_elsewhere = alias_locale is not None and alias_locale != row.locale_id
        found.append(row)
    return found


@dataclass
class _LocalizeState:
    """What the rule needs of one wagtail-localize Translation."""

    source_id: int
    status: Status
    total: int
    done: int
    synced_at: datetime | None
    edited_at: datetime | None


# What `_localize_states` reads, one UNION ALL branch each, as rows of (kind, source id,
# translation key, locale id, a, b, t1, t2); a column a branch does not use is NULL.
_TRANSLATION, _TOTAL, _DONE, _SYNCED, _EDITED, _OVERRIDDEN = range(6)

# Written as SQL text because that costs nothing to build: the same union built with the ORM
# (six querysets of annotations and typed NULLs) took longer to build and compile on every
# request than the list query it decorates. Only wagtail-localize's own tables are read, by the
# names its models give them. The batch's sources and contexts are found once (`src`, `ctx`:
# used more than once, so PostgreSQL computes each once) and every branch starts from them;
# the translation keys go in as one array on PostgreSQL, as placeholders on SQLite. Before,
# each branch joined its whole table to the batch, and without fresh statistics PostgreSQL
# chose a nested loop over the batch for every string translation (4.7 -> 2.9 ms for 100 keys
# in bench-api's database).
_FACTS_SQL = """
WITH src AS (
  SELECT s.id, s.object_id, s.locale_id, s.last_updated_at FROM {source} s
   WHERE s.object_id {in_batch}),
ctx AS (
  SELECT c.id, c.object_id FROM {context} c WHERE c.object_id {in_batch})
SELECT {translation_kind}, t.source_id, s.object_id, t.target_locale_id, s.locale_id, t.id,
       t.created_at, s.last_updated_at
  FROM src s JOIN {translation} t ON t.source_id = s.id
 WHERE t.enabled
UNION ALL
SELECT {total_kind}, g.source_id, s.object_id, NULL, COUNT(*), NULL, NULL, NULL
  FROM src s JOIN {segment} g ON g.source_id = s.id
 GROUP BY g.source_id, s.object_id
UNION ALL
SELECT {done_kind}, g.source_id, s.object_id, st.locale_id, COUNT(*), NULL, NULL, NULL
  FROM src s JOIN {segment} g ON g.source_id = s.id
  JOIN {string_translation} st
    ON st.translation_of_id = g.string_id AND st.context_id = g.context_id AND NOT st.has_error
 GROUP BY g.source_id, s.object_id, st.locale_id
UNION ALL
SELECT {synced_kind}, l.source_id, s.object_id, l.locale_id, NULL, NULL, MAX(l.created_at), NULL
  FROM src s JOIN {log} l ON l.source_id = s.id
 GROUP BY l.source_id, s.object_id, l.locale_id
UNION ALL
SELECT {edited_kind}, NULL, c.object_id, st.locale_id, NULL, NULL, MAX(st.updated_at), NULL
  FROM ctx c JOIN {string_translation} st ON st.context_id = c.id
 GROUP BY c.object_id, st.locale_id
UNION ALL
SELECT {overridden_kind}, NULL, c.object_id, o.locale_id, NULL, NULL, MAX(o.updated_at), NULL
  FROM ctx c JOIN {override} o ON o.context_id = c.id
 GROUP BY c.object_id, o.locale_id
"""


def _localize_facts(keys):
    """Everything the rule needs from wagtail-localize about the groups `keys`, in one query:
    their enabled Translations, segment counts, sync logs and latest edits."""
    keys = list(keys)
    key_field = TranslationSource._meta.get_field("object").target_field
    in_batch, values = _in_batch(key_field, keys)
    sql = _FACTS_SQL.format(
        translation_kind=_TRANSLATION,
        total_kind=_TOTAL,
        done_kind=_DONE,
        synced_kind=_SYNCED,
        edited_kind=_EDITED,
        overridden_kind=_OVERRIDDEN,
        translation=Translation._meta.db_table,
        source=TranslationSource._meta.db_table,
        segment=StringSegment._meta.db_table,
        string_translation=StringTranslation._meta.db_table,
        log=TranslationLog._meta.db_table,
        context=TranslationContext._meta.db_table,
        override=SegmentOverride._meta.db_table,
        in_batch=in_batch,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, values + values)  # `src` and `ctx`
        rows = cursor.fetchall()
    if connection.vendor == "postgresql":  # UUIDs and aware date-times already
        return rows
    return [
        (kind, source_id, key_field.to_python(key), locale_id, a, b, _moment(t1), _moment(t2))
        for kind, source_id, key, locale_id, a, b, t1, t2 in rows
    ]


def _moment(value):
    """A date-time from the facts query: SQLite returns the stored UTC time without its zone,
    as text where the column has no declared type (MAX)."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and settings.USE_TZ and timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return value


def _localize_states(keys, rows_by_group):
    """{(translation key, locale id): `_LocalizeState`} of the rows synced by wagtail-localize:
    for each row, the latest enabled Translation of its group into its locale."""
    latest, total, done, synced, edited, overridden = {}, {}, {}, {}, {}, {}
    for kind, source_id, key, locale_id, a, b, t1, t2 in _localize_facts(keys):
        if kind == _TRANSLATION:
            found = latest.get((key, locale_id))
            if found is None or (t1, b) > (found[1], found[4]):
                latest[(key, locale_id)] = (source_id, t1, a, t2, b)
        elif kind == _TOTAL:
            total[source_id] = a
        elif kind == _DONE:
            done[(source_id, locale_id)] = a
        elif kind == _SYNCED:
            synced[(source_id, locale_id)] = t1
        elif kind == _EDITED:
            edited[(key, locale_id)] = t1
        else:
            overridden[(key, locale_id)] = t1
    states = {}
    for (key, locale_id), found in latest.items():
        source_id, created_at, source_locale, source_updated, _pk = found
        row = rows_by_group.get((key, locale_id))
        source_row = rows_by_group.get((key, source_locale))
        source_published = source_row.last_published_at if source_row else None
        synced_at = synced.get((source_id, locale_id)) or created_at
        edited_at = edited.get((key, locale_id))
        segments, translated = total.get(source_id, 0), done.get((source_id, locale_id), 0)
        if _after(source_published, source_updated) or _after(source_updated, synced_at):
            status = Status.OUTDATED
        elif (
            (row is not None and row.has_unpublished_changes)
            or _after(edited_at, synced_at)
            or _after(overridden.get((key, locale_id)), synced_at)
            or translated < segments
        ):
            status = Status.IN_PROGRESS
        else:
            status = Status.TRANSLATED
        states[(key, locale_id)] = _LocalizeState(
            source_id, status, segments, translated, synced_at, edited_at
        )
    return states


def _group_source(group):
    """The row that stands for `group` (all rows of a translation group): English, else the
    oldest row."""
    for row in group:
        if row.language_code == SOURCE_LANGUAGE:
            return row
    return min(group, key=lambda other: other.pk)


def _row_status(row, source, localize):
    """The rule of the module docstring for one row of a group whose source is `source`."""
    if row.alias_elsewhere:
        return Status.MISSING
    if not row.public:
        return Status.IN_PROGRESS
    if row is source:
        return Status.SOURCE
    if localize is not None:
        return localize.status
    return Status.IN_PROGRESS if row.has_unpublished_changes else Status.TRANSLATED


def _state(code, row, source, localize):
    status = _row_status(row, source, localize)
    if status == Status.MISSING:
        progress = 0.0
    elif status == Status.SOURCE or localize is None:
        progress = None
    elif not localize.total:
        progress = 100.0
    else:
        progress = round(100 * localize.done / localize.total, 1)
    times = [row.updated_at]
    if localize is not None:
        times += [localize.synced_at, localize.edited_at]
    return TranslationState(
        code,
        status,
        progress,
        row,
        public=row.public and status != Status.MISSING,
        source_id=localize.source_id if localize is not None else None,
        updated_at=max((t for t in times if t is not None), default=None),
    )


def translation_states(keys, rows, visible=None, locales=None):
    """For each translation key, its `TranslationState` in each locale.

    `rows` is every row of the model (any state, any locale) and `visible` its public rows
    (None: those of the public rule, `cms.visibility`);
    `locales` defaults to every configured content language. Each state's `row` is a
    `GroupRow` (pk, locale, and whichever of title, name, slug, url_path the model has).
    Two queries, whatever the number of keys: the groups' rows, and what wagtail-localize
    knows of those with copies (`_localize_facts`; not asked when no group has one). The
    states are read-only: a locale without a row shares one MISSING state across the batch
    (most of a list of 100 in ten languages).
    """
    keys = set(keys)
    codes = locales or [code for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES]
    if not keys:
        return {}
    groups = defaultdict(list)
    for row in _group_rows(rows.model, rows, visible, keys):
        groups[row.translation_key].append(row)
    by_locale = {
        (row.translation_key, row.locale_id): row for group in groups.values() for row in group
    }
    # wagtail-localize knows nothing of a group without copies that the rule would use: its
    # one row is the source. A list of untranslated entries makes one query, not two.
    copied = {key for key, group in groups.items() if len(group) > 1}
    localize = _localize_states(copied, by_locale) if copied else {}
    missing = {
        code: TranslationState(code, Status.MISSING, 0.0, None, public=False) for code in codes
    }
    answer = {}
    for key in keys:
        group = groups.get(key)
        if not group:
            answer[key] = dict(missing)
            continue
        source = _group_source(group)
        by_code = {row.language_code: row for row in group}
        states = {}
        for code in codes:
            row = by_code.get(code)
            if row is None:
                states[code] = missing[code]
            else:
                found = localize.get((key, row.locale_id))
                states[code] = _state(code, row, source, found)
        answer[key] = states
    return answer
