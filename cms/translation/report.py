"""The "Translation status" report: every page and directory record in every locale.

One row per (item, locale), including the locales an item is missing from. wagtail-localize's
own "Translations" report lists only the translations it manages; translators also need to see
what was never submitted and what went out of date.

The rows are a UNION of cheap columns (one branch per model for the rows that exist, and one per
model and locale for the missing ones), sorted and paginated by the database. The status of a
row (`cms.translation.status`) is computed in SQL only when the report is filtered by status;
otherwise only for the page of rows shown, and for an export batch by batch while it streams.
"""

from dataclasses import dataclass
from datetime import datetime
from itertools import islice

from django import forms
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from wagtail.admin.filters import MultipleContentTypeFilter, WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn, TitleColumn
from wagtail.admin.views.reports import ReportView
from wagtail.admin.widgets.button import HeaderButton
from wagtail.coreutils import get_content_type_label
from wagtail.models import Locale, Page, get_page_content_types

import django_filters

from cms.visibility import visible_pages, visible_records
from directory.models import Event, SocialEnterprise, SupportOrganisation

from .actions import Abilities, action, edit_url, live_page_urls, open_url
from .status import (
    SOURCE_LANGUAGE,
    Status,
    group_source_q,
    status_expression,
    translation_states,
)

PERMISSION = "wagtail_localize.submit_translation"
LANGUAGES = dict(settings.WAGTAIL_CONTENT_LANGUAGES)
EXPORT_BATCH = 2000


def can_view_report(user):
    """Superusers, Moderators and every translator group hold this permission."""
    return user.has_perm(PERMISSION)


@dataclass(frozen=True)
class ItemKind:
    """Pages (all page types share the Page table) or one directory model."""

    model: type
    title_field: str

    @property
    def is_page(self):
        return self.model is Page

    def rows(self):
        if self.is_page:
            return Page.objects.filter(depth__gt=1)
        return self.model._default_manager.all()

    def visible(self):
        return visible_pages() if self.is_page else visible_records(self.model)

    @cached_property
    def content_type_id(self):
        return ContentType.objects.get_for_model(self.model).pk


PAGES = ItemKind(Page, "title")
DIRECTORY_KINDS = [
    ItemKind(SocialEnterprise, "name"),
    ItemKind(SupportOrganisation, "name"),
    ItemKind(Event, "title"),
]
KINDS = [PAGES, *DIRECTORY_KINDS]


def report_types(request=None):
    """The types a translator can filter by: every page type and the directory models."""
    ids = [content_type.pk for content_type in get_page_content_types(False)]
    ids += [kind.content_type_id for kind in DIRECTORY_KINDS]
    return ContentType.objects.filter(pk__in=ids).order_by("model")


def batches(iterable, size):
    iterator = iter(iterable)
    while batch := list(islice(iterator, size)):
        yield batch


class TranslationStatusFilterSet(WagtailFilterSet):
    locale = django_filters.MultipleChoiceFilter(
        label=_("Locale"),
        choices=settings.WAGTAIL_CONTENT_LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
    )
    type = MultipleContentTypeFilter(
        label=_("Type"), queryset=report_types, widget=forms.CheckboxSelectMultiple
    )
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"), choices=Status.choices, widget=forms.CheckboxSelectMultiple
    )


def group_source(states, fallback_pk, fallback_locale_id):
    """(pk, locale id) of the group's English row, from its `TranslationState`s."""
    english = states.get(SOURCE_LANGUAGE)
    if english is not None and english.row is not None:
        return english.row.pk, english.row.locale_id
    return fallback_pk, fallback_locale_id


@dataclass
class ReportRow:
    """One item in one locale. Links are built when shown: an export only needs one."""

    kind: ItemKind
    key: object
    title: str
    type: str
    locale_id: int
    language_code: str
    language: str
    status: Status
    progress: float | None
    updated_at: datetime | None
    #: The row in this locale, or None when it is missing.
    row_pk: int | None
    #: The row the UNION listed: for a missing translation, the group's source row (what a
    #: translator submits for translation).
    source_pk: int
    #: The wagtail-localize TranslationSource the row is synced from, if any.
    translation_source_id: int | None
    #: Where the title and the action lead for the user who sees them (cms.translation.actions).
    title_url: str | None = None
    action: str = ""
    action_url: str | None = None

    @property
    def status_label(self):
        return self.status.label

    @property
    def progress_display(self):
        return "" if self.progress is None else f"{self.progress:g} %"

    @property
    def url(self):
        """The row's editor; for a missing row, the source's."""
        return edit_url(self.kind.model, self.source_pk if self.row_pk is None else self.row_pk)

    @property
    def admin_url(self):
        return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + self.url


