"""The "Translation status" admin report: rows, filters, exports, permissions, cost."""

import csv
import io

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from wagtail.models import Locale

import openpyxl
import pytest

from directory import models as directory
from pages import models as pages
from tests import factories

pytestmark = pytest.mark.django_db

REPORT = reverse("translation_status_report_by_locale")
CODES = ["en", "da", "de", "et", "fi", "lt", "lv", "nb", "pl", "sv"]
HEADER = ["Title", "Type", "Locale", "Status", "% done", "Last updated", "Link"]


def type_id(model):
    return ContentType.objects.get_for_model(model).pk


@pytest.fixture
def content(db):
    """Six translation groups: the home page, the library, an article (copied into Danish with
    its parents), and one enterprise, organisation and event (a Polish draft copy)."""
    article = factories.article(title="Alpha article")
    factories.translate_page(article, "da", title="Alfa artikel")
    factories.SocialEnterpriseFactory(name="Beta enterprise")
    organisation = factories.SupportOrganisationFactory(name="Gamma organisation")
    factories.translate_record(organisation, "pl", publish=False, name="Gamma organizacja")
    factories.EventFactory(title="Delta event")
    return article


def rows(response):
    assert response.status_code == 200
    return [
        (row.title, row.language_code, row.status.label) for row in response.context["object_list"]
    ]


def exported(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body)))


def test_report_lists_every_item_in_every_locale_page_by_page(admin_client, content):
    first = admin_client.get(REPORT)
    second = admin_client.get(REPORT, {"p": 2})

    assert first.context["paginator"].count == 60
    listed = rows(first) + rows(second)
    assert len(rows(first)) == 50
    assert {(title, code) for title, code, _status in listed} == {
        (title, code)
        for title in [
            "Alpha article",
            "Beta enterprise",
            "Delta event",
            "Gamma organisation",
            "Library",
            "Social Enterprise Support Network",
        ]
        for code in CODES
    }
    # Sorted by title, then in the order of the configured languages.
    assert listed[:3] == [
        ("Alpha article", "en", "Source"),
        ("Alpha article", "da", "Translated"),
        ("Alpha article", "de", "Missing"),
    ]
    descending = rows(admin_client.get(REPORT, {"ordering": "-title"}))
    assert descending[0][:2] == ("Social Enterprise Support Network", "en")


def test_filters_combine_locale_type_and_status(admin_client, content):
    assert rows(admin_client.get(REPORT, {"status": "IN_PROGRESS"})) == [
        ("Gamma organisation", "pl", "In progress")
    ]
    assert rows(
        admin_client.get(REPORT, {"locale": "da", "type": type_id(pages.ArticlePage)})
    ) == [("Alpha article", "da", "Translated")]
    assert rows(
        admin_client.get(
            REPORT,
            {
                "locale": ["da", "pl"],
                "status": ["MISSING", "IN_PROGRESS"],
                "type": [type_id(directory.SupportOrganisation), type_id(directory.Event)],
            },
        )
    ) == [
        ("Delta event", "da", "Missing"),
        ("Delta event", "pl", "Missing"),
        ("Gamma organisation", "da", "Missing"),
        ("Gamma organisation", "pl", "In progress"),
    ]
    # Copying the article made the Danish home page and library as aliases of the English
    # ones: public, but nobody translated them.
    assert rows(admin_client.get(REPORT, {"locale": "da", "status": "TRANSLATED"})) == [
        ("Alpha article", "da", "Translated")
    ]
    assert rows(
        admin_client.get(REPORT, {"locale": "da", "type": type_id(pages.LibraryIndexPage)})
    ) == [("Library", "da", "Missing")]


def test_filtered_results_fragment_for_the_filter_drawer(admin_client, content):
    response = admin_client.get(
        reverse("translation_status_report_by_locale_results"), {"status": "IN_PROGRESS"}
    )

    assert rows(response) == [("Gamma organisation", "pl", "In progress")]
    assert "Gamma organisation" in response.content.decode()
    assert "<html" not in response.content.decode()


def test_csv_export_has_one_row_per_item_in_each_chosen_locale(admin_client, content):
    danish = content.get_translation(Locale.objects.get(language_code="da"))

    table = exported(admin_client.get(REPORT, {"export": "csv", "locale": "da"}))

    assert table[0] == HEADER
    assert [row[:5] for row in table[1:]] == [
        ["Alpha article", "Article", "da", "Translated", ""],
        ["Beta enterprise", "Social enterprise", "da", "Missing", "0.0"],
        ["Delta event", "Event", "da", "Missing", "0.0"],
        ["Gamma organisation", "Support organisation", "da", "Missing", "0.0"],
        ["Library", "Library index", "da", "Missing", "0.0"],
        ["Social Enterprise Support Network", "Home page", "da", "Missing", "0.0"],
    ]
    assert table[1][5] == danish.latest_revision_created_at.isoformat()
    assert table[1][6] == f"http://testserver/admin/pages/{danish.pk}/edit/"


def test_xlsx_export_holds_the_same_rows(admin_client, content):
    response = admin_client.get(REPORT, {"export": "xlsx", "status": "IN_PROGRESS"})

    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    values = list(workbook.active.values)
    assert list(values[0]) == HEADER
    assert list(values[1][:5]) == [
        "Gamma organisation",
        "Support organisation",
        "pl",
        "In progress",
        None,
    ]
    assert len(values) == 2


