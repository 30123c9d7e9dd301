"""Freshness of directory entries: `lastVerified`, `stale`, its filter and order, the yearly
"still correct?" e-mail with its signed links, and what editors see (README: Freshness)."""

import datetime
import json
from unittest import mock

from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from wagtail.models import ModelLogEntry, Revision, WorkflowState

import pytest
from django_tasks import default_task_backend

from directory import freshness
from directory.models import SocialEnterprise, SupportOrganisation
from directory.verification import links
from directory.verification.requests import send_verification_requests
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 15)


def days_ago(days):
    return TODAY - datetime.timedelta(days=days)


@pytest.fixture(autouse=True)
def today():
    """A fixed today, for the rule and for everything that asks it."""
    with mock.patch("directory.freshness.today", return_value=TODAY):
        yield TODAY


@pytest.fixture
def gql(client, django_capture_on_commit_callbacks):
    def run(query, variables=None):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                "/graphql/",
                data=json.dumps({"query": query, "variables": variables or {}}),
                content_type="application/json",
            )
        body = response.json()
        assert "errors" not in body, body["errors"]
        return body["data"]

    return run


def enterprise(slug, verified=None, **fields):
    return factories.SocialEnterpriseFactory(slug=slug, last_verified=verified, **fields)


# The API ------------------------------------------------------------------------------------

FIELDS = """query($slug: String!) {
  enterprise(slug: $slug) { lastVerified stale }
  __type(name: "SocialEnterprise") { fields { name type { kind name ofType { name } } } }
}"""


def test_last_verified_is_a_date_and_stale_a_non_null_boolean(gql):
    enterprise("checked", verified=days_ago(10))
    data = gql(FIELDS, {"slug": "checked"})

    assert data["enterprise"] == {"lastVerified": days_ago(10).isoformat(), "stale": False}
    types = {field["name"]: field["type"] for field in data["__type"]["fields"]}
    assert types["lastVerified"] == {"kind": "SCALAR", "name": "Date", "ofType": None}
    assert types["stale"]["kind"] == "NON_NULL"
    assert types["stale"]["ofType"]["name"] == "Boolean"


def test_never_verified_entry_has_null_last_verified_and_is_stale(gql):
    enterprise("never")
    assert gql(FIELDS, {"slug": "never"})["enterprise"] == {"lastVerified": None, "stale": True}


@pytest.mark.parametrize(
    ("age", "stale"), [(0, False), (29, False), (30, False), (31, True), (400, True)]
)
def test_stale_follows_the_setting_to_the_day(gql, settings, age, stale):
    settings.DIRECTORY_STALE_AFTER_DAYS = 30
    enterprise("boundary", verified=days_ago(age))
    assert gql(FIELDS, {"slug": "boundary"})["enterprise"]["stale"] is stale


def test_stale_is_the_same_for_support_organisations(gql):
    factories.SupportOrganisationFactory(slug="org", last_verified=days_ago(366))
    query = '{ supportOrganisation(slug: "org") { lastVerified stale } }'
    assert gql(query)["supportOrganisation"] == {
        "lastVerified": days_ago(366).isoformat(),
        "stale": True,
    }


LIST = """query($filter: EnterpriseFilter, $order: DirectoryOrder) {
  enterprises(filter: $filter, order: $order) { totalCount items { slug stale } }
}"""


@pytest.fixture
def mixed():
    return [
        enterprise("fresh", verified=days_ago(1)),
        enterprise("last-year", verified=days_ago(365)),
        enterprise("old", verified=days_ago(366)),
        enterprise("never-a"),
        enterprise("never-b"),
    ]


def test_stale_filter_lists_old_and_never_verified_entries(gql, mixed):
    stale = gql(LIST, {"filter": {"stale": True}})["enterprises"]
    fresh = gql(LIST, {"filter": {"stale": False}})["enterprises"]

    assert {item["slug"] for item in stale["items"]} == {"old", "never-a", "never-b"}
    assert stale["totalCount"] == 3
    assert {item["slug"] for item in fresh["items"]} == {"fresh", "last-year"}
    assert all(item["stale"] for item in stale["items"])
    assert not any(item["stale"] for item in fresh["items"])


