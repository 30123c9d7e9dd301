"""Bulk import and export of directory records (`import_directory`, `export_directory`).

Columns and rules are documented in directory/exchange/. Imports check every row first and
write nothing when one is bad; rows are matched on (external_id, locale); records are drafts
with a revision unless --publish; an export re-imports without changing anything.
"""

import csv
import io
import json
from decimal import Decimal
from unittest import mock

from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.urls import reverse

from wagtail.models import Locale, ModelLogEntry, Revision

import pytest

from directory import models as directory
from directory.exchange import revision_content
from tests import factories

pytestmark = pytest.mark.django_db

ENTERPRISE_SUMMARY = "A social enterprise that employs people far from the labour market."

ENTERPRISES_CSV = """\
external_id,name,country,city,sectors,sdgs,offers,needs,target_groups,latitude,longitude,\
seeking_partners,languages,recognised_status,founded_year,contact_name,contact_email,description
ext-1,Bike Workshop,DK,Copenhagen,Q|S,8|10,mentoring,funding,youth,55.6761,12.5683,true,da|en,\
dk-rsv,2015,Karen Private,karen@private.example,<p>Repairs <b>bikes</b>.</p>
ext-2,Green Café,PL,Gdańsk,I,12,,,,,,false,,,,,,
"""


def run(command, *args, **options):
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command(command, *args, stdout=stdout, stderr=stderr, **options)
    return stdout.getvalue(), stderr.getvalue()


def import_file(tmp_path, text, name="records.csv", **options):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    options.setdefault("type", "enterprises")
    return run("import_directory", str(path), **options)


