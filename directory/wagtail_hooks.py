"""The "Directory" menu: enterprises, organisations, events and the vocabularies."""

from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from cms.translation.permissions import LocaleRestrictedSnippetViewSet
from directory.matching import PartnerMatchQuery
from directory.models import (
    Event,
    EventType,
    RecognisedStatus,
    Sdg,
    Sector,
    SocialEnterprise,
    SupportOrganisation,
    SupportType,
    TargetGroup,
    Term,
    Topic,
)
from directory.mutations import DirectoryMutation
from directory.outreach.admin import OutreachGroup
from directory.schema import DirectoryQuery
from directory.verification.admin import (
    StaleEntriesSummaryItem,
    entry_filterset,
    register_log_actions,
)

ENTRY_EXPORT = [
    "name",
    "slug",
    "external_id",
    "locale",
    "country",
    "city",
    "website",
    "email",
    "phone",
    "seeking_partners",
    "live",
    "last_verified",
]


class SocialEnterpriseViewSet(LocaleRestrictedSnippetViewSet):
    model = SocialEnterprise
    icon = "group"
    menu_label = _("Social enterprises")
    list_display = ["name", "country", "city", "seeking_partners", "last_verified"]
    filterset_class = entry_filterset(
        SocialEnterprise,
        ["country", "seeking_partners", "sectors", "sdgs", "recognised_status", "live"],
    )
    list_export = [*ENTRY_EXPORT, "legal_form", "founded_year", "employees"]
    export_filename = "social-enterprises"
    ordering = ["name"]


class SupportOrganisationViewSet(LocaleRestrictedSnippetViewSet):
    model = SupportOrganisation
    icon = "site"
    menu_label = _("Support organisations")
    list_display = ["name", "country", "city", "seeking_partners", "last_verified"]
    filterset_class = entry_filterset(
        SupportOrganisation, ["country", "support_types", "seeking_partners", "live"]
    )
    list_export = [*ENTRY_EXPORT, "countries_served"]
    export_filename = "support-organisations"
    ordering = ["name"]


class EventViewSet(LocaleRestrictedSnippetViewSet):
    model = Event
    icon = "date"
    menu_label = _("Events")
    list_display = ["title", "start", "format", "status", "country", "city"]
    list_filter = ["format", "status", "event_type", "country", "language", "live"]
    list_export = [
        "title",
        "slug",
        "external_id",
        "locale",
        "start",
        "end",
        "time_zone",
        "format",
        "status",
        "country",
        "city",
        "venue",
        "online_url",
        "registration_url",
        "live",
    ]
    export_filename = "events"
    ordering = ["-start"]


def vocabulary_viewset(vocabulary, icon="tag"):
    code = vocabulary.code_field
    return type(
        f"{vocabulary.__name__}ViewSet",
        (LocaleRestrictedSnippetViewSet,),
        {
            "model": vocabulary,
            "icon": icon,
            "list_display": [code, "name"],
            "list_export": [code, "name", "locale"],
            "export_filename": vocabulary._meta.model_name,
            "search_fields": ["name", code] if code != "number" else ["name"],
            "search_backend_name": None,
        },
    )


class DirectoryGroup(SnippetViewSetGroup):
    menu_label = _("Directory")
    menu_icon = "folder-open-inverse"
    menu_order = 200
    items = [
        SocialEnterpriseViewSet,
        SupportOrganisationViewSet,
        EventViewSet,
        vocabulary_viewset(Sector, "cogs"),
        vocabulary_viewset(Sdg, "globe"),
        vocabulary_viewset(TargetGroup, "user"),
        vocabulary_viewset(RecognisedStatus, "success"),
        vocabulary_viewset(Term, "resubmit"),
        vocabulary_viewset(SupportType, "help"),
        vocabulary_viewset(EventType, "date"),
        vocabulary_viewset(Topic, "tag"),
    ]


register_snippet(DirectoryGroup)


@hooks.register("register_schema_query")
def register_directory_query(query_mixins):
    query_mixins.append(DirectoryQuery)


@hooks.register("register_schema_query")
def register_partner_matching_query(query_mixins):
    query_mixins.append(PartnerMatchQuery)


@hooks.register("register_schema_mutation")
def register_directory_mutations(mutation_mixins):
    mutation_mixins.append(DirectoryMutation)


@hooks.register("register_admin_viewset")
def register_outreach_viewsets():
    return OutreachGroup()


@hooks.register("construct_homepage_summary_items")
def add_stale_entry_counts(request, summary_items):
    for model in (SocialEnterprise, SupportOrganisation):
        summary_items.append(StaleEntriesSummaryItem(request, model))


@hooks.register("register_log_actions")
def register_freshness_log_actions(actions):
    register_log_actions(actions)
