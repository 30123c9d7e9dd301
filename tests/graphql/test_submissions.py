"""`submitEnterprise` and `submitEvent`: public proposals become drafts awaiting moderation.

A valid submission is stored as a draft in the "Moderators approval" workflow and announced to
the active moderators by e-mail; it never becomes public by itself. Invalid input stores
nothing and answers with one error per field. A filled honeypot looks like success and does
nothing; past GRAPHQL_SUBMISSIONS_PER_HOUR a client address is refused with RATE_LIMITED.
"""

import datetime
import uuid
import zoneinfo

from django.core import mail

from wagtail.models import Locale, WorkflowState

import pytest

from directory import models
from tests import factories

pytestmark = pytest.mark.django_db

SUBMIT_ENTERPRISE = """
mutation($input: SubmitEnterpriseInput!) {
  submitEnterprise(input: $input) { ok reference errors { field message } }
}
"""

SUBMIT_EVENT = """
mutation($input: SubmitEventInput!) {
  submitEvent(input: $input) { ok reference errors { field message } }
}
"""

ENTERPRISE = {
    "name": "Bałtycki Rower Workshop",
    "summary": "Repairs bikes and trains young people.",
    "description": "We repair bikes.\n\nAnd we train <b>young</b> people.",
    "country": "pl",
    "city": "Gdańsk",
    "website": "rower.example",
    "email": "hello@rower.example",
    "contactName": "Anna Nowak",
    "contactEmail": "anna.private@rower.example",
    "sectors": ["s", "Q"],
    "sdgs": [8, 10],
    "offers": ["training"],
    "needs": ["funding"],
    "seekingPartners": True,
}

EVENT = {
    "title": "Social economy forum",
    "summary": "Two days on social procurement.",
    "description": "Talks and workshops.",
    "start": "2030-05-30T10:00:00+02:00",
    "end": "2030-05-30T16:00:00+02:00",
    "timeZone": "Europe/Warsaw",
    "format": "HYBRID",
    "eventType": "forum",
    "topics": ["public-procurement"],
    "country": "PL",
    "city": "Gdańsk",
    "venue": "European Solidarity Centre",
    "onlineUrl": "https://meet.example/forum",
    "registrationUrl": "https://forum.example/register",
    "contactName": "Jan Kowalski",
    "contactEmail": "jan.private@forum.example",
}


def submit_enterprise(gql, **changes):
    body = gql(SUBMIT_ENTERPRISE, {"input": {**ENTERPRISE, **changes}})
    return body["data"]["submitEnterprise"]


def submit_event(gql, **changes):
    body = gql(SUBMIT_EVENT, {"input": {**EVENT, **changes}})
    return body["data"]["submitEvent"]


def field_errors(result):
    return {error["field"]: error["message"] for error in result["errors"]}


def our_mails():
    """Our announcements; Wagtail's own workflow notification is sent as well."""
    return [message for message in mail.outbox if "awaiting moderation" in message.subject]


@pytest.fixture
def moderators(user_in_group):
    first = user_in_group("Moderators", username="moderator-1")
    second = user_in_group("Moderators", username="moderator-2")
    second.email = "second-moderator@example.com"
    second.save()
    retired = user_in_group("Moderators", username="retired")
    retired.email = "retired@example.com"
    retired.is_active = False
    retired.save()
    user_in_group("Editors")
    return [first, second]


