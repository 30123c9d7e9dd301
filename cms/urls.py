from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms.graphql.views import graphql_view
from cms.public_cache import cached_view
from directory import atom, feeds, open_data
from directory.outreach import views as outreach
from pages.feeds import pages_feed

urlpatterns = [
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("graphql/", graphql_view, name="graphql"),
    path("events.ics", cached_view(feeds.events_feed), name="events-ics"),
    path("events/<slug:slug>.ics", cached_view(feeds.event_ics), name="event-ics"),
    path("feeds/enterprises.atom", cached_view(atom.enterprises_feed), name="enterprises-atom"),
    path("feeds/events.atom", cached_view(atom.events_feed), name="events-atom"),
    path("feeds/pages.atom", cached_view(pages_feed), name="pages-atom"),
    path("open-data/", cached_view(open_data.index), name="open-data"),
    path(
        "open-data/enterprises.csv",
        cached_view(open_data.enterprises_csv),
        name="open-data-enterprises-csv",
    ),
    path(
        "open-data/enterprises.json",
        cached_view(open_data.enterprises_json),
        name="open-data-enterprises-json",
    ),
    path("open-data/hsds.json", cached_view(open_data.hsds_json), name="open-data-hsds"),
    # The links of the "still correct?" e-mail to entries' contacts (signed; never cached).
    path("directory/verify/", include("directory.verification.urls")),
    # The links in contact and alert e-mails (signed; never cached).
    path("alerts/confirm/<str:token>/", outreach.confirm_alert, name="alert-confirm"),
    path("alerts/unsubscribe/<str:token>/", outreach.unsubscribe, name="alert-unsubscribe"),
    path("contact/opt-out/<str:token>/", outreach.contact_opt_out, name="contact-opt-out"),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Server-rendered pages exist so editors can preview; each language lives under its prefix.
urlpatterns += i18n_patterns(path("", include(wagtail_urls)), prefix_default_language=True)