def import_errors(tmp_path, text, name="records.csv", **options):
    """The error report of an import that must fail, as lines."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    options.setdefault("type", "enterprises")
    stderr = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_directory", str(path), stdout=io.StringIO(), stderr=stderr, **options)
    return stderr.getvalue().splitlines()


def export(tmp_path, name="export.csv", **options):
    path = tmp_path / name
    _stdout, _stderr = run("export_directory", output=str(path), **options)
    return path


def codes(queryset, field):
    return sorted(queryset.values_list(field, flat=True))


def csv_rows(path):
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


# Importing ---------------------------------------------------------------------------------


def test_csv_import_creates_drafts_with_a_revision_and_english_relations(tmp_path):
    stdout, _stderr = import_file(tmp_path, ENTERPRISES_CSV)

    assert "2 created, 0 updated, 0 unchanged" in stdout
    bike = directory.SocialEnterprise.objects.get(external_id="ext-1")
    assert bike.locale.language_code == "en"
    assert bike.slug == "bike-workshop"
    assert not bike.live and bike.has_unpublished_changes
    assert bike.latest_revision is not None and bike.live_revision is None
    assert codes(bike.sectors, "code") == ["Q", "S"]
    assert codes(bike.sdgs, "number") == [8, 10]
    assert codes(bike.offers, "slug") == ["mentoring"]
    assert codes(bike.needs, "slug") == ["funding"]
    assert codes(bike.target_groups, "slug") == ["youth"]
    related = [*bike.sectors.all(), *bike.offers.all(), bike.recognised_status]
    assert {term.locale.language_code for term in related} == {"en"}
    assert str(bike.latitude) == "55.676100"
    assert bike.languages == ["da", "en"]
    assert bike.founded_year == 2015
    assert bike.contact_email == "karen@private.example"
    assert bike.description == "<p>Repairs <b>bikes</b>.</p>"
    assert directory.SocialEnterprise.objects.get(external_id="ext-2").slug == "green-cafe"
    history = ModelLogEntry.objects.filter(object_id=str(bike.pk), action="wagtail.create")
    assert history.count() == 1


def graphql(client, query):
    return client.post("/graphql/", {"query": query}, content_type="application/json").json()


def test_imported_drafts_are_not_served_until_published(tmp_path, client):
    import_file(tmp_path, ENTERPRISES_CSV)
    query = "{ enterprises { totalCount items { slug } } }"

    assert graphql(client, query)["data"]["enterprises"] == {
        "totalCount": 0,
        "items": [],
    }
    import_file(tmp_path, ENTERPRISES_CSV, publish=True)

    body = graphql(client, query)
    assert body["data"]["enterprises"]["totalCount"] == 2
    bike = directory.SocialEnterprise.objects.get(external_id="ext-1")
    assert bike.live and not bike.has_unpublished_changes
    assert bike.live_revision_id == bike.latest_revision_id


def test_a_published_import_writes_each_record_once_in_its_final_state(tmp_path, client):
    """On PostgreSQL new records, revisions and history are written with ids taken first
    (`Importer.write_created`); elsewhere inserted, then revised: the same result."""
    import_file(tmp_path, ENTERPRISES_CSV, publish=True)

    for bike in directory.SocialEnterprise.objects.all():
        revision = bike.latest_revision
        assert (revision.object_id, revision.content_type) == (
            str(bike.pk),
            ContentType.objects.get_for_model(bike),
        )
        # (test_revision_content_matches_wagtails_serialisation compares the whole content)
        assert (revision.content["pk"], revision.content["name"]) == (bike.pk, bike.name)
        assert bike.live_revision_id == revision.pk and bike.live and not bike.expired
        assert bike.first_published_at == bike.last_published_at == revision.created_at
        history = ModelLogEntry.objects.filter(object_id=str(bike.pk)).order_by("pk")
        assert [(entry.action, entry.revision_id) for entry in history] == [
            ("wagtail.create", revision.pk),
            ("wagtail.publish", revision.pk),
        ]
        assert bike.sectors.exists()
    # The sequences moved past what was written: the next record is saved as usual.
    factories.SocialEnterpriseFactory(name="After the import")
    # Searchable at once (PostgreSQL: the search rows' triggers ran for the COPY).
    found = graphql(client, '{ enterprises(search: "repairs") { items { name } } }')
    assert found["data"]["enterprises"]["items"] == [{"name": "Bike Workshop"}]


def test_reimporting_the_same_file_changes_nothing(tmp_path):
    import_file(tmp_path, ENTERPRISES_CSV, publish=True)
    revisions = Revision.objects.count()

    stdout, _stderr = import_file(tmp_path, ENTERPRISES_CSV, publish=True)

    assert "0 created, 0 updated, 2 unchanged" in stdout
    assert Revision.objects.count() == revisions


def test_a_changed_row_updates_its_record_with_one_new_revision(tmp_path):
    import_file(tmp_path, ENTERPRISES_CSV, publish=True)
    bike = directory.SocialEnterprise.objects.get(external_id="ext-1")
    revisions = bike.revisions.count()
    changed = ENTERPRISES_CSV.replace("Bike Workshop,DK,Copenhagen,Q|S", "Bike Shop,DK,Aarhus,C")

    stdout, _stderr = import_file(tmp_path, changed, publish=True)

    assert "0 created, 1 updated, 1 unchanged" in stdout
    bike.refresh_from_db()
    assert (bike.name, bike.city, bike.slug) == ("Bike Shop", "Aarhus", "bike-workshop")
    assert codes(bike.sectors, "code") == ["C"]
    assert bike.revisions.count() == revisions + 1
    assert bike.live_revision_id == bike.latest_revision_id


def test_a_draft_import_keeps_the_published_version_live(tmp_path):
    import_file(tmp_path, ENTERPRISES_CSV, publish=True)
    changed = ENTERPRISES_CSV.replace("Bike Workshop", "Bike Shop")

    stdout, _stderr = import_file(tmp_path, changed)

    bike = directory.SocialEnterprise.objects.get(external_id="ext-1")
    assert "1 updated" in stdout and "drafts for moderation" in stdout
    assert bike.live and bike.name == "Bike Workshop"
    assert bike.has_unpublished_changes
    assert bike.get_latest_revision_as_object().name == "Bike Shop"
    # The draft is the record's latest version: the same file again changes nothing.
    revisions = Revision.objects.count()
    stdout, _stderr = import_file(tmp_path, changed)
    assert "0 updated, 2 unchanged" in stdout
    assert Revision.objects.count() == revisions


def test_columns_absent_from_the_file_are_left_as_they_are(tmp_path):
    import_file(tmp_path, ENTERPRISES_CSV, publish=True)

    import_file(tmp_path, "external_id,name\next-1,Bike Workshop ApS\n", publish=True)

    bike = directory.SocialEnterprise.objects.get(external_id="ext-1")
    assert bike.name == "Bike Workshop ApS"
    assert bike.city == "Copenhagen" and bike.contact_email == "karen@private.example"
    assert codes(bike.sectors, "code") == ["Q", "S"]


def test_an_empty_cell_empties_the_field(tmp_path):
    import_file(tmp_path, ENTERPRISES_CSV, publish=True)

    import_file(tmp_path, "external_id,name,city,sectors\next-1,Bike Workshop,,\n", publish=True)

    bike = directory.SocialEnterprise.objects.get(external_id="ext-1")
    assert bike.city == "" and not bike.sectors.exists()


def test_json_import_of_support_organisations(tmp_path):
    rows = [
        {
            "external_id": "org-1",
            "name": "Social Innovation Centre",
            "slug": "social-innovation-centre",
            "country": "lv",
            "support_types": ["incubator", "network"],
            "countries_served": ["LT", "LV", "EE"],
            "sdgs": [8],
            "seeking_partners": True,
            "latitude": 56.9496,
            "longitude": None,
        }
    ]

    stdout, _stderr = import_file(
        tmp_path, json.dumps(rows), name="organisations.json", type="organisations", publish=True
    )

    assert "1 created" in stdout
    organisation = directory.SupportOrganisation.objects.get(external_id="org-1")
    assert organisation.country.code == "LV"
    assert codes(organisation.support_types, "slug") == ["incubator", "network"]
    assert [country.code for country in organisation.countries_served] == ["EE", "LT", "LV"]
    assert organisation.seeking_partners is True
    assert str(organisation.latitude) == "56.949600" and organisation.longitude is None


def test_event_import_reads_offsets_time_zones_and_organisers(tmp_path):
    partner = factories.SupportOrganisationFactory(external_id="biser")
    enterprise = factories.SocialEnterpriseFactory()
    events = f"""\
