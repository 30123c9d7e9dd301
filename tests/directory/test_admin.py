"""The directory's admin: create and edit every snippet, list, filter, search, export, preview.

Every test drives Wagtail's real snippet views through the test client, as an editor's browser
would: form fields by their names, `action-publish` to publish (without it a draft is saved).
"""

import csv
import datetime
import io
from decimal import Decimal

from django import forms
from django.urls import reverse
from django.utils import timezone

from wagtail.admin.rich_text import DraftailRichTextArea

import openpyxl
import pytest

from directory import models as directory
from tests import factories

pytestmark = pytest.mark.django_db


def admin_url(model, view, *args):
    return reverse(model.snippet_viewset.get_url_name(view), args=args)


def english_terms(model, *codes):
    """The English rows of a vocabulary, by their codes (what the admin choosers offer)."""
    return model.objects.filter(locale__language_code="en", **{f"{model.code_field}__in": codes})


def pks(queryset):
    return [str(pk) for pk in queryset.values_list("pk", flat=True)]


def rich_text(html):
    """Rich text as the Draftail editor posts it (contentstate JSON)."""
    return DraftailRichTextArea().format_value(html)


def post_data_from(form):
    """What the browser posts back for an admin form it was given, unchanged."""
    data = {}
    for bound_field in form:
        widget = bound_field.field.widget
        value = bound_field.value()
        if isinstance(widget, forms.CheckboxInput):
            if value:
                data[bound_field.html_name] = "on"
            continue
        formatted = widget.format_value(value)
        data[bound_field.html_name] = "" if formatted is None else formatted
    return data


def local(value, fmt="%Y-%m-%d %H:%M"):
    """A datetime as the admin's date-time widget shows it (in the current time zone)."""
    return timezone.localtime(value).strftime(fmt)


# Create and edit ---------------------------------------------------------------------------


def test_social_enterprise_round_trips_through_admin_create_and_edit(admin_client):
    sectors = english_terms(directory.Sector, "Q", "I")
    sdgs = english_terms(directory.Sdg, 8, 10)
    target_groups = english_terms(directory.TargetGroup, "long-term-unemployed")
    offers = english_terms(directory.Term, "training")
    needs = english_terms(directory.Term, "funding", "mentoring")
    status = english_terms(directory.RecognisedStatus, "dk-rsv").get()

    response = admin_client.post(
        admin_url(directory.SocialEnterprise, "add"),
        {
            "name": "Café Exit",
            "slug": "cafe-exit",
            "summary": "A café run by people leaving prison.",
            "description": rich_text("<p>Coffee and <b>second chances</b>.</p>"),
            "legal_form": "ApS",
            "recognised_status": str(status.pk),
            "founded_year": "2012",
            "employees": "14",
            "country": "DK",
            "city": "Copenhagen",
            "postal_code": "2200",
            "address": "Nørrebrogade 1",
            "latitude": "55.686100",
            "longitude": "12.556200",
            "website": "https://cafe-exit.example",
            "email": "hello@cafe-exit.example",
            "phone": "+45 12 34 56 78",
            "contact_name": "Mette Private",
            "contact_email": "mette@private.example",
            "sectors": pks(sectors),
            "sdgs": pks(sdgs),
            "target_groups": pks(target_groups),
            "languages": ["en", "da"],
            "seeking_partners": "on",
            "offers": pks(offers),
            "needs": pks(needs),
            "last_verified": "2024-03-01",
            "action-publish": "action-publish",
        },
    )

    assert response.status_code == 302
    enterprise = directory.SocialEnterprise.objects.get(slug="cafe-exit")
    assert enterprise.live
    assert enterprise.locale.language_code == "en"
    assert enterprise.name == "Café Exit"
    assert "<b>second chances</b>" in enterprise.description
    assert enterprise.recognised_status == status
    assert (enterprise.founded_year, enterprise.employees) == (2012, 14)
    assert enterprise.country.code == "DK"
    assert enterprise.latitude == Decimal("55.686100")
    assert enterprise.contact_email == "mette@private.example"
    assert set(enterprise.sectors.all()) == set(sectors)
    assert set(enterprise.sdgs.all()) == set(sdgs)
    assert set(enterprise.target_groups.all()) == set(target_groups)
    assert set(enterprise.offers.all()) == set(offers)
    assert set(enterprise.needs.all()) == set(needs)
    assert enterprise.languages == ["en", "da"]
    assert enterprise.seeking_partners
    assert enterprise.last_verified == datetime.date(2024, 3, 1)

    edit_url = admin_url(directory.SocialEnterprise, "edit", enterprise.pk)
    form = admin_client.get(edit_url).context["form"]
    data = post_data_from(form)
    assert sorted(data["sectors"]) == sorted(pks(sectors))
    assert data["languages"] == ["en", "da"]

    data.update(
        name="Café Exit Nørrebro",
        sdgs=pks(english_terms(directory.Sdg, 8)),
        languages=["en", "da", "sv"],
    )
    data.pop("seeking_partners")
    data["action-publish"] = "action-publish"
    response = admin_client.post(edit_url, data)

    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.name == "Café Exit Nørrebro"
    assert list(enterprise.sdgs.values_list("number", flat=True)) == [8]
    assert enterprise.languages == ["en", "da", "sv"]
    assert not enterprise.seeking_partners
    # Everything the editor did not touch survives the round trip.
    assert set(enterprise.sectors.all()) == set(sectors)
    assert set(enterprise.needs.all()) == set(needs)
    assert enterprise.recognised_status == status
    assert "<b>second chances</b>" in enterprise.description
    assert enterprise.contact_email == "mette@private.example"
    assert enterprise.revisions.count() == 2