def test_invalid_filter_is_an_error_not_an_unfiltered_listing(admin_client, content):
    page = admin_client.get(REPORT, {"status": "DONE"})
    export = admin_client.get(REPORT, {"status": "DONE", "export": "csv"})

    assert rows(page) == []
    assert "DONE is not one of the available choices" in page.content.decode()
    assert export.status_code == 400
    assert "DONE is not one of the available choices" in export.content.decode()


def test_translate_link_of_a_missing_row_submits_through_wagtail_localize(admin_client, content):
    enterprise = directory.SocialEnterprise.objects.get(name="Beta enterprise")
    response = admin_client.get(
        REPORT, {"locale": "de", "type": type_id(directory.SocialEnterprise)}
    )
    [row] = response.context["object_list"]
    assert (row.status, row.action) == ("MISSING", "Translate")

    assert admin_client.get(row.action_url).status_code == 200
    submitted = admin_client.post(
        row.action_url, {"locales": [Locale.objects.get(language_code="de").pk]}
    )

    assert submitted.status_code == 302
    german = enterprise.get_translation(Locale.objects.get(language_code="de"))
    assert rows(
        admin_client.get(REPORT, {"locale": "de", "type": type_id(directory.SocialEnterprise)})
    ) == [("Beta enterprise", "de", "In progress")]
    [row] = admin_client.get(
        REPORT, {"locale": "de", "type": type_id(directory.SocialEnterprise)}
    ).context["object_list"]
    assert (
        row.url
        == row.action_url
        == reverse(
            directory.SocialEnterprise.snippet_viewset.get_url_name("edit"), args=[german.pk]
        )
    )


def test_outdated_row_links_to_wagtail_localize_sync(admin_client):
    enterprise = factories.SocialEnterpriseFactory(name="Copenhagen Bikes", summary="")
    enterprise.save_revision().publish()
    danish = factories.localize_submit(admin_client, enterprise, "da")
    factories.localize_translate(admin_client, danish, {"Copenhagen Bikes": "Københavnske Cykler"})
    factories.localize_publish(admin_client, danish)
    enterprise.name = "Copenhagen Bikes and Repairs"
    enterprise.save_revision().publish()
    filters = {"locale": "da", "type": type_id(directory.SocialEnterprise)}

    [row] = admin_client.get(REPORT, filters).context["object_list"]
    assert (row.status, row.action) == ("OUTDATED", "Sync")

    synced = admin_client.post(row.action_url, {"publish_translations": "on"})

    assert synced.status_code == 302
    assert rows(admin_client.get(REPORT, filters)) == [
        ("Copenhagen Bikes and Repairs", "da", "In progress")
    ]


def users_allowed(user_in_group, superuser):
    allowed = [superuser, user_in_group("Moderators")]
    for group in Group.objects.filter(name__startswith="Translators"):
        allowed.append(user_in_group(group.name, username=f"user-{group.pk}"))
    return allowed


def test_superusers_moderators_and_every_translator_group_see_the_report(
    client, user_in_group, superuser
):
    allowed = users_allowed(user_in_group, superuser)
    assert len(allowed) >= 3

    for user in allowed:
        client.force_login(user)
        assert client.get(REPORT).status_code == 200, user
        menu = client.get(reverse("wagtailadmin_home")).content.decode()
        assert reverse("translation_status_report") in menu, user


def test_admin_user_without_translation_permission_is_refused(client, django_user_model):
    user = django_user_model.objects.create_user(username="reader", password="password")
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    client.force_login(user)

    response = client.get(REPORT)
    export = client.get(REPORT, {"export": "csv"})

    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")
    assert export.status_code == 302
    assert REPORT not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get(REPORT)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_login"))


def count_queries(client, params):
    client.get(REPORT, params)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(REPORT, params)
    assert response.status_code == 200
    return len(captured), response


PARAMS = {"all": {}, "missing": {"status": "MISSING", "locale": "da"}}


def enterprises(start, stop):
    built = factories.SocialEnterpriseFactory.build_batch(stop - start)
    for number, enterprise in enumerate(built, start):
        enterprise.name = f"Zeta {number:03}"
    return built


@pytest.mark.count_queries
def test_report_costs_the_same_for_30_and_300_records(admin_client):
    """Statuses are computed for the page of rows shown (or in SQL when filtered by status),
    never once per row."""
    # Named to sort after the home page, so that the first page holds both kinds of item.
    directory.SocialEnterprise.objects.bulk_create(enterprises(0, 30))
    small = {name: count_queries(admin_client, params) for name, params in PARAMS.items()}
    directory.SocialEnterprise.objects.bulk_create(enterprises(30, 300))
    large = {name: count_queries(admin_client, params) for name, params in PARAMS.items()}

    assert large["all"][1].context["paginator"].count == 301 * 10
    assert large["missing"][1].context["paginator"].count == 301
    assert len(large["all"][1].context["object_list"]) == 50
    assert large["missing"][1].context["object_list"][0].title == (
        "Social Enterprise Support Network"
    )
    assert small["all"][0] == large["all"][0]
    assert small["missing"][0] == large["missing"][0]
