"""Where each translation stands: one status per translatable object and configured locale.

The rule is written as SQL expressions, so the admin report can filter and paginate by status
in the database (`status_expression`), and `translation_states()` applies the same expressions
to a batch of objects (the GraphQL `translations` field, the report's page of rows) in two
queries, whatever the batch size: one over the rows, then one over the wagtail-localize
translations they are synced from (left out when there are none). Splitting them keeps each
expression small: built into every row as `status_expression` does, the wagtail-localize part
made the `translations` field cost more than the list it belongs to.

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
from datetime import datetime

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
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
from django.utils.translation import gettext_lazy as _

from wagtail.models import Page
from wagtail_localize.models import (
    SegmentOverride,
    StringSegment,
    StringTranslation,
    Translation,
    TranslationLog,
)

SOURCE_LANGUAGE = settings.LANGUAGE_CODE  # English, as in cms.graphql.locales


class Status(models.TextChoices):
    SOURCE = "SOURCE", _("Source")
    TRANSLATED = "TRANSLATED", _("Translated")
    IN_PROGRESS = "IN_PROGRESS", _("In progress")
    OUTDATED = "OUTDATED", _("Outdated")
    MISSING = "MISSING", _("Missing")


@dataclass
class TranslationState:
    """One locale of one translation group."""

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


def _localize_states(model, translation_ids):
    """{Translation pk: its `_with_localize_state` values}, for these Translations."""
    if not translation_ids:
        return {}
    if _has_field(model, "has_unpublished_changes"):
        # The row a Translation is synced into: its group's row in its target locale.
        target = model._base_manager.filter(
            translation_key=OuterRef("source__object_id"), locale_id=OuterRef("target_locale_id")
        )
        draft = Subquery(target.values("has_unpublished_changes")[:1], BooleanField())
    else:
        draft = Value(False)
    translations = _with_localize_state(
        model, Translation.objects.filter(pk__in=translation_ids), draft
    )
    fields = ("pk", "source_id", "ts_total", "ts_done", "ts_synced", "ts_edited", "ts_state")
    return {values["pk"]: values for values in translations.values(*fields)}


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


def _row_updated(model):
    if issubclass(model, Page):
        return F("latest_revision_created_at")
    if _has_field(model, "latest_revision"):
        return F("latest_revision__created_at")
    return Value(None, output_field=DateTimeField())


def with_status(rows, visible):
    """`rows` annotated with `translation_status` and the parts of the progress shown.

    The same status as `status_expression`, in two queries: the rows carry what the rule
    decides from them and the id of their wagtail-localize Translation, and the Translations
    are then annotated in one query of their own. Returns a list.
    """
    model = rows.model
    rows = list(
        rows.annotate(
            translation_decided=Case(*_row_whens(model, visible), output_field=CharField()),
            translation_without_localize=_without_localize(model),
            translation_public=Exists(visible.filter(pk=OuterRef("pk"))),
            translation_localize_id=Subquery(
                _latest_localize_translation().values("pk")[:1], IntegerField()
            ),
            translation_row_updated_at=_row_updated(model),
        )
    )
    localize = _localize_states(model, {row.translation_localize_id for row in rows} - {None})
    for row in rows:
        found = localize.get(row.translation_localize_id, {})
        row.translation_status = row.translation_decided or found.get(
            "ts_state", row.translation_without_localize
        )
        row.translation_source_id = found.get("source_id")
        row.translation_total = found.get("ts_total")
        row.translation_done = found.get("ts_done")
        row.translation_synced_at = found.get("ts_synced")
        row.translation_edited_at = found.get("ts_edited")
    return rows


def _progress(row):
    if row.translation_status == Status.SOURCE or row.translation_source_id is None:
        return None
    if not row.translation_total:
        return 100.0
    return round(100 * row.translation_done / row.translation_total, 1)


def _state(code, row):
    if row is None:
        return TranslationState(code, Status.MISSING, 0.0, None, public=False)
    status = Status(row.translation_status)
    times = [
        row.translation_row_updated_at,
        row.translation_synced_at,
        row.translation_edited_at,
    ]
    return TranslationState(
        code,
        status,
        0.0 if status == Status.MISSING else _progress(row),
        row,
        public=row.translation_public and status != Status.MISSING,
        source_id=row.translation_source_id,
        updated_at=max((t for t in times if t is not None), default=None),
    )


def translation_states(keys, rows, visible, locales=None):
    """For each translation key, its `TranslationState` in each locale, in one query.

    `rows` is every row of the model (any state, any locale) and `visible` its public rows;
    `locales` defaults to every configured content language.
    """
    keys = set(keys)
    codes = locales or [code for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES]
    by_key = defaultdict(dict)
    if keys:
        annotated = with_status(
            rows.filter(translation_key__in=keys, locale__language_code__in=codes).select_related(
                "locale"
            ),
            visible,
        )
        for row in annotated:
            by_key[row.translation_key][row.locale.language_code] = row
    return {key: {code: _state(code, by_key[key].get(code)) for code in codes} for key in keys}