def test_support_organisation_round_trips_through_admin_create_and_edit(admin_client):
    support_types = english_terms(directory.SupportType, "incubator", "funder")
    sectors = english_terms(directory.Sector, "P")

    response = admin_client.post(
        admin_url(directory.SupportOrganisation, "add"),
        {
            "name": "Sociālās inovācijas centrs",
            "slug": "social-innovation-centre",
            "summary": "Supports social innovation in Latvia.",
            "description": rich_text("<p>Training and advice.</p>"),
            "support_types": pks(support_types),
            "countries_served": ["LV", "EE"],
            "country": "LV",
            "city": "Riga",
            "sectors": pks(sectors),
            "languages": ["lv", "en"],
            "offers": pks(english_terms(directory.Term, "training")),
            "contact_email": "office@private.example",
            "action-publish": "action-publish",
        },
    )

    assert response.status_code == 302
    organisation = directory.SupportOrganisation.objects.get(slug="social-innovation-centre")
    assert organisation.live
    assert set(organisation.support_types.all()) == set(support_types)
    assert {country.code for country in organisation.countries_served} == {"LV", "EE"}
    assert set(organisation.sectors.all()) == set(sectors)
    assert organisation.languages == ["lv", "en"]
    assert list(organisation.offers.values_list("slug", flat=True)) == ["training"]

    edit_url = admin_url(directory.SupportOrganisation, "edit", organisation.pk)
    data = post_data_from(admin_client.get(edit_url).context["form"])
    data.update(
        city="Rīga",
        support_types=pks(english_terms(directory.SupportType, "funder")),
        countries_served=["LV", "EE", "LT"],
    )
    data["action-publish"] = "action-publish"
    response = admin_client.post(edit_url, data)

    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.city == "Rīga"
    assert list(organisation.support_types.values_list("slug", flat=True)) == ["funder"]
    assert {country.code for country in organisation.countries_served} == {"LV", "EE", "LT"}
    assert organisation.languages == ["lv", "en"]
    assert set(organisation.sectors.all()) == set(sectors)