def test_stale_filter_on_support_organisations(gql):
    factories.SupportOrganisationFactory(slug="kept", last_verified=days_ago(3))
    factories.SupportOrganisationFactory(slug="lapsed")
    query = """{ supportOrganisations(filter: {stale: true}) { items { slug } } }"""
    assert gql(query)["supportOrganisations"]["items"] == [{"slug": "lapsed"}]


def test_recently_verified_puts_never_verified_last_with_a_stable_tiebreak(gql, mixed):
    """On this database (SQLite in `make test`, PostgreSQL in CI), NULLs last either way."""
    items = gql(LIST, {"order": "RECENTLY_VERIFIED"})["enterprises"]["items"]
    assert [item["slug"] for item in items] == ["fresh", "last-year", "old", "never-a", "never-b"]


def test_stale_facets_and_filter_agree_with_the_field(gql, mixed):
    stale = gql(LIST, {"filter": {"stale": True}, "order": "RECENTLY_VERIFIED"})
    assert [item["slug"] for item in stale["enterprises"]["items"]] == [
        "old",
        "never-a",
        "never-b",
    ]


def test_the_directory_entry_interface_has_both_fields(gql):
    enterprise("checked", verified=days_ago(2))
    query = """{ enterprises { items { ... on DirectoryEntry { lastVerified stale } } } }"""
    assert gql(query)["enterprises"]["items"] == [
        {"lastVerified": days_ago(2).isoformat(), "stale": False}
    ]


def test_freshness_fields_and_filter_cost_no_extra_query(gql, mixed, django_assert_num_queries):
    plain = "{ enterprises { totalCount items { slug } } }"
    fresh = """{ enterprises(filter: {stale: false}, order: RECENTLY_VERIFIED) {
      totalCount items { slug lastVerified stale } } }"""
    with CaptureQueriesContext(connection) as baseline:
        gql(plain)
    with django_assert_num_queries(len(baseline)):
        gql(fresh)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan")