external_id,title,start,end,time_zone,format,status,event_type,topics,organiser_organisation,\
organiser_enterprise,language,english_summary
mid-term,Mid-term partner meeting,2022-01-24T10:00:00+01:00,2022-01-24T15:00:00+01:00,\
Europe/Warsaw,hybrid,scheduled,meeting,collaboration|funding,biser,,en,
warsztat,Warsztat,2022-06-01T09:00:00Z,,Europe/Warsaw,in_person,scheduled,workshop,,,\
{enterprise.translation_key},pl,A workshop in Polish.
"""

    import_file(tmp_path, events, type="events", publish=True)

    meeting = directory.Event.objects.get(external_id="mid-term")
    assert meeting.start.isoformat() == "2022-01-24T09:00:00+00:00"
    assert meeting.time_zone == "Europe/Warsaw" and meeting.format == "hybrid"
    assert meeting.event_type.slug == "meeting"
    assert codes(meeting.topics, "slug") == ["collaboration", "funding"]
    assert meeting.organiser_organisation == partner
    workshop = directory.Event.objects.get(external_id="warsztat")
    assert workshop.organiser_enterprise == enterprise and workshop.end is None


def test_a_translation_row_creates_the_translation_of_the_english_record(tmp_path):
    import_file(tmp_path, ENTERPRISES_CSV, publish=True)
    danish = "external_id,locale,name,summary\next-1,da,Cykelværksted,Reparerer cykler.\n"

    stdout, _stderr = import_file(tmp_path, danish, publish=True)

    assert "1 created" in stdout
    bike = directory.SocialEnterprise.objects.get(external_id="ext-1", locale__language_code="en")
    translation = directory.SocialEnterprise.objects.get(
        external_id="ext-1", locale__language_code="da"
    )
    assert translation.translation_key == bike.translation_key
    assert (translation.name, translation.summary) == ("Cykelværksted", "Reparerer cykler.")
    # Absent columns come from the English record.
    assert translation.slug == bike.slug and translation.city == "Copenhagen"
    assert codes(translation.sectors, "code") == ["Q", "S"]
    assert translation.contact_email == "karen@private.example"

    stdout, _stderr = import_file(tmp_path, danish.replace("Cykelværksted", "Cykelsmed"))
    assert "1 updated" in stdout


def test_a_file_can_hold_a_record_and_its_translation(tmp_path):
    both = "external_id,locale,name\next-9,da,Dansk navn\next-9,en,English name\n"

    stdout, _stderr = import_file(tmp_path, both, publish=True)

    assert "2 created" in stdout
    rows = directory.SocialEnterprise.objects.filter(external_id="ext-9")
    assert {row.locale.language_code: row.name for row in rows} == {
        "en": "English name",
        "da": "Dansk navn",
    }
    assert len({row.translation_key for row in rows}) == 1


def test_a_translation_without_its_english_record_is_refused(tmp_path):
    lines = import_errors(tmp_path, "external_id,locale,name\nnobody,da,Ingen\n")

    assert lines == [
        "line 2, column external_id: no English record with the external id 'nobody', in the "
        "database or in this file: a translation needs its English source"
    ]
    assert not directory.SocialEnterprise.objects.exists()


def test_one_bad_row_means_nothing_is_written_and_every_problem_is_reported(tmp_path):
    text = (
        "external_id,name,country,sectors,sdgs,website,latitude,founded_year,description\n"
        "ok-1,Fine,DK,Q,8,https://fine.example,55.1,2001,\n"
        'ok-2,"A name\nover two lines",SE,,,,,,\n'
        "bad-1,Bad,XX,Z|Q,18,not a url,123,1700,<script>alert(1)</script>\n"
        ",No id,DK,,,,,,\n"
    )

    lines = import_errors(tmp_path, text)

    assert lines == [
        "line 5, column country: unknown country code 'XX'; use ISO 3166-1 alpha-2, e.g. DK",
        "line 5, column sectors: unknown sector 'Z'; known: "
        "A, B, C, D, E, F, G, H, I, J, K, L, M, N, O, P, Q, R, S, T, U",
        "line 5, column sdgs: unknown SDG '18'; known: "
        "1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17",
        "line 5, column latitude: 123 is outside -90 to 90",
        "line 5, column founded_year: 1700 is outside 1800 to 2100",
        "line 5, column description: <script> is not allowed in rich text",
        "line 6, column external_id: required: a stable id from the source system",
    ]
    assert not directory.SocialEnterprise.objects.exists()
    assert not Revision.objects.exists()


def test_model_validation_errors_name_their_column(tmp_path):
    text = (
        (
            "external_id,title,start,end,language,website_unused\n"
            "e1,Late,2024-05-02T10:00:00+02:00,2024-05-01T10:00:00+02:00,pl,\n"
        )
        .replace(",website_unused", "")
        .replace("pl,\n", "pl\n")
    )

    lines = import_errors(tmp_path, text, type="events")

    assert lines == [
        "line 2, column end: The event cannot end before it starts",
        "line 2, column english_summary: An event not held in English needs an English summary",
    ]


def test_invalid_urls_and_emails_are_reported_by_column(tmp_path):
    text = "external_id,name,website,email\ne1,One,not a url,not an email\n"

    lines = import_errors(tmp_path, text)

    assert lines == [
        "line 2, column website: Enter a valid URL",
        "line 2, column email: Enter a valid email address",
    ]


def test_json_errors_give_the_array_position_as_line(tmp_path):
    rows = [
        {"external_id": "j1", "name": "Fine"},
        {"external_id": "j2", "name": "Bad", "sdgs": [3, 99], "colour": "red"},
        "not an object",
        {"name": "No id"},
    ]

    lines = import_errors(tmp_path, json.dumps(rows), name="records.json")

    assert lines == [
        "line 2, column colour: unknown column; the columns are "
        + ", ".join(column for column in _enterprise_column_names()),
        "line 3: expected an object of column: value",
        "line 4, column external_id: required column missing in this record",
    ]


def _enterprise_column_names():
    from directory.exchange import RECORD_TYPES

    return [column.name for column in RECORD_TYPES["enterprises"].columns]


def test_a_bad_header_is_reported_on_line_one(tmp_path):
    lines = import_errors(tmp_path, "external_id,nmae\ne1,Typo\n")

    assert lines[0].startswith("line 1, column nmae: unknown column; the columns are external_id")
    assert lines[1] == "line 1, column name: required column missing in the header"


def test_a_row_with_too_many_values_is_reported(tmp_path):
    lines = import_errors(tmp_path, "external_id,name\ne1,One,extra\n")

    assert lines == ["line 2: 3 values, but the header has 2"]


def test_the_same_record_twice_in_a_file_is_refused(tmp_path):
    lines = import_errors(tmp_path, "external_id,name\ne1,One\ne2,Two\ne1,Again\n")

    assert lines == ["line 4, column external_id: 'e1' in en is already on line 2"]


def test_a_slug_taken_by_another_record_is_refused(tmp_path):
    existing = factories.SocialEnterpriseFactory(slug="bike-workshop", name="Old bikes")

    lines = import_errors(tmp_path, "external_id,name\ne1,Bike Workshop\n")

    assert lines == [
        f"line 2, column slug: 'bike-workshop' is already the slug of 'Old bikes' "
        f"(id {existing.pk}) in en"
    ]


def test_a_locked_record_is_not_overwritten(tmp_path, superuser):
    import_file(tmp_path, ENTERPRISES_CSV, publish=True)
    directory.SocialEnterprise.objects.filter(external_id="ext-1").update(
        locked=True, locked_by=superuser
    )

    lines = import_errors(tmp_path, ENTERPRISES_CSV.replace("Bike Workshop", "Bike Shop"))

    assert lines == ["line 2: Bike Workshop is locked in the admin by admin: unlock it first"]


def test_a_file_that_is_not_utf8_or_not_json_gets_a_clear_error(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("external_id,name\ne1,Caf\xe9\n".encode("latin-1"))
    with pytest.raises(CommandError, match=r"not UTF-8 text"):
        run("import_directory", str(path), type="enterprises")
    path = tmp_path / "broken.json"
    path.write_text('[{"external_id": "e1",}]')
    with pytest.raises(CommandError, match=r"not JSON: .* line 1, column 23"):
        run("import_directory", str(path), type="enterprises")
    with pytest.raises(CommandError, match=r"name it \.csv or \.json"):
        run("import_directory", str(tmp_path / "records.txt"), type="enterprises")


def test_a_failed_import_exits_non_zero_from_the_command_line(tmp_path, capsys):
    from django.core.management import ManagementUtility

    path = tmp_path / "bad.csv"
    path.write_text("external_id,name,country\ne1,One,XX\n")

    # run_from_argv closes every database connection when the command ends, as a process
    # would; here that would close the test's own transaction under it.
    with (
        pytest.raises(SystemExit) as exit_info,
        mock.patch("django.core.management.base.connections.close_all"),
    ):
        ManagementUtility(
            ["manage.py", "import_directory", str(path), "--type=enterprises"]
        ).execute()

    assert exit_info.value.code == 1
    assert "line 2, column country: unknown country code 'XX'" in capsys.readouterr().err


def test_dry_run_reports_what_would_change_and_writes_nothing(tmp_path):
    import_file(tmp_path, ENTERPRISES_CSV.split("ext-2")[0], publish=True)
    changed = ENTERPRISES_CSV.replace("Bike Workshop", "Bike Shop")
    revisions = Revision.objects.count()

    stdout, _stderr = import_file(tmp_path, changed, dry_run=True)

    assert stdout == (
        "Dry run, nothing written: social enterprises would be 1 created, 1 updated, "
        "0 unchanged.\n"
    )
    assert directory.SocialEnterprise.objects.get().name == "Bike Workshop"
    assert Revision.objects.count() == revisions


def test_progress_bar_only_on_a_terminal(tmp_path):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    path = tmp_path / "records.csv"
    path.write_text(ENTERPRISES_CSV)
    terminal = Terminal()
    call_command(
        "import_directory", str(path), type="enterprises", stdout=io.StringIO(), stderr=terminal
    )
    assert "Checking" in terminal.getvalue() and "row" in terminal.getvalue()

    quiet = Terminal()
    call_command(
        "import_directory",
        str(path),
        type="enterprises",
        no_progress=True,
        stdout=io.StringIO(),
        stderr=quiet,
    )
    assert quiet.getvalue() == ""


# Set by publishing, after the revision is made (as in Wagtail's own save-then-publish).
DRAFT_STATE = {
    "live",
    "has_unpublished_changes",
    "first_published_at",
    "last_published_at",
    "live_revision",
    "latest_revision",
}


def test_revision_content_matches_wagtails_serialisation(tmp_path):
    import_file(tmp_path, ENTERPRISES_CSV, publish=True)
    bike = directory.SocialEnterprise.objects.get(external_id="ext-1")
    ours = bike.latest_revision.content
    wagtails = bike.serializable_data()

    assert set(ours) == set(wagtails)
    for name, value in wagtails.items():
        if isinstance(value, list):
            assert sorted(ours[name]) == sorted(value), name
        elif isinstance(value, Decimal):
            assert Decimal(ours[name]) == value, name
        elif name not in DRAFT_STATE:
            assert ours[name] == json.loads(json.dumps(value, cls=DjangoJSONEncoder)), name
    assert revision_content(bike)["sectors"] == sorted(bike.sectors.values_list("pk", flat=True))


# Exporting ---------------------------------------------------------------------------------


def test_export_leaves_private_fields_out_and_says_so(tmp_path):
    import_file(tmp_path, ENTERPRISES_CSV, publish=True)
    path = tmp_path / "public.csv"

    stdout, _stderr = run("export_directory", type="enterprises", output=str(path))

    assert "private fields (contact_name, contact_email) left out" in stdout
    rows = csv_rows(path)
    assert "contact_email" not in rows[0] and "contact_name" not in rows[0]
    assert "karen@private.example" not in path.read_text(encoding="utf-8-sig")
    bike = next(row for row in rows if row["external_id"] == "ext-1")
    assert bike["sectors"] == "Q|S" and bike["sdgs"] == "8|10" and bike["latitude"] == "55.6761"

    stdout, _stderr = run(
        "export_directory", type="enterprises", output=str(path), include_private=True
    )
    assert "WITH the private fields contact_name, contact_email" in stdout
    assert next(r for r in csv_rows(path) if r["external_id"] == "ext-1")["contact_email"] == (
        "karen@private.example"
    )


def test_export_to_standard_output_reports_on_standard_error():
    factories.SocialEnterpriseFactory(name="Listed", slug="listed")

    stdout, stderr = run("export_directory", type="enterprises", format="json")

    assert [row["slug"] for row in json.loads(stdout)] == ["listed"]
    assert stderr.startswith("Exported 1 social enterprises to standard output")


def test_export_is_public_records_unless_all(tmp_path):
    factories.SocialEnterpriseFactory(slug="published")
    factories.SocialEnterpriseFactory(slug="draft", live=False)

    public = csv_rows(export(tmp_path, type="enterprises"))
    everything = csv_rows(export(tmp_path, type="enterprises", all=True))

    assert [row["slug"] for row in public] == ["published"]
    assert sorted(row["slug"] for row in everything) == ["draft", "published"]


def test_export_writes_the_key_for_records_without_an_external_id(tmp_path):
    enterprise = factories.SocialEnterpriseFactory()

    rows = csv_rows(export(tmp_path, type="enterprises"))

    assert rows[0]["external_id"] == str(enterprise.translation_key)


def test_export_of_one_locale(tmp_path):
    enterprise = factories.SocialEnterpriseFactory(external_id="e1")
    factories.translate_record(enterprise, "da", name="Dansk")

    rows = csv_rows(export(tmp_path, type="enterprises", locale="da"))

    assert [(row["locale"], row["name"]) for row in rows] == [("da", "Dansk")]


def test_events_export_in_their_own_time_zone(tmp_path):
    import datetime

    factories.EventFactory(
        external_id="ev",
        start=datetime.datetime(2022, 1, 24, 9, 0, tzinfo=datetime.UTC),
        end=None,
        time_zone="Europe/Warsaw",
    )

    rows = csv_rows(export(tmp_path, type="events"))

    assert rows[0]["start"] == "2022-01-24T10:00:00+01:00" and rows[0]["end"] == ""


@pytest.mark.parametrize("file_format", ["csv", "json"])
@pytest.mark.parametrize("publish", [False, True], ids=["drafts-all", "publish-public"])
def test_reimporting_an_export_changes_nothing(tmp_path, file_format, publish):
    """Seeded demo content (made the admin's way, without external ids, with a Danish
    translation), imported records, a draft and a pending draft of a published record: each
    record type round-trips unchanged, as a draft import of everything (`--all`) or as a
    published import of the public records."""
    run("seed_demo")
    import_file(tmp_path, ENTERPRISES_CSV, publish=True)
    import_file(tmp_path, "external_id,name\ndraft-1,Only a draft\next-2,Green Café (new)\n")
    enterprise = directory.SocialEnterprise.objects.get(external_id="ext-1")
    factories.translate_record(enterprise, "de", name="Fahrradwerkstatt")
    revisions, entries = Revision.objects.count(), ModelLogEntry.objects.count()

    for record_type in ("enterprises", "organisations", "events"):
        path = export(
            tmp_path,
            name=f"{record_type}.{file_format}",
            type=record_type,
            all=not publish,
            include_private=True,
        )
        stdout, _stderr = run("import_directory", str(path), type=record_type, publish=publish)
        assert " 0 created, 0 updated, " in stdout, (record_type, stdout)

    assert Revision.objects.count() == revisions
    assert ModelLogEntry.objects.count() == entries


def test_reexport_after_reimport_is_identical(tmp_path):
    run("seed_demo")
    first = export(tmp_path, name="first.json", type="events", all=True, include_private=True)
    run("import_directory", str(first), type="events")
    second = export(tmp_path, name="second.json", type="events", all=True, include_private=True)

    assert first.read_text() == second.read_text()


def test_an_export_imports_into_an_empty_database(tmp_path):
    import_file(tmp_path, ENTERPRISES_CSV, publish=True)
    path = export(tmp_path, name="all.json", type="enterprises", include_private=True)
    before = {
        row.external_id: (row.name, row.city, codes(row.sectors, "code"), row.contact_email)
        for row in directory.SocialEnterprise.objects.all()
    }
    directory.SocialEnterprise.objects.all().delete()

    run("import_directory", str(path), type="enterprises", publish=True)

    after = {
        row.external_id: (row.name, row.city, codes(row.sectors, "code"), row.contact_email)
        for row in directory.SocialEnterprise.objects.all()
    }
    assert after == before


def test_hsds_export_of_support_organisations(tmp_path):
    run("seed_demo")
    organisation = directory.SupportOrganisation.objects.get(slug="socialas-inovacijas-centrs")
    organisation.email = "info@sic.example"
    organisation.contact_email = "private@sic.example"
    organisation.save()
    factories.SupportOrganisationFactory(slug="hidden", live=False)
    path = tmp_path / "hsds.json"

    stdout, _stderr = run(
        "export_directory", type="organisations", format="hsds", output=str(path)
    )

    data = json.loads(path.read_text())
    assert "private fields left out" in stdout
    assert data["total_items"] == len(data["contents"]) == 5
    entry = next(item for item in data["contents"] if item["name"].startswith("Sociālās"))
    assert entry["id"] == str(organisation.translation_key)
    assert entry["email"] == "info@sic.example"
    assert "private@sic.example" not in path.read_text()
    location = entry["locations"][0]
    assert location["latitude"] == float(organisation.latitude)
    assert location["addresses"][0]["city"] == organisation.city
    assert location["addresses"][0]["country"] == "LV"
    services = {service["name"] for service in entry["services"]}
    assert services == {term.name for term in organisation.support_types.all()}
    assert {service["status"] for service in entry["services"]} == {"active"}


def test_hsds_export_is_public_only_and_not_for_events():
    with pytest.raises(CommandError, match="public records only"):
        run("export_directory", type="organisations", format="hsds", include_private=True)
    with pytest.raises(CommandError, match="export events as csv or json"):
        run("export_directory", type="events", format="hsds")


def test_hsds_export_in_a_locale_falls_back_to_english():
    enterprise = factories.SocialEnterpriseFactory(name="Bikes", slug="bikes", summary="Fixes.")
    factories.translate_record(enterprise, "da", name="Cykler", summary="Reparerer.")
    factories.SocialEnterpriseFactory(name="Only English", slug="only-english")

    stdout, _stderr = run("export_directory", type="enterprises", format="hsds", locale="da")

    names = {item["name"]: item["description"] for item in json.loads(stdout)["contents"]}
    assert names == {"Cykler": "Reparerer.", "Only English": ENTERPRISE_SUMMARY}


# The external_id field -----------------------------------------------------------------------


def test_external_id_is_unique_per_locale_when_set():
    factories.SocialEnterpriseFactory(external_id="")
    factories.SocialEnterpriseFactory(external_id="")
    first = factories.SocialEnterpriseFactory(external_id="same")
    factories.translate_record(first, "da")

    with pytest.raises(IntegrityError), transaction.atomic():
        factories.SocialEnterpriseFactory(external_id="same")


def test_external_id_is_synchronised_to_translations():
    synchronised = {
        field.field_name
        for model in (directory.SocialEnterprise, directory.SupportOrganisation, directory.Event)
        for field in model.translatable_fields
        if type(field).__name__ == "SynchronizedField"
    }
    assert "external_id" in synchronised
    enterprise = factories.SocialEnterpriseFactory(external_id="sync-me")
    assert factories.translate_record(enterprise, "da").external_id == "sync-me"


@pytest.mark.parametrize("model_name", ["socialenterprise", "supportorganisation", "event"])
def test_external_id_is_in_the_admin_form(admin_client, model_name):
    response = admin_client.get(f"/admin/snippets/directory/{model_name}/add/")

    assert response.status_code == 200
    assert 'name="external_id"' in response.content.decode()
    assert "A stable identifier from the source system, used by imports." in (
        response.content.decode()
    )


def test_columns_are_printed_for_the_readme():
    stdout, _stderr = run("import_directory", type="events", columns=True)

    assert stdout.startswith("| column | required | meaning | format |")
    assert "| `start` | yes |" in stdout
    assert "| `contact_email` |  | PRIVATE:" in stdout


def test_unknown_locale_row_is_reported(tmp_path):
    lines = import_errors(tmp_path, "external_id,locale,name\ne1,xx,One\n")

    assert lines == [
        "line 2, column locale: 'xx' is not one of en, da, de, et, fi, lt, lv, nb, pl, sv"
    ]
    assert Locale.objects.filter(language_code="xx").count() == 0


@pytest.mark.parametrize(
    "model", [directory.SocialEnterprise, directory.SupportOrganisation, directory.Event]
)
def test_the_admin_spreadsheet_export_has_the_external_id(admin_client, model):
    factory = {
        directory.SocialEnterprise: factories.SocialEnterpriseFactory,
        directory.SupportOrganisation: factories.SupportOrganisationFactory,
        directory.Event: factories.EventFactory,
    }[model]
    factory(external_id="from-the-crm")
    url = reverse(model.snippet_viewset.get_url_name("list"))

    response = admin_client.get(url, {"export": "csv"})

    content = b"".join(response.streaming_content).decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(content)))[:2]
    assert row[header.index("External ID")] == "from-the-crm"
