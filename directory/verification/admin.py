"""What editors see of freshness: a "stale" filter on the entry listings, a count of stale
entries on the dashboard, and the log entries of the contacts' answers. directory/wagtail_hooks.py
wires them in."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.site_summary import SummaryItem
from wagtail.admin.widgets.boolean_radio_select import BooleanRadioSelect

import django_filters

from cms.visibility import visible_records
from directory.freshness import stale_condition

from .record import UPDATE_PROPOSED, VERIFIED


def _filter_stale(queryset, name, value):
    if value is None:
        return queryset
    return queryset.filter(stale_condition(stale=value))


def entry_filterset(model, fields):
    """The listing's filters `fields` plus `stale` (directory/freshness.py's rule)."""
    meta = type("Meta", (), {"model": model, "fields": fields})
    stale = django_filters.BooleanFilter(
        label=_("Stale"),
        method=_filter_stale,
        widget=BooleanRadioSelect,
        help_text=_("Not verified within the period, or never."),
    )
    return type(f"{model.__name__}FilterSet", (WagtailFilterSet,), {"Meta": meta, "stale": stale})


def stale_count(model):
    """Published entries (translation groups) that are stale today."""
    rows = visible_records(model).filter(stale_condition())
    return rows.order_by().values("translation_key").distinct().count()


class StaleEntriesSummaryItem(SummaryItem):
    """The dashboard's count of stale entries of one model, linking to them in the listing."""

    template_name = "directory/verification/stale_summary_item.html"
    order = 450
    labels = {
        "socialenterprise": lambda count: ngettext(
            "%(count)s stale social enterprise", "%(count)s stale social enterprises", count
        ),
        "supportorganisation": lambda count: ngettext(
            "%(count)s stale support organisation", "%(count)s stale support organisations", count
        ),
    }

    def __init__(self, request, model):
        super().__init__(request)
        self.model = model

    def is_shown(self):
        policy = self.model.snippet_viewset.permission_policy
        return policy.user_has_any_permission(self.request.user, ["add", "change", "view"])

    def get_context_data(self, parent_context):
        count = stale_count(self.model)
        viewset = self.model.snippet_viewset
        return {
            "label": self.labels[self.model._meta.model_name](count) % {"count": count},
            "url": reverse(viewset.get_url_name("list")) + "?stale=true",
        }


def register_log_actions(actions):
    actions.register_action(VERIFIED, _("Verify"), _("Verified by its contact"))
    actions.register_action(
        UPDATE_PROPOSED, _("Propose changes"), _("Changes proposed by its contact")
    )