class TranslationStatusReportView(ReportView):
    page_title = _("Translation status")
    header_icon = "site"
    index_url_name = "translation_status_report_by_locale"
    index_results_url_name = "translation_status_report_by_locale_results"
    filterset_class = TranslationStatusFilterSet
    default_ordering = "title"
    export_filename = "translation-status"
    list_export = [
        "title",
        "type",
        "language_code",
        "status_label",
        "progress",
        "updated_at",
        "admin_url",
    ]
    export_headings = {
        "title": _("Title"),
        "type": _("Type"),
        "language_code": _("Locale"),
        "status_label": _("Status"),
        # "% d" is not a placeholder here. xgettext:no-python-format
        "progress": _("% done"),
        "updated_at": _("Last updated"),
        "admin_url": _("Link"),
    }
    columns = [
        TitleColumn(
            "title", label=_("Title"), sort_key="title", get_url=lambda row: row.title_url
        ),
        Column("type", label=_("Type")),
        Column("language", label=_("Locale")),
        StatusTagColumn(
            "status_label",
            label=_("Status"),
            primary=lambda row: row.status in (Status.TRANSLATED, Status.SOURCE),
        ),
        # xgettext:no-python-format
        Column("progress_display", label=_("% done")),
        DateColumn("updated_at", label=_("Last updated")),
        TitleColumn("action", label=_("Action"), get_url=lambda row: row.action_url),
    ]

    @cached_property
    def header_buttons(self):
        url = reverse("translation_status_report")
        query = self.request.GET.urlencode()
        return [HeaderButton(_("One row per item"), url=f"{url}?{query}" if query else url)]

    def dispatch(self, request, *args, **kwargs):
        if not can_view_report(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.custom_field_preprocess = {
            **self.custom_field_preprocess,
            "updated_at": {self.FORMAT_CSV: lambda value: value.isoformat() if value else ""},
        }

    # Filters -------------------------------------------------------------------------------

    def get_filterset_kwargs(self):
        # The filter set only validates the form: the rows are built from its values
        # (`get_queryset`), as a UNION it could not filter.
        return {**super().get_filterset_kwargs(), "queryset": Page.objects.none()}

    def filter_queryset(self, queryset):
        return queryset

    @cached_property
    def chosen(self):
        """The valid filter values, or None when the filter form has errors."""
        if not self.filters.is_valid():
            return None
        data = self.filters.form.cleaned_data
        return {
            "codes": data.get("locale") or list(LANGUAGES),
            "types": {content_type.pk for content_type in data.get("type") or []},
            "statuses": set(data.get("status") or []),
        }

    @cached_property
    def locales(self):
        return {locale.pk: locale.language_code for locale in Locale.objects.all()}

    def get_queryset(self):
        if self.chosen is None:
            return []
        branches = []
        for kind in KINDS:
            rows = self._rows_of_chosen_types(kind)
            if rows is None:
                continue
            branches.append(self._existing(kind, rows))
            if not self.chosen["statuses"] or Status.MISSING in self.chosen["statuses"]:
                branches += [self._missing(kind, rows, code) for code in self.chosen["codes"]]
        branches = [branch for branch in branches if branch is not None]
        if not branches:
            return []
        if self.ordering == "-title":
            order = ("-r_title", "-r_key", "r_order")
        else:
            order = ("r_title", "r_key", "r_order")
        return branches[0].union(*branches[1:], all=True).order_by(*order)

    def _rows_of_chosen_types(self, kind):
        types = self.chosen["types"]
        rows = kind.rows()
        if not types:
            return rows
        if kind.is_page:
            page_types = types - self._directory_types
            return rows.filter(content_type_id__in=page_types) if page_types else None
        return rows if kind.content_type_id in types else None

    def _columns(self, kind, rows, locale_id, order, title):
        """The UNION's columns: the same names, types and order in every branch."""
        return rows.order_by().values(
            r_type=F("content_type_id") if kind.is_page else Value(kind.content_type_id),
            r_pk=F("pk"),
            r_key=F("translation_key"),
            r_locale=locale_id,
            r_order=order,
            r_title=title,
        )

    @cached_property
    def _locale_ids(self):
        return {code: pk for pk, code in self.locales.items()}

    def _existing(self, kind, rows):
        """Each row that exists is the (item, locale) pair of its own locale."""
        ids = self._locale_ids
        rows = rows.filter(
            locale_id__in=[ids[code] for code in self.chosen["codes"] if code in ids]
        )
        if self.chosen["statuses"]:
            rows = rows.alias(r_status=status_expression(kind.model, self.visible(kind))).filter(
                r_status__in=self.chosen["statuses"]
            )
        order = Case(
            *(
                When(locale_id=ids[code], then=Value(index))
                for index, code in enumerate(LANGUAGES)
                if code in ids
            ),
            output_field=IntegerField(),
        )
        # The group's title, as its source row has it (see `group_source_q`); the second
        # lookup only runs for a group without an English row.
        siblings = kind.model._base_manager.filter(translation_key=OuterRef("translation_key"))
        title = Coalesce(
            Subquery(siblings.filter(locale_id=ids.get(SOURCE_LANGUAGE)).values(kind.title_field)),
            Subquery(siblings.order_by("pk").values(kind.title_field)[:1]),
        )
        return self._columns(kind, rows, F("locale_id"), order, title)

    def _missing(self, kind, rows, code):
        """Items with no row in the locale, represented by their group's source row."""
        locale_id = self._locale_ids.get(code)
        if locale_id is None:
            return None
        in_locale = kind.model._base_manager.filter(
            translation_key=OuterRef("translation_key"), locale_id=locale_id
        )
        rows = rows.filter(group_source_q(kind.model)).filter(~Exists(in_locale))
        order = Value(list(LANGUAGES).index(code))
        return self._columns(kind, rows, Value(locale_id), order, F(kind.title_field))

    @cached_property
    def _visible(self):
        return {}

    def visible(self, kind):
        """Public rows of the kind; built once per request (pages read view restrictions)."""
        if kind not in self._visible:
            self._visible[kind] = kind.visible()
        return self._visible[kind]

    # Rows ----------------------------------------------------------------------------------

    def paginate_queryset(self, queryset, page_size):
        paginator, page, object_list, is_paginated = super().paginate_queryset(queryset, page_size)
        page.object_list = self.report_rows(list(object_list))
        return paginator, page, page.object_list, is_paginated

    def report_rows(self, selected):
        """Status, progress and links for these UNION rows: a few queries per item kind."""
        states = {}
        for kind in KINDS:
            if kind.is_page:
                mine = [r for r in selected if r["r_type"] not in self._directory_types]
            else:
                mine = [r for r in selected if r["r_type"] == kind.content_type_id]
            if mine:
                keys = {r["r_key"] for r in mine}
                found = translation_states(keys, kind.rows(), self.visible(kind))
                states.update({(kind, key): by_code for key, by_code in found.items()})
        rows = [self._report_row(row, states) for row in selected]
        if not self.is_export:
            self._add_links(rows, states)
        return rows

    def _add_links(self, rows, states):
        """Title and action links for the user: only where they may go."""
        abilities = Abilities(self.request.user)
        live_urls = live_page_urls(
            self.request, {row.source_pk for row in rows if row.kind.is_page}
        )
        for row in rows:
            by_code = states[(row.kind, row.key)]
            state = by_code[row.language_code]
            source_pk, source_locale_id = group_source(by_code, row.source_pk, row.locale_id)
            link = action(abilities, row.kind.model, state, row.locale_id, source_pk)
            row.action, row.action_url = link.label, link.url
            if state.row is not None and abilities.may_change(row.kind.model, row.locale_id):
                row.title_url = edit_url(row.kind.model, state.row.pk)
            else:
                row.title_url = open_url(
                    abilities, row.kind.model, by_code, source_pk, source_locale_id, live_urls
                )

    @cached_property
    def _directory_types(self):
        return {kind.content_type_id for kind in DIRECTORY_KINDS}

    def _kind(self, content_type_id):
        for kind in DIRECTORY_KINDS:
            if kind.content_type_id == content_type_id:
                return kind
        return PAGES

    @cached_property
    def _type_labels(self):
        return {}

    def _type_label(self, content_type_id):
        if content_type_id not in self._type_labels:
            content_type = ContentType.objects.get_for_id(content_type_id)
            self._type_labels[content_type_id] = get_content_type_label(content_type)
        return self._type_labels[content_type_id]

    def _report_row(self, row, states):
        kind = self._kind(row["r_type"])
        code = self.locales[row["r_locale"]]
        state = states[(kind, row["r_key"])][code]
        return ReportRow(
            kind=kind,
            key=row["r_key"],
            title=row["r_title"],
            type=self._type_label(row["r_type"]),
            locale_id=row["r_locale"],
            language_code=code,
            language=LANGUAGES.get(code, code),
            status=state.status,
            progress=state.progress,
            updated_at=state.updated_at,
            row_pk=None if state.row is None else state.row.pk,
            source_pk=row["r_pk"],
            translation_source_id=state.source_id,
        )

    # Export --------------------------------------------------------------------------------

    def get(self, request, *args, **kwargs):
        if not self.is_export:
            return super().get(request, *args, **kwargs)
        if self.chosen is None:
            return HttpResponse(
                _("Invalid filter: %(errors)s") % {"errors": self.filters.form.errors.as_text()},
                status=400,
                content_type="text/plain; charset=utf-8",
            )
        return self.as_spreadsheet(self.export_rows(), request.GET.get("export"))

    def export_rows(self):
        """Every row of the filtered report, computed batch by batch while it streams."""
        queryset = self.get_queryset()
        if isinstance(queryset, list):  # no branch to query
            return
        for batch in batches(queryset.iterator(chunk_size=EXPORT_BATCH), EXPORT_BATCH):
            yield from self.report_rows(batch)


class TranslationStatusMenuItem(MenuItem):
    def is_shown(self, request):
        return can_view_report(request.user)