def test_fresh_entries_by_recent_verification_read_the_verified_index(gql, mixed):
    """Fresh entries are the head of the `<entry>_by_verified` index (directory migration
    0004): a range on it, in order, never a sort of every entry."""
    query = """{ enterprises(filter: {stale: false}, order: RECENTLY_VERIFIED, limit: 2) {
      items { slug } } }"""
    with CaptureQueriesContext(connection) as captured:
        gql(query)
    [sql] = [q["sql"] for q in captured if 'FROM "directory_socialenterprise"' in q["sql"]
             and "LIMIT" in q["sql"]]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(f"EXPLAIN {sql}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("RESET enable_seqscan")
        cursor.execute("RESET enable_sort")
    assert "directory_socialenterprise_by_verified" in plan, plan
    assert "Sort" not in plan.split("directory_socialenterprise_by_verified")[0], plan


def test_the_enterprise_feed_takes_stale_as_a_parameter(client, mixed):
    """Feeds read the list's filter from the API field, so `stale` is a parameter there too."""
    body = client.get("/feeds/enterprises.atom?stale=false").content.decode()
    assert "/enterprises/fresh/" in body and "/enterprises/last-year/" in body
    assert "/enterprises/old/" not in body and "/enterprises/never-a/" not in body


# The command and its e-mails ----------------------------------------------------------------


def run_command(**options):
    call_command("send_verification_requests", stdout=mock.Mock(), **options)


def asked():
    return sorted(message.to[0] for message in mail.outbox)


def test_command_asks_published_stale_entries_with_a_contact_once(settings):
    enterprise("fresh", verified=days_ago(10), contact_email="fresh@example.com")
    enterprise("old", verified=days_ago(400), contact_email="old@example.com")
    enterprise("never", contact_email="never@example.com")
    enterprise("draft", live=False, contact_email="draft@example.com")
    enterprise("expired", expire_at=timezone.now() - datetime.timedelta(days=1),
               contact_email="expired@example.com")  # fmt: skip
    enterprise("no-contact", contact_email="")
    factories.SupportOrganisationFactory(slug="org", contact_email="org@example.com")

    run_command()
    assert asked() == ["never@example.com", "old@example.com", "org@example.com"]
    assert SocialEnterprise.objects.get(slug="old").verification_requested == TODAY

    mail.outbox.clear()
    run_command()
    assert asked() == []


def test_an_entry_is_asked_again_only_after_a_whole_period():
    enterprise("old", verified=days_ago(800), contact_email="old@example.com")
    SocialEnterprise.objects.filter(slug="old").update(verification_requested=days_ago(365))
    run_command()
    assert asked() == []

    SocialEnterprise.objects.filter(slug="old").update(verification_requested=days_ago(366))
    run_command()
    assert asked() == ["old@example.com"]


def test_one_email_per_translation_group_in_its_working_language():
    english = enterprise(
        "bike", name="Bike workshop", contact_email="bike@example.com", languages=["pl", "en"]
    )
    factories.translate_record(english, "pl", name="Warsztat rowerowy")

    run_command()
    [message] = mail.outbox
    assert message.to == ["bike@example.com"]
    assert "Warsztat rowerowy" in message.subject
    assert "Is the entry" not in message.subject  # Polish, not English
    rows = SocialEnterprise.objects.filter(translation_key=english.translation_key)
    assert {row.verification_requested for row in rows} == {TODAY}


def test_command_enqueues_one_background_task(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()
    enterprise("old", contact_email="old@example.com")
    run_command(limit=10)

    [result] = [
        result
        for result in default_task_backend.results
        if result.task.func is send_verification_requests.func
    ]
    assert result.args == [10]
    assert mail.outbox == []
    default_task_backend.clear()


def test_a_failed_email_gives_the_claim_back_so_the_next_run_asks_again():
    enterprise("old", contact_email="old@example.com")
    with mock.patch("django.core.mail.backends.locmem.EmailBackend.send_messages",
                    side_effect=OSError("down")):  # fmt: skip
        assert send_verification_requests.call() == 0
    assert SocialEnterprise.objects.get(slug="old").verification_requested is None
    run_command()
    assert asked() == ["old@example.com"]


def test_limit_spreads_a_backlog_and_dry_run_sends_nothing():
    for number in range(3):
        enterprise(f"old-{number}", contact_email=f"old-{number}@example.com")
    out = mock.Mock()
    call_command("send_verification_requests", dry_run=True, stdout=out)
    assert "3 entries" in out.write.call_args[0][0]
    assert asked() == []

    run_command(limit=2)
    assert len(asked()) == 2
    run_command(limit=2)
    assert len(asked()) == 3


def test_a_name_with_a_line_break_still_gets_its_email():
    enterprise("odd", name="Odd\nName", contact_email="odd@example.com")
    run_command()
    [message] = mail.outbox
    assert "Odd Name" in message.subject


def links_in(message):
    return [line for line in message.body.splitlines() if line.startswith("http")]


def test_email_links_to_yes_and_update_pages_and_leaves_private_data_out():
    enterprise("old", name="Old Bakery", contact_email="old@example.com", contact_name="Ann")
    run_command()
    [message] = mail.outbox
    yes, update = links_in(message)
    assert yes.startswith("http://testserver/directory/verify/")
    assert update == yes + "update/"
    assert message.body.startswith("Hello Ann,")
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"


# The signed links ---------------------------------------------------------------------------


def link(entry, language="en", view="directory-verification"):
    return reverse(view, args=[links.make_token(entry, language)])


def test_a_valid_link_shows_the_entry_and_both_answers(client):
    entry = enterprise("old", name="Old Bakery", contact_name="Ann Private")
    response = client.get(link(entry))
    text = response.content.decode()

    assert response.status_code == 200
    assert "Old Bakery" in text
    assert "Yes, it is still correct" in text
    assert "Ann Private" not in text and entry.contact_email not in text
    assert response["Cache-Control"].startswith("max-age=0")
    assert response["Referrer-Policy"] == "no-referrer"


def test_a_tampered_link_is_refused_without_naming_the_entry(client):
    entry = enterprise("old", name="Old Bakery")
    token = links.make_token(entry, "en")
    response = client.get(reverse("directory-verification", args=[token[:-2] + "xx"]))
    assert response.status_code == 404
    assert "Old Bakery" not in response.content.decode()


def test_an_expired_link_says_so(client, settings):
    entry = enterprise("old", name="Old Bakery")
    signed_at = timezone.now().timestamp() - 61 * 24 * 3600
    with mock.patch("django.core.signing.time.time", return_value=signed_at):
        url = link(entry)
    response = client.get(url)
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert "Old Bakery" not in response.content.decode()


def test_a_link_stops_working_when_the_contact_changes_or_the_entry_is_hidden(client):
    entry = enterprise("old", name="Old Bakery")
    url = link(entry)
    SocialEnterprise.objects.filter(pk=entry.pk).update(contact_email="new@example.com")
    assert client.get(url).status_code == 404

    other = enterprise("hidden", name="Hidden Bakery")
    url = link(other)
    SocialEnterprise.objects.filter(pk=other.pk).update(live=False)
    response = client.get(url)
    assert response.status_code == 404
    assert "Hidden Bakery" not in response.content.decode()


def test_a_link_is_for_verification_only():
    """The salt is its own: a token signed for anything else is not a verification link."""
    from django.core import signing

    entry = enterprise("old")
    value = {"m": entry._meta.label_lower, "pk": entry.pk, "l": "en"}
    value["c"] = links.contact_digest(entry)
    forged = signing.dumps(value, salt="directory.outreach.opt-out")
    with pytest.raises(links.LinkInvalid):
        links.read_token(forged)


# Yes ----------------------------------------------------------------------------------------


def test_yes_verifies_every_translation_as_a_logged_revision_without_moderation(client):
    entry = enterprise("old", name="Old Bakery", verified=days_ago(500))
    translation = factories.translate_record(entry, "da")
    entry.refresh_from_db()

    response = client.post(link(entry))
    assert response.status_code == 200
    assert "Thank you" in response.content.decode()
    for row in (entry, translation):
        row.refresh_from_db()
        assert row.last_verified == TODAY
        assert row.live and not row.has_unpublished_changes
        assert row.live_revision_id == row.latest_revision_id
        revision = Revision.objects.get(pk=row.latest_revision_id)
        assert revision.content["last_verified"] == TODAY.isoformat()
        [entry_log] = ModelLogEntry.objects.filter(
            object_id=str(row.pk), action="directory.verified"
        )
        assert entry_log.revision_id == revision.pk
        assert entry_log.label == str(row)
    assert not WorkflowState.objects.exists()


def test_yes_keeps_a_pending_draft_as_the_latest_revision():
    entry = enterprise("old", name="Old Bakery", verified=days_ago(500))
    entry.name = "New name awaiting review"
    draft = entry.save_revision()
    entry.refresh_from_db()

    from directory.verification.record import record_verification

    record_verification(entry)
    entry.refresh_from_db()
    assert entry.name == "Old Bakery"  # live content unchanged
    assert entry.last_verified == TODAY
    assert entry.latest_revision_id == draft.pk
    draft.refresh_from_db()
    assert draft.content["name"] == "New name awaiting review"
    assert draft.content["last_verified"] == TODAY.isoformat()


def test_yes_never_publishes_a_hidden_translation(client):
    entry = enterprise("old", verified=days_ago(500))
    draft = factories.translate_record(entry, "lv", publish=False, name="Melnraksts")
    expired = factories.translate_record(entry, "da")
    SocialEnterprise.objects.filter(pk=expired.pk).update(
        expire_at=timezone.now() - datetime.timedelta(days=1)
    )

    assert client.post(link(entry)).status_code == 200
    public = set(SocialEnterprise.objects.public().values_list("pk", flat=True))
    assert public == {entry.pk}
    for row in (draft, expired):
        row.refresh_from_db()
        assert row.last_verified == TODAY


def test_a_get_never_verifies(client):
    """Mail scanners follow links: only the button (a POST) answers yes."""
    entry = enterprise("old", verified=days_ago(500))
    client.get(link(entry))
    entry.refresh_from_db()
    assert entry.last_verified == days_ago(500)


# No, update ---------------------------------------------------------------------------------


@pytest.fixture
def moderator(user_in_group):
    return user_in_group("Moderators")


def form_data(response):
    """What the pre-filled form would post back unchanged."""
    form = response.context["form"]
    data = {}
    for name in form.fields:
        value = form.initial.get(name)
        if isinstance(value, list):
            data[name] = value
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = value or ""
    return data


def test_update_form_is_prefilled_with_the_public_data_in_the_links_language(client):
    entry = enterprise(
        "old", name="Old Bakery", summary="Bread.", description="<p>One.</p><p>Two.</p>"
    )
    factories.set_terms(entry, sectors=["Q"], offers=["mentoring"])
    response = client.get(link(entry, "de", "directory-verification-update"))
    form = response.context["form"]

    assert response.status_code == 200
    assert form.initial["name"] == "Old Bakery"
    assert form.initial["description"] == "One.\n\nTwo."
    assert form.initial["sectors"] == ["Q"]
    assert form.initial["offers"] == ["mentoring"]
    assert "contact_email" not in form.fields
    assert '<html lang="de">' in response.content.decode()


def test_update_without_changes_counts_as_yes(
    client, moderator, django_capture_on_commit_callbacks
):
    entry = enterprise("old", description="<p>Kept <b>bold</b>.</p>", verified=days_ago(500))
    url = link(entry, view="directory-verification-update")
    data = form_data(client.get(url))
    data["description"] = data["description"].replace("\n", "\r\n")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 200
    entry.refresh_from_db()
    assert entry.last_verified == TODAY
    assert not WorkflowState.objects.exists()
    assert mail.outbox == []


def test_update_with_changes_goes_to_moderation_and_leaves_the_live_entry(
    client, moderator, django_capture_on_commit_callbacks
):
    entry = enterprise("old", name="Old Bakery", description="<p>Kept <b>bold</b>.</p>")
    url = link(entry, view="directory-verification-update")
    data = {**form_data(client.get(url)), "name": "New Bakery", "sectors": ["I"]}

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 200
    assert "moderators" in response.content.decode()

    entry.refresh_from_db()
    assert entry.name == "Old Bakery" and entry.has_unpublished_changes
    state = entry.current_workflow_state
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    draft = entry.latest_revision.as_object()
    assert draft.name == "New Bakery"
    assert draft.description == "<p>Kept <b>bold</b>.</p>"  # unchanged text keeps its markup
    assert [sector.code for sector in draft.sectors.all()] == ["I"]
    assert draft.last_verified == TODAY
    assert ModelLogEntry.objects.filter(action="directory.update_proposed").count() == 1
    assert moderator.email in [address for message in mail.outbox for address in message.to]


def test_a_second_proposal_during_moderation_does_not_email_the_moderators_again(
    client, moderator, django_capture_on_commit_callbacks
):
    entry = enterprise("old", name="Old Bakery")
    url = link(entry, view="directory-verification-update")
    data = form_data(client.get(url))
    for name in ["First name", "Second name"]:
        with django_capture_on_commit_callbacks(execute=True):
            client.post(url, {**data, "name": name})
    entry.refresh_from_db()

    to_moderator = [m for m in mail.outbox if moderator.email in m.to]
    assert len(to_moderator) == 1 + 1  # ours and Wagtail's workflow notification, once
    assert WorkflowState.objects.count() == 1
    assert entry.latest_revision.as_object().name == "Second name"


def test_update_errors_are_the_submissions_field_errors(client, moderator):
    entry = enterprise("old")
    url = link(entry, "de", "directory-verification-update")
    data = {**form_data(client.get(url)), "email": "not an address", "name": "x"}
    response = client.post(url, data)

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "email" in errors
    assert "E-Mail" in errors["email"][0]  # in the link's language
    assert not Revision.objects.filter(object_id=str(entry.pk)).exists()


# Editors ------------------------------------------------------------------------------------


def test_admin_listing_filters_stale_entries(admin_client, mixed):
    url = reverse(SocialEnterprise.snippet_viewset.get_url_name("list"))
    stale = admin_client.get(url, {"stale": "true"}).context["object_list"]
    fresh = admin_client.get(url, {"stale": "false"}).context["object_list"]
    assert {row.slug for row in stale} == {"old", "never-a", "never-b"}
    assert {row.slug for row in fresh} == {"fresh", "last-year"}


def test_dashboard_counts_stale_entries(admin_client, mixed):
    enterprise("unpublished", live=False)
    factories.SupportOrganisationFactory(slug="org", last_verified=days_ago(2))
    text = admin_client.get(reverse("wagtailadmin_home")).content.decode()
    assert "3 stale social enterprises" in text
    assert "0 stale support organisations" in text
    assert reverse(SocialEnterprise.snippet_viewset.get_url_name("list")) + "?stale=true" in text


def test_freshness_rule_is_one_rule():
    assert freshness.is_stale(None)
    assert not freshness.is_stale(days_ago(365))
    assert freshness.is_stale(days_ago(366))
    rows = SupportOrganisation.objects.filter(freshness.stale_condition())
    assert str(rows.query)  # a valid condition on every database