def test_event_round_trips_through_admin_create_and_edit(admin_client):
    organiser = factories.SocialEnterpriseFactory(name="BISER")
    event_type = english_terms(directory.EventType, "meeting").get()
    topics = english_terms(directory.Topic, "collaboration", "funding")

    response = admin_client.post(
        admin_url(directory.Event, "add"),
        {
            "title": "Mid-term partner meeting",
            "slug": "mid-term-partner-meeting",
            "summary": "Hybrid meeting of the project partners.",
            "description": rich_text("<p>Gdańsk in person; Denmark and Estonia online.</p>"),
            "language": "en",
            "start": "2022-01-24 10:00",
            "end": "2022-01-24 16:00",
            "time_zone": "Europe/Warsaw",
            "format": "hybrid",
            "status": "scheduled",
            "event_type": str(event_type.pk),
            "topics": pks(topics),
            "country": "PL",
            "city": "Gdańsk",
            "venue": "BISER office",
            "online_url": "https://meet.example/sesn",
            "organiser_enterprise": str(organiser.pk),
            "contact_email": "events@private.example",
            "action-publish": "action-publish",
        },
    )

    assert response.status_code == 302
    event = directory.Event.objects.get(slug="mid-term-partner-meeting")
    assert event.live
    assert event.format == directory.EventFormat.HYBRID
    assert event.event_type == event_type
    assert set(event.topics.all()) == set(topics)
    assert event.organiser_enterprise == organiser
    # The admin shows and reads times in the site's time zone (settings.TIME_ZONE).
    assert local(event.start) == "2022-01-24 10:00"
    assert event.end - event.start == datetime.timedelta(hours=6)

    edit_url = admin_url(directory.Event, "edit", event.pk)
    data = post_data_from(admin_client.get(edit_url).context["form"])
    assert data["start"] == "2022-01-24 10:00"
    data.update(status="moved_online", format="online", end="2022-01-24 18:00", topics=[])
    data["action-publish"] = "action-publish"
    response = admin_client.post(edit_url, data)

    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.status, event.format) == ("moved_online", "online")
    assert event.end - event.start == datetime.timedelta(hours=8)
    assert not event.topics.exists()
    assert event.event_type == event_type
    assert event.organiser_enterprise == organiser


def test_entry_saved_without_publish_action_is_a_draft(admin_client):
    response = admin_client.post(
        admin_url(directory.SocialEnterprise, "add"),
        {"name": "Draft Enterprise", "slug": "draft-enterprise", "languages": ["en"]},
    )

    assert response.status_code == 302
    enterprise = directory.SocialEnterprise.objects.get(slug="draft-enterprise")
    assert not enterprise.live
    assert enterprise.latest_revision is not None
    assert enterprise.live_revision is None
    assert enterprise not in directory.SocialEnterprise.objects.public()


def test_draft_edit_of_live_entry_waits_in_a_revision(admin_client):
    enterprise = factories.SocialEnterpriseFactory(name="Live Name")
    enterprise.save_revision().publish()
    edit_url = admin_url(directory.SocialEnterprise, "edit", enterprise.pk)
    data = post_data_from(admin_client.get(edit_url).context["form"])
    data["name"] = "Draft Name"

    response = admin_client.post(edit_url, data)

    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.name == "Live Name"
    assert enterprise.has_unpublished_changes
    assert enterprise.get_latest_revision_as_object().name == "Draft Name"


def vocabulary_form(model, code):
    data = {"name": "Test term", "sort_order": "5"}
    data[model.code_field] = str(code)
    if "sort_order" not in [panel.field_name for panel in model.panels]:
        del data["sort_order"]
    return data


def new_code(model):
    """A code the migrations did not seed: NACE sections and SDGs are complete, so free one."""
    if model is directory.Sector:
        english_terms(model, "U").delete()
        return "U"
    if model is directory.Sdg:
        english_terms(model, 17).delete()
        return 17
    return "test-term"


@pytest.mark.parametrize("model", directory.VOCABULARY_MODELS, ids=lambda m: m.__name__)
def test_vocabulary_term_round_trips_through_admin_create_and_edit(admin_client, model):
    code = new_code(model)

    response = admin_client.post(admin_url(model, "add"), vocabulary_form(model, code))

    assert response.status_code == 302
    term = model.objects.get(**{model.code_field: code})
    assert term.name == "Test term"
    assert term.locale.language_code == "en"

    edit_url = admin_url(model, "edit", term.pk)
    data = post_data_from(admin_client.get(edit_url).context["form"])
    assert data[model.code_field] == str(code)
    data["name"] = "Renamed term"
    response = admin_client.post(edit_url, data)

    assert response.status_code == 302
    term.refresh_from_db()
    assert term.name == "Renamed term"
    assert str(getattr(term, model.code_field)) == str(code)


