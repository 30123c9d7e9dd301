from wagtail import hooks

from cms.graphql.search import SearchQuery


@hooks.register("register_schema_query")
def register_search_query(query_mixins):
    query_mixins.append(SearchQuery)


# Before wagtail-localize's own routes (same paths): see cms/translation/permissions.py.
@hooks.register("register_admin_urls", order=-1)
def register_checked_localize_urls():
    from cms.translation.permissions import localize_urls

    return localize_urls()


# Before wagtail-localize's own hooks: a clearer message when a translation is published with
# untranslated fields (cms/translation/publishing.py).
@hooks.register("before_edit_page", order=-1)
def before_edit_page_publish_translation(request, page):
    from cms.translation.publishing import publish_translation

    return publish_translation(request, page)


@hooks.register("before_edit_snippet", order=-1)
def before_edit_snippet_publish_translation(request, instance):
    from cms.translation.publishing import publish_translation

    return publish_translation(request, instance)


@hooks.register("construct_homepage_panels")
def add_translator_dashboard_panel(request, panels):
    from cms.translation.dashboard import add_translator_panel

    add_translator_panel(request, panels)


@hooks.register("register_permissions")
def register_locale_permissions():
    from cms.translation.permissions import locale_permissions

    return locale_permissions()


@hooks.register("register_admin_urls")
def register_translation_status_report_urls():
    from django.urls import path

    from cms.translation.report import TranslationStatusReportView
    from cms.translation.report_items import TranslationItemsReportView

    return [
        # One row per item, a column per language.
        path(
            "reports/translation-status/",
            TranslationItemsReportView.as_view(),
            name="translation_status_report",
        ),
        path(
            "reports/translation-status/results/",
            TranslationItemsReportView.as_view(results_only=True),
            name="translation_status_report_results",
        ),
        # One row per item and language.
        path(
            "reports/translation-status/by-locale/",
            TranslationStatusReportView.as_view(),
            name="translation_status_report_by_locale",
        ),
        path(
            "reports/translation-status/by-locale/results/",
            TranslationStatusReportView.as_view(results_only=True),
            name="translation_status_report_by_locale_results",
        ),
    ]


@hooks.register("register_reports_menu_item")
def register_translation_status_report_menu_item():
    from django.urls import reverse
    from django.utils.translation import gettext_lazy as _

    from cms.translation.report import TranslationStatusMenuItem

    return TranslationStatusMenuItem(
        _("Translation status"),
        reverse("translation_status_report"),
        name="translation-status",
        icon_name="site",
        order=8900,
    )