@pytest.fixture
def gql(gql, django_capture_on_commit_callbacks):
    """Each request as outside the test transaction: what waits for the commit runs after it."""

    def run(*args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return gql(*args, **kwargs)

    return run


# Enterprises --------------------------------------------------------------------------------


def test_submitted_enterprise_is_a_draft_in_the_moderation_workflow(gql, moderators):
    result = submit_enterprise(gql)

    assert result["ok"] is True
    assert result["errors"] == []
    enterprise = models.SocialEnterprise.objects.get()
    assert result["reference"] == str(enterprise.translation_key)
    assert enterprise.slug == "baltycki-rower-workshop"
    assert enterprise.locale.language_code == "en"
    assert not enterprise.live
    assert not models.SocialEnterprise.objects.public().exists()
    assert enterprise.latest_revision is not None
    state = enterprise.current_workflow_state
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.workflow.name == "Moderators approval"
    assert enterprise.contact_email == "anna.private@rower.example"
    assert enterprise.website == "https://rower.example"
    assert enterprise.country == "PL"
    assert enterprise.seeking_partners is True
    assert sorted(enterprise.sectors.values_list("code", flat=True)) == ["Q", "S"]
    assert {sector.locale.language_code for sector in enterprise.sectors.all()} == {"en"}
    assert sorted(enterprise.sdgs.values_list("number", flat=True)) == [8, 10]
    assert list(enterprise.offers.values_list("slug", flat=True)) == ["training"]
    assert list(enterprise.needs.values_list("slug", flat=True)) == ["funding"]


def test_submitted_markup_is_stored_as_text(gql, moderators):
    submit_enterprise(gql)

    description = models.SocialEnterprise.objects.get().description
    assert description == (
        "<p>We repair bikes.</p><p>And we train &lt;b&gt;young&lt;/b&gt; people.</p>"
    )


def test_line_breaks_in_one_line_fields_become_spaces(gql, moderators):
    result = submit_enterprise(gql, name="Bike\nWorkshop\r\nBcc: x@spam.example")

    assert result["ok"] is True
    assert models.SocialEnterprise.objects.get().name == "Bike Workshop Bcc: x@spam.example"
    assert "\n" not in our_mails()[0].subject


def test_submitted_enterprise_is_not_served_by_the_api(gql, moderators):
    submit_enterprise(gql)

    body = gql('{ enterprise(slug: "baltycki-rower-workshop") { name } }')
    assert body["data"]["enterprise"] is None


def test_active_moderators_get_an_email_with_the_admin_edit_link(gql, moderators):
    result = submit_enterprise(gql)

    enterprise = models.SocialEnterprise.objects.get()
    mails = our_mails()
    assert sorted(address for message in mails for address in message.to) == sorted(
        user.email for user in moderators
    )
    message = mails[0]
    edit_url = f"http://testserver/admin/snippets/directory/socialenterprise/edit/{enterprise.pk}/"
    assert edit_url in message.body
    assert result["reference"] in message.body
    assert "Bałtycki Rower Workshop" in message.subject
    assert message.reply_to == ["anna.private@rower.example"]


def test_submission_in_another_language_is_a_draft_in_that_locale(gql, moderators):
    result = submit_enterprise(gql, locale="pl", name="Warsztat Rowerowy")

    assert result["ok"] is True
    enterprise = models.SocialEnterprise.objects.get()
    assert enterprise.locale.language_code == "pl"
    assert enterprise.slug == "warsztat-rowerowy"


def test_invalid_enterprise_gets_one_error_per_field_and_nothing_is_stored(gql, moderators):
    result = submit_enterprise(
        gql,
        name="  ",
        country="XX",
        email="not an address",
        contactEmail=None,
        sectors=["Q", "Z"],
        sdgs=[18],
        offers=["teleportation"],
        summary="x" * 501,
    )

    assert result["ok"] is False
    assert result["reference"] is None
    errors = field_errors(result)
    assert set(errors) == {
        "name",
        "country",
        "email",
        "contactEmail",
        "sectors",
        "sdgs",
        "offers",
        "summary",
    }
    assert errors["name"] == "This field is required."
    assert "XX" in errors["country"]
    assert errors["sectors"] == "Unknown sectors: Z."
    assert errors["sdgs"] == "Unknown sdgs: 18."
    assert "500" in errors["summary"]
    assert not models.SocialEnterprise.objects.exists()
    assert mail.outbox == []


def test_submission_cannot_ask_to_be_published(gql, moderators):
    body = gql(SUBMIT_ENTERPRISE, {"input": {**ENTERPRISE, "live": True}}, expect_errors=True)

    assert body["errors"]
    assert not models.SocialEnterprise.objects.exists()


def test_filled_honeypot_answers_like_success_but_stores_and_sends_nothing(gql, moderators):
    result = submit_enterprise(gql, homepage="https://spam.example")

    assert result["ok"] is True
    assert result["errors"] == []
    assert uuid.UUID(result["reference"])
    assert not models.SocialEnterprise.objects.exists()
    assert mail.outbox == []


# Rate limit ---------------------------------------------------------------------------------


def test_submissions_past_the_hourly_limit_are_refused(gql, settings, moderators):
    settings.GRAPHQL_SUBMISSIONS_PER_HOUR = 2
    submit_enterprise(gql, name="First")
    submit_enterprise(gql, name="Second", homepage="spam counts too")

    body = gql(SUBMIT_ENTERPRISE, {"input": {**ENTERPRISE, "name": "Third"}}, expect_errors=True)

    assert body["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert "2" in body["errors"][0]["message"]
    assert list(models.SocialEnterprise.objects.values_list("name", flat=True)) == ["First"]
    other_client = gql(
        SUBMIT_ENTERPRISE,
        {"input": {**ENTERPRISE, "name": "Elsewhere"}},
        REMOTE_ADDR="203.0.113.9",
    )
    assert other_client["data"]["submitEnterprise"]["ok"] is True


def test_forwarded_for_header_is_ignored_without_a_proxy(gql, settings, moderators):
    settings.GRAPHQL_SUBMISSIONS_PER_HOUR = 1
    submit_enterprise(gql, name="First")

    body = gql(
        SUBMIT_ENTERPRISE,
        {"input": {**ENTERPRISE, "name": "Forged"}},
        expect_errors=True,
        HTTP_X_FORWARDED_FOR="198.51.100.1",
    )

    assert body["errors"][0]["extensions"]["code"] == "RATE_LIMITED"


def test_behind_a_proxy_the_address_it_adds_is_the_client(gql, settings, moderators):
    settings.GRAPHQL_SUBMISSIONS_PER_HOUR = 1
    settings.TRUSTED_PROXY_COUNT = 1
    proxied = {"HTTP_X_FORWARDED_FOR": "10.0.0.1, 198.51.100.1"}
    gql(SUBMIT_ENTERPRISE, {"input": {**ENTERPRISE, "name": "First"}}, **proxied)

    forged_first_entry = gql(
        SUBMIT_ENTERPRISE,
        {"input": {**ENTERPRISE, "name": "Forged"}},
        expect_errors=True,
        HTTP_X_FORWARDED_FOR="10.0.0.2, 198.51.100.1",
    )
    another_client = gql(
        SUBMIT_ENTERPRISE,
        {"input": {**ENTERPRISE, "name": "Another"}},
        HTTP_X_FORWARDED_FOR="198.51.100.2",
    )

    assert forged_first_entry["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert another_client["data"]["submitEnterprise"]["ok"] is True


def test_mutations_are_refused_over_get(client, moderators):
    response = client.get(
        "/graphql/",
        {"query": 'mutation { submitEnterprise(input: {name: "Sneaky"}) { ok } }'},
    )

    assert response.status_code == 405
    assert not models.SocialEnterprise.objects.exists()


# Events -------------------------------------------------------------------------------------


def test_submitted_event_is_a_draft_with_its_time_zone(gql, moderators):
    result = submit_event(gql)

    assert result == {
        "ok": True,
        "errors": [],
        "reference": result["reference"],
    }
    event = models.Event.objects.get()
    assert result["reference"] == str(event.translation_key)
    assert not event.live
    assert event.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    assert event.start == datetime.datetime(2030, 5, 30, 8, tzinfo=datetime.UTC)
    assert event.end == datetime.datetime(2030, 5, 30, 14, tzinfo=datetime.UTC)
    assert event.time_zone == "Europe/Warsaw"
    assert event.status == models.EventStatus.SCHEDULED
    assert event.format == models.EventFormat.HYBRID
    assert event.event_type.slug == "forum"
    assert list(event.topics.values_list("slug", flat=True)) == ["public-procurement"]
    assert event.slug == "social-economy-forum"
    assert event.contact_email == "jan.private@forum.example"
    mails = our_mails()
    assert sorted(message.to[0] for message in mails) == sorted(user.email for user in moderators)
    assert f"/admin/snippets/directory/event/edit/{event.pk}/" in mails[0].body


def test_event_time_without_offset_is_local_time_in_its_zone(gql, moderators):
    submit_event(gql, start="2030-01-15T10:00:00", end=None, timeZone="Europe/Riga")

    event = models.Event.objects.get()
    riga = zoneinfo.ZoneInfo("Europe/Riga")
    assert event.start == datetime.datetime(2030, 1, 15, 10, tzinfo=riga)
    assert event.end is None


def test_event_not_in_english_needs_an_english_summary(gql, moderators):
    refused = submit_event(gql, locale="pl", title="Forum ekonomii społecznej")

    assert refused["ok"] is False
    assert set(field_errors(refused)) == {"englishSummary"}
    assert not models.Event.objects.exists()

    accepted = submit_event(
        gql,
        locale="pl",
        title="Forum ekonomii społecznej",
        englishSummary="A forum on the social economy, in Polish.",
    )

    assert accepted["ok"] is True
    event = models.Event.objects.get()
    assert event.language == "pl"
    assert event.locale.language_code == "pl"
    assert event.slug == "forum-ekonomii-spolecznej"


def test_english_submission_about_a_danish_event_needs_an_english_summary(gql, moderators):
    result = submit_event(gql, language="da")

    assert field_errors(result) == {
        "englishSummary": "An event not held in English needs an English summary."
    }


def test_event_requires_what_the_calendar_rules_require(gql, moderators):
    result = submit_event(
        gql,
        title="",
        description=None,
        start=None,
        timeZone="Mars/Olympus",
        format=None,
        contactName=None,
        contactEmail="nobody",
        country=None,
        city=None,
    )

    errors = field_errors(result)
    assert set(errors) == {
        "title",
        "description",
        "start",
        "timeZone",
        "format",
        "contactName",
        "contactEmail",
        "country",
        "city",
    }
    assert "IANA" in errors["timeZone"]
    assert not models.Event.objects.exists()


def test_online_event_needs_a_link_but_no_place(gql, moderators):
    result = submit_event(gql, format="ONLINE", country=None, city=None, onlineUrl=None)

    assert field_errors(result) == {"onlineUrl": "This field is required."}

    result = submit_event(gql, format="ONLINE", country=None, city=None)

    assert result["ok"] is True


def test_event_cannot_end_before_it_starts(gql, moderators):
    result = submit_event(gql, end="2030-05-30T09:00:00+02:00")

    assert field_errors(result) == {"end": "The event cannot end before it starts."}


@pytest.mark.parametrize(
    "changes",
    [
        {"start": "0001-01-01T00:00:00", "end": None},
        {"start": "0001-01-01T00:00:00+05:00", "end": None},
        {"start": "1999-12-31T12:00:00+00:00", "end": None},
        {"start": "9999-12-31T23:00:00-05:00", "end": None},
        {"start": "9999-12-31T23:59:59", "end": None, "timeZone": "Pacific/Kiritimati"},
    ],
)
def test_event_start_out_of_range_is_a_field_error_and_nothing_is_stored(gql, moderators, changes):
    result = submit_event(gql, **changes)

    assert result["ok"] is False
    assert set(field_errors(result)) == {"start"}
    assert "2000-01-01" in field_errors(result)["start"]
    assert not models.Event.objects.exists()


@pytest.mark.parametrize("end", ["9999-12-31T23:59:59", "9999-12-31T23:00:00-05:00"])
def test_event_end_out_of_range_is_a_field_error(gql, moderators, end):
    result = submit_event(gql, end=end)

    assert set(field_errors(result)) == {"end"}
    assert not models.Event.objects.exists()


def test_event_more_than_ten_years_ahead_is_refused(gql, moderators):
    in_eleven_years = datetime.date.today().year + 11
    result = submit_event(gql, start=f"{in_eleven_years}-06-01T10:00:00", end=None)

    assert set(field_errors(result)) == {"start"}


def test_event_with_start_and_end_out_of_range_reports_both(gql, moderators):
    result = submit_event(gql, start="0001-01-01T10:00:00", end="0001-01-01T09:00:00")

    assert set(field_errors(result)) == {"start", "end"}
    assert not models.Event.objects.exists()


def test_unknown_event_type_and_topics_are_field_errors(gql, moderators):
    result = submit_event(gql, eventType="party", topics=["impact-measurement", "astrology"])

    assert field_errors(result) == {
        "eventType": "Unknown eventType: party.",
        "topics": "Unknown topics: astrology.",
    }


def test_event_slugs_never_collide_with_existing_ones(gql, moderators):
    factories.EventFactory(slug="social-economy-forum")
    polish = factories.EventFactory(slug="social-economy-forum-2")
    polish.locale = Locale.objects.get(language_code="pl")
    polish.save()

    submit_event(gql)
    submit_event(gql)

    submitted = models.Event.objects.filter(live=False).order_by("pk")
    assert list(submitted.values_list("slug", flat=True)) == [
        "social-economy-forum-3",
        "social-economy-forum-4",
    ]


def test_event_organiser_from_the_directory_is_linked(gql, moderators):
    biser = factories.SupportOrganisationFactory(slug="biser", name="BISER")
    factories.SocialEnterpriseFactory(slug="draft-only", live=False)

    unknown = submit_event(gql, organiser="draft-only")
    linked = submit_event(gql, organiser="biser")

    assert set(field_errors(unknown)) == {"organiser"}
    assert linked["ok"] is True
    assert models.Event.objects.get().organiser_organisation == biser


def test_organiser_outside_the_directory_is_named_in_the_description(gql, moderators):
    submit_event(gql, organiserName="Gdańsk Social Economy Centre")

    description = models.Event.objects.get().description
    assert description.endswith("<p>Organiser: Gdańsk Social Economy Centre</p>")