# Listing, filters, search, export ----------------------------------------------------------


@pytest.fixture
def enterprises():
    danish = factories.SocialEnterpriseFactory(
        name="Copenhagen Bikes", slug="copenhagen-bikes", country="DK", sectors=["G"]
    )
    latvian = factories.SocialEnterpriseFactory(
        name="Riga Bakery", slug="riga-bakery", country="LV", city="Riga", sectors=["I"]
    )
    draft = factories.SocialEnterpriseFactory(
        name="Tallinn Draft", slug="tallinn-draft", country="EE", live=False
    )
    return danish, latvian, draft


def listed_names(response):
    return {str(item) for item in response.context["object_list"]}


def test_enterprise_listing_filters_by_country(admin_client, enterprises):
    response = admin_client.get(admin_url(directory.SocialEnterprise, "list"), {"country": "DK"})

    assert response.status_code == 200
    assert listed_names(response) == {"Copenhagen Bikes"}
    assert "Riga Bakery" not in response.content.decode()


def test_enterprise_listing_filters_by_sector(admin_client, enterprises):
    sector = english_terms(directory.Sector, "I").get()

    response = admin_client.get(
        admin_url(directory.SocialEnterprise, "list"), {"sectors": sector.pk}
    )

    assert listed_names(response) == {"Riga Bakery"}


def test_enterprise_listing_filters_by_live_status(admin_client, enterprises):
    response = admin_client.get(admin_url(directory.SocialEnterprise, "list"), {"live": "false"})

    assert listed_names(response) == {"Tallinn Draft"}


def test_enterprise_listing_search_finds_by_name(admin_client, enterprises):
    response = admin_client.get(admin_url(directory.SocialEnterprise, "list"), {"q": "bakery"})

    assert listed_names(response) == {"Riga Bakery"}
    assert "Copenhagen Bikes" not in response.content.decode()


def test_event_listing_filters_by_format(admin_client):
    factories.EventFactory(title="Webinar on impact", format="online")
    factories.EventFactory(title="Workshop in Gdańsk", format="in_person")

    response = admin_client.get(admin_url(directory.Event, "list"), {"format": "online"})

    assert listed_names(response) == {"Webinar on impact"}


def test_vocabulary_listing_search_finds_terms_by_name(admin_client):
    response = admin_client.get(admin_url(directory.Sector, "list"), {"q": "health"})

    assert [term.code for term in response.context["object_list"]] == ["Q"]
    assert "Human health and social work activities" in response.content.decode()
    assert "Mining and quarrying" not in response.content.decode()


def xlsx_rows(response):
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    header, *rows = workbook.active.iter_rows(values_only=True)
    return [dict(zip(header, row, strict=True)) for row in rows]


def csv_rows(response):
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(content)))


