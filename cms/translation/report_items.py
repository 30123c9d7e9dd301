"""The Translation status report's default view: one row per item, a column per language.

Each cell is the item's status and progress in that language, linked to the one thing the user
may do there (cms.translation.actions). The filters are the per-locale list's: languages choose
the columns, types and statuses the items (an item is listed when at least one chosen language
has a chosen status). The per-locale list (`by-locale/`) and the CSV/XLSX export, one row per
item and language, stay as they were: an export from this view is the per-locale export.

Items are the group source rows (`group_source_q`: English, else the oldest row), a UNION of one
branch per kind, sorted and paginated by the database; statuses are computed for the page of
items shown (`translation_states`, two queries per kind).
"""

from django.db.models import Exists, F, OuterRef, Q, Value
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.widgets.button import HeaderButton

from .actions import Abilities, action, live_page_urls, open_url
from .report import KINDS, LANGUAGES, TranslationStatusReportView, group_source
from .status import Status, group_source_q, status_expression, translation_states


class LanguageColumn(Column):
    """One language: the item's status tag and progress, linked to the action."""

    cell_template_name = "cms/translation_status_cell.html"

    def __init__(self, code):
        super().__init__(f"lang_{code}", label=code.upper())
        self.code = code

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        cell = instance.cells.get(self.code)
        context["cell"] = cell
        return context


class ItemRow:
    def __init__(self, kind, key, pk, title, type_label):
        self.kind, self.key, self.pk, self.title, self.type = kind, key, pk, title, type_label
        self.cells = {}
        self.title_url = None


class Cell:
    def __init__(self, state, link, language):
        self.state, self.link, self.language = state, link, language

    @property
    def primary(self):
        return self.state.status in (Status.TRANSLATED, Status.SOURCE)

    @property
    def progress_display(self):
        progress = self.state.progress
        return "" if progress is None else f"{progress:g} %"


class TranslationItemsReportView(TranslationStatusReportView):
    index_url_name = "translation_status_report"
    index_results_url_name = "translation_status_report_results"

    @cached_property
    def columns(self):
        codes = self.chosen["codes"] if self.chosen else list(LANGUAGES)
        return [
            TitleColumn(
                "title", label=_("Title"), sort_key="title", get_url=lambda row: row.title_url
            ),
            Column("type", label=_("Type")),
            *(LanguageColumn(code) for code in codes),
        ]

    @cached_property
    def header_buttons(self):
        url = reverse("translation_status_report_by_locale")
        query = self.request.GET.urlencode()
        return [HeaderButton(_("One row per language"), url=f"{url}?{query}" if query else url)]

    def get_queryset(self):
        if self.is_export:
            return super().get_queryset()  # one row per item and language, as before
        if self.chosen is None:
            return []
        branches = []
        for kind in KINDS:
            rows = self._rows_of_chosen_types(kind)
            if rows is None:
                continue
            rows = rows.filter(group_source_q(kind.model))
            if self.chosen["statuses"]:
                rows = rows.filter(self._has_chosen_status(kind))
            branches.append(self._columns(kind, rows, Value(0), Value(0), F(kind.title_field)))
        if not branches:
            return []
        order = ("-r_title", "-r_key") if self.ordering == "-title" else ("r_title", "r_key")
        return branches[0].union(*branches[1:], all=True).order_by(*order)

    def _has_chosen_status(self, kind):
        """The item has, in a chosen language, a chosen status (MISSING: no row there)."""
        ids = [self._locale_ids[c] for c in self.chosen["codes"] if c in self._locale_ids]
        statuses = self.chosen["statuses"]
        group = kind.model._base_manager.filter(translation_key=OuterRef("translation_key"))
        condition = Q(
            Exists(
                group.filter(locale_id__in=ids)
                .alias(r_status=status_expression(kind.model, self.visible(kind)))
                .filter(r_status__in=statuses)
            )
        )
        if Status.MISSING in statuses:
            for locale_id in ids:
                condition |= ~Exists(group.filter(locale_id=locale_id))
        return condition

    def report_rows(self, selected):
        if self.is_export:
            return super().report_rows(selected)
        abilities = Abilities(self.request.user)
        states, live_urls = {}, {}
        for kind in KINDS:
            mine = [r for r in selected if self._kind(r["r_type"]) is kind]
            if not mine:
                continue
            found = translation_states(
                {r["r_key"] for r in mine}, kind.rows(), self.visible(kind), list(LANGUAGES)
            )
            states.update({(kind, key): by_code for key, by_code in found.items()})
            if kind.is_page:
                live_urls = live_page_urls(self.request, {r["r_pk"] for r in mine})
        return [self._item(r, states, abilities, live_urls) for r in selected]

    def _item(self, row, states, abilities, live_urls):
        kind = self._kind(row["r_type"])
        by_code = states[(kind, row["r_key"])]
        item = ItemRow(
            kind, row["r_key"], row["r_pk"], row["r_title"], self._type_label(row["r_type"])
        )
        source_pk, source_locale_id = group_source(by_code, row["r_pk"], None)
        for code in self.chosen["codes"]:
            state = by_code[code]
            link = action(abilities, kind.model, state, self._locale_ids.get(code), source_pk)
            item.cells[code] = Cell(state, link, LANGUAGES.get(code, code))
        item.title_url = open_url(
            abilities, kind.model, by_code, source_pk, source_locale_id, live_urls
        )
        return item