def test_enterprise_csv_export_has_the_filtered_rows(admin_client, enterprises):
    response = admin_client.get(
        admin_url(directory.SocialEnterprise, "list"), {"export": "csv", "country": "DK"}
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "social-enterprises.csv" in response["Content-Disposition"]
    rows = csv_rows(response)
    assert [row["Name"] for row in rows] == ["Copenhagen Bikes"]
    assert rows[0]["Slug"] == "copenhagen-bikes"


def test_enterprise_xlsx_export_has_one_row_per_entry(admin_client, enterprises):
    response = admin_client.get(admin_url(directory.SocialEnterprise, "list"), {"export": "xlsx"})

    assert response.status_code == 200
    assert "social-enterprises.xlsx" in response["Content-Disposition"]
    rows = xlsx_rows(response)
    assert [row["Name"] for row in rows] == ["Copenhagen Bikes", "Riga Bakery", "Tallinn Draft"]
    assert [row["Country"] for row in rows] == ["DK", "LV", "EE"]


def test_event_xlsx_export_has_the_events(admin_client):
    factories.EventFactory(title="Final evaluation meeting", city="Vilnius", country="LT")

    response = admin_client.get(admin_url(directory.Event, "list"), {"export": "xlsx"})

    rows = xlsx_rows(response)
    assert [(row["Title"], row["City"]) for row in rows] == [
        ("Final evaluation meeting", "Vilnius")
    ]


def test_vocabulary_csv_export_lists_every_term(admin_client):
    response = admin_client.get(admin_url(directory.Sector, "list"), {"export": "csv"})

    rows = csv_rows(response)
    assert len(rows) == directory.Sector.objects.count() == 21
    assert {
        "NACE section": "Q",
        "Name": "Human health and social work activities",
        "Locale": "English",
    } in rows


# Invalid forms -----------------------------------------------------------------------------


def event_form(**overrides):
    return {
        "title": "Development workshop",
        "slug": "development-workshop",
        "language": "en",
        "start": "2022-06-01 09:00",
        "end": "2022-06-01 17:00",
        "time_zone": "Europe/Copenhagen",
        "format": "in_person",
        "status": "scheduled",
        "action-publish": "action-publish",
        **overrides,
    }


def test_event_ending_before_it_starts_is_rejected_and_nothing_is_saved(admin_client):
    response = admin_client.post(
        admin_url(directory.Event, "add"), event_form(end="2022-05-31 17:00")
    )

    assert response.status_code == 200
    assert "The event cannot end before it starts." in response.content.decode()
    assert "end" in response.context["form"].errors
    assert not directory.Event.objects.exists()


def test_non_english_event_without_english_summary_is_rejected(admin_client):
    response = admin_client.post(
        admin_url(directory.Event, "add"), event_form(language="da", english_summary=" ")
    )

    assert response.status_code == 200
    assert "An event not held in English needs an English summary." in response.content.decode()
    assert not directory.Event.objects.exists()


def test_non_english_event_with_english_summary_is_accepted(admin_client):
    response = admin_client.post(
        admin_url(directory.Event, "add"),
        event_form(language="da", english_summary="A workshop for partners."),
    )

    assert response.status_code == 302
    assert directory.Event.objects.get().language == "da"


def test_event_with_unknown_time_zone_is_rejected(admin_client):
    response = admin_client.post(
        admin_url(directory.Event, "add"), event_form(time_zone="Europe/Atlantis")
    )

    assert response.status_code == 200
    assert "time_zone" in response.context["form"].errors
    assert not directory.Event.objects.exists()


def test_invalid_edit_leaves_the_live_event_unchanged(admin_client):
    event = factories.EventFactory(title="Partner meeting")
    event.save_revision().publish()
    edit_url = admin_url(directory.Event, "edit", event.pk)
    data = post_data_from(admin_client.get(edit_url).context["form"])
    data.update(title="Changed title", end=local(event.start - datetime.timedelta(days=1)))
    data["action-publish"] = "action-publish"

    response = admin_client.post(edit_url, data)

    assert response.status_code == 200
    assert "The event cannot end before it starts." in response.content.decode()
    event.refresh_from_db()
    assert event.title == "Partner meeting"
    assert event.revisions.count() == 1


def test_invalid_nace_code_is_rejected_and_nothing_is_saved(admin_client):
    before = directory.Sector.objects.count()

    response = admin_client.post(
        admin_url(directory.Sector, "add"), {"code": "Z", "name": "Not a section", "sort_order": 0}
    )

    assert response.status_code == 200
    assert "A NACE Rev. 2 section letter, A to U." in response.content.decode()
    assert directory.Sector.objects.count() == before


def test_sdg_number_outside_1_to_17_is_rejected(admin_client):
    before = directory.Sdg.objects.count()

    response = admin_client.post(admin_url(directory.Sdg, "add"), {"number": 18, "name": "X"})

    assert response.status_code == 200
    assert "number" in response.context["form"].errors
    assert directory.Sdg.objects.count() == before


def test_unknown_working_language_is_rejected(admin_client):
    response = admin_client.post(
        admin_url(directory.SocialEnterprise, "add"),
        {"name": "Lingua", "slug": "lingua", "languages": ["en", "xx"]},
    )

    assert response.status_code == 200
    assert "languages" in response.context["form"].errors
    assert not directory.SocialEnterprise.objects.filter(slug="lingua").exists()


def test_duplicate_enterprise_slug_is_a_form_error(admin_client):
    """The slug is unique per locale; the admin has no locale field, so Django's form validation
    skips that constraint unless the model checks it."""
    factories.SocialEnterpriseFactory(slug="cafe-exit")

    response = admin_client.post(
        admin_url(directory.SocialEnterprise, "add"), {"name": "Café Exit 2", "slug": "cafe-exit"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors
    assert directory.SocialEnterprise.objects.filter(slug="cafe-exit").count() == 1


def test_duplicate_vocabulary_code_is_a_form_error(admin_client):
    response = admin_client.post(
        admin_url(directory.TargetGroup, "add"),
        {"name": "Youth", "slug": "youth", "sort_order": 0},
    )

    assert response.status_code == 200
    assert response.context["form"].errors
    assert english_terms(directory.TargetGroup, "youth").count() == 1


# Preview -----------------------------------------------------------------------------------


def test_enterprise_preview_shows_public_fields_and_labels_but_no_private_contact(admin_client):
    enterprise = factories.SocialEnterpriseFactory(
        name="Café Exit",
        contact_name="Mette Private",
        contact_email="mette@private.example",
        email="hello@cafe-exit.example",
        sectors=["Q"],
    )
    preview_url = admin_url(directory.SocialEnterprise, "preview_on_edit", enterprise.pk)
    edit_url = admin_url(directory.SocialEnterprise, "edit", enterprise.pk)
    data = post_data_from(admin_client.get(edit_url).context["form"])
    data.update(
        summary="Previewed summary",
        sdgs=pks(english_terms(directory.Sdg, 10)),
        recognised_status=pks(english_terms(directory.RecognisedStatus, "dk-rsv"))[0],
    )

    assert admin_client.post(preview_url, data).json() == {"is_valid": True, "is_available": True}
    response = admin_client.get(preview_url)

    html = response.content.decode()
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "directory/social_enterprise.html"
    assert "Café Exit" in html
    assert "Previewed summary" in html
    assert "hello@cafe-exit.example" in html
    assert "Human health and social work activities" in html
    assert "Reduced inequalities" in html
    assert "Registered social enterprise (Denmark, RSV)" in html
    assert "mette@private.example" not in html
    assert "Mette Private" not in html


def test_support_organisation_preview_has_no_private_contact(admin_client):
    organisation = factories.SupportOrganisationFactory(
        name="Involved NGO", contact_name="Kadri Private", contact_email="kadri@private.example"
    )
    organisation.support_types.set(english_terms(directory.SupportType, "network"))
    organisation.save()
    preview_url = admin_url(directory.SupportOrganisation, "preview_on_edit", organisation.pk)
    edit_url = admin_url(directory.SupportOrganisation, "edit", organisation.pk)
    data = post_data_from(admin_client.get(edit_url).context["form"])

    admin_client.post(preview_url, data)
    response = admin_client.get(preview_url)

    html = response.content.decode()
    assert [t.name for t in response.templates][0] == "directory/support_organisation.html"
    assert "Involved NGO" in html
    assert str(english_terms(directory.SupportType, "network").get()) in html
    assert "kadri@private.example" not in html
    assert "Kadri Private" not in html


def test_event_preview_on_create_shows_the_event_without_private_contact(admin_client):
    preview_url = admin_url(directory.Event, "preview_on_add")
    data = event_form(
        language="da",
        english_summary="A workshop for partners, held in Danish.",
        event_type=pks(english_terms(directory.EventType, "workshop"))[0],
        venue="Folkehuset",
        contact_name="Jens Private",
        contact_email="jens@private.example",
    )

    assert admin_client.post(preview_url, data).json() == {"is_valid": True, "is_available": True}
    response = admin_client.get(preview_url)

    html = response.content.decode()
    assert [t.name for t in response.templates][0] == "directory/event.html"
    assert "Development workshop" in html
    assert "A workshop for partners, held in Danish." in html
    assert "Folkehuset" in html
    assert str(english_terms(directory.EventType, "workshop").get()) in html
    assert "jens@private.example" not in html
    assert "Jens Private" not in html
    assert not directory.Event.objects.exists()
