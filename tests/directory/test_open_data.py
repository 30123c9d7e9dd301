"""`/open-data/`: the public directory as CSV, JSON and HSDS files under CC BY 4.0.

The files hold what `export_directory` writes, public records only and never a private column;
the licence is in the `Link` header and in each JSON file; small files are cached between
publishes, large ones streamed in batches.
"""

import csv
import datetime
import io
import json

from django.core.management import call_command
from django.utils import timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cms.public_files import StoredFile
from directory.exchange import RECORD_TYPES, read_csv, read_json
from directory.models import SocialEnterprise
from tests import factories

pytestmark = pytest.mark.django_db

LICENSE = "https://creativecommons.org/licenses/by/4.0/"
FILES = ["/open-data/enterprises.csv", "/open-data/enterprises.json", "/open-data/hsds.json"]
NOW = timezone.now()
PRIVATE = ("contact_name", "contact_email")


@pytest.fixture(autouse=True)
def response_cache(settings):
    settings.GRAPHQL_RESPONSE_CACHE_SECONDS = 600


@pytest.fixture
def directory():
    public = factories.SocialEnterpriseFactory(
        name="Public bakery",
        slug="public-bakery",
        email="hello@bakery.example",
        contact_name="Private Person",
        contact_email="private-bakery@example.com",
        sectors=["I"],
    )
    factories.translate_record(public, "lv", name="Publiskā maiznīca")
    other = factories.SocialEnterpriseFactory(name="Other café", slug="other-cafe")
    factories.translate_record(other, "lv", publish=False, name="Melnraksta kafejnīca")
    factories.SocialEnterpriseFactory(name="Draft workshop", live=False)
    factories.SocialEnterpriseFactory(name="Expired shop", expire_at=NOW - datetime.timedelta(1))
    factories.SocialEnterpriseFactory(name="Future farm", go_live_at=NOW + datetime.timedelta(9))
    return public, other


def body(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode()


def csv_rows(response):
    return list(csv.DictReader(io.StringIO(body(response))))


def test_csv_holds_public_records_in_every_locale_without_private_columns(client, directory):
    response = client.get("/open-data/enterprises.csv")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="enterprises.csv"'
    assert response["Content-Language"].startswith("en, ")
    rows = csv_rows(response)
    assert [(row["locale"], row["name"]) for row in rows] == [
        ("en", "Other café"),
        ("en", "Public bakery"),
        ("lv", "Publiskā maiznīca"),
    ]
    assert not set(PRIVATE) & set(rows[0])
    assert rows[1]["email"] == "hello@bakery.example"
    assert rows[1]["sectors"] == "I"
    text = body(response)
    for hidden in ("Draft workshop", "Expired shop", "Future farm", "Melnraksta", "private"):
        assert hidden not in text


def test_csv_is_what_export_directory_writes_for_public_records(client, directory, tmp_path):
    output = tmp_path / "export.csv"
    call_command("export_directory", type="enterprises", output=str(output))

    served = body(client.get("/open-data/enterprises.csv"))
    assert served == output.read_text(encoding="utf-8-sig")


def test_a_locale_gives_one_row_per_enterprise_with_the_english_fallback(client, directory):
    response = client.get("/open-data/enterprises.csv", {"locale": "lv"})

    assert response["Content-Disposition"] == 'attachment; filename="enterprises-lv.csv"'
    assert response["Content-Language"] == "lv"
    rows = csv_rows(response)
    assert sorted((row["locale"], row["name"]) for row in rows) == [
        ("en", "Other café"),
        ("lv", "Publiskā maiznīca"),
    ]


def test_json_states_the_licence_and_reimports(client, directory):
    response = client.get("/open-data/enterprises.json", {"locale": "en"})

    assert response["Link"] == f'<{LICENSE}>; rel="license"'
    data = json.loads(body(response))
    assert data["license"]["url"] == LICENSE
    assert data["license"]["name"] == "CC BY 4.0"
    assert data["locale"] == "en"
    assert [record["name"] for record in data["records"]] == ["Other café", "Public bakery"]
    assert data["records"][1]["sectors"] == ["I"]
    assert not set(PRIVATE) & set(data["records"][0])
    # The import reads the open-data file as it is.
    rows, errors = read_json(io.StringIO(body(response)))
    assert not errors
    assert [row.cells["name"] for row in rows] == ["Other café", "Public bakery"]


def test_hsds_holds_public_enterprises_and_organisations_with_the_licence(client, directory):
    organisation = factories.SupportOrganisationFactory(
        name="Incubator", contact_email="private-incubator@example.com"
    )
    factories.set_terms(organisation, support_types=["incubator"])
    factories.SupportOrganisationFactory(name="Draft funder", live=False)

    response = client.get("/open-data/hsds.json", {"locale": "lv"})

    assert response["Content-Disposition"] == 'attachment; filename="hsds-lv.json"'
    data = json.loads(body(response))
    assert data["license"]["url"] == LICENSE
    assert data["total_items"] == data["size"] == 3
    names = [organisation["name"] for organisation in data["contents"]]
    assert names == ["Other café", "Publiskā maiznīca", "Incubator"]
    assert len(data["contents"][2]["services"]) == 1
    text = body(response)
    assert "private" not in text and "Private Person" not in text and "Draft" not in text


def test_every_file_has_the_licence_header(client, directory):
    for url in FILES:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Link"] == f'<{LICENSE}>; rel="license"'


def test_the_index_lists_files_formats_licence_and_locales(client):
    response = client.get("/open-data/")

    data = json.loads(response.content)
    assert data["license"]["url"] == LICENSE
    assert [file["name"] for file in data["files"]] == [
        "enterprises.csv",
        "enterprises.json",
        "hsds.json",
    ]
    assert all(file["license"]["url"] == LICENSE for file in data["files"])
    assert "lv" in data["locales"]
    columns = [column["name"] for column in data["files"][0]["columns"]]
    assert "name" in columns and "contact_email" not in columns
    for file in data["files"]:
        assert client.get(file["url"].split("testserver")[-1]).status_code in (200, 404)


@pytest.mark.parametrize("url", [*FILES, "/open-data/"])
@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"locale": "xx"}, "Unknown locale: xx."),
        ({"format": "xml"}, "Unknown parameter(s): format."),
        ({"locale": "lv\x00"}, '"locale" holds a control character'),
    ],
)
def test_bad_parameters_are_a_plain_text_400(client, url, params, message):
    response = client.get(url, params)

    if url == "/open-data/":
        message = message if "format" in message else "Unknown parameter(s): locale."
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert message in response.content.decode()


# Caching and streaming ------------------------------------------------------------------------


@pytest.mark.parametrize("url", [*FILES, "/open-data/"])
def test_a_small_file_is_cached_until_a_publish(client, directory, url, django_assert_num_queries):
    first = client.get(url, {"locale": "lv"} if url != "/open-data/" else {})
    assert first["X-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = client.get(url, {"locale": "lv"} if url != "/open-data/" else {})
    assert second["X-Cache"] == "hit"
    assert second.content == first.content
    assert second["Link"] == first["Link"]
    assert second.get("Content-Disposition") == first.get("Content-Disposition")
    assert "public" in second["Cache-Control"]

    factories.SocialEnterpriseFactory(name="Fresh enterprise").save_revision().publish()
    third = client.get(url, {"locale": "lv"} if url != "/open-data/" else {})
    if url != "/open-data/":
        assert third["X-Cache"] == "miss"
        assert "Fresh enterprise" in third.content.decode()


@pytest.fixture
def large_directory(settings, tmp_path):
    settings.OPEN_DATA_STREAM_ABOVE = 10
    settings.PUBLIC_FILES_DIR = tmp_path / "public-files"
    english = factories.english()
    SocialEnterprise.objects.bulk_create(
        [
            SocialEnterprise(name=f"Bulk {n:04}", slug=f"bulk-{n:04}", locale=english, live=True)
            for n in range(1200)
        ]
    )
    factories.SocialEnterpriseFactory(name="Draft bulk", live=False)


@pytest.mark.parametrize("url", FILES)
def test_a_large_file_is_streamed_in_batches(
    client, large_directory, url, django_assert_max_num_queries
):
    response = client.get(url)

    assert response.streaming
    assert response["X-Cache"] == "miss"
    assert response["Link"] == f'<{LICENSE}>; rel="license"'
    assert "public" in response["Cache-Control"]
    # Queries are made as the body is read, a fixed number per batch of 500 records.
    with django_assert_max_num_queries(20):
        text = body(response)
    assert "Bulk 1199" in text and "Draft bulk" not in text
    if url.endswith(".csv"):
        _header, rows, errors = read_csv(io.StringIO(text))
        assert not errors and len(rows) == 1200
    else:
        data = json.loads(text)
        records = data.get("records", data.get("contents"))
        assert len(records) == 1200
        assert data["license"]["url"] == LICENSE


def test_a_large_file_is_kept_as_a_file_until_a_publish(
    client, large_directory, settings, django_assert_num_queries
):
    url = "/open-data/enterprises.csv"
    first = body(client.get(url, {"locale": "lv"}))

    with django_assert_num_queries(0):
        second = client.get(url, {"locale": "lv"})
        assert second["X-Cache"] == "hit"
        assert body(second) == first
    assert second["Content-Disposition"] == 'attachment; filename="enterprises-lv.csv"'
    assert second["Link"] == f'<{LICENSE}>; rel="license"'
    assert second["Content-Language"] == "lv"
    assert "public" in second["Cache-Control"]
    not_modified = client.get(url, {"locale": "lv"}, headers={"If-None-Match": second["ETag"]})
    assert not_modified.status_code == 304
    assert len(list(settings.PUBLIC_FILES_DIR.iterdir())) == 1

    factories.SocialEnterpriseFactory(name="Fresh enterprise").save_revision().publish()
    third = client.get(url, {"locale": "lv"})
    assert third["X-Cache"] == "miss"
    assert "Fresh enterprise" in body(third)
    # The past generation's file is gone once the new one is complete.
    assert len(list(settings.PUBLIC_FILES_DIR.iterdir())) == 1


def test_a_file_interrupted_while_streaming_is_not_kept(client, large_directory, settings):
    """A client gone away: the server closes the answer's iterator, the partial file goes."""
    stored = StoredFile("enterprises.csv")
    body = stored._tee(iter(["external_id,name\n", "a,b\n"]))
    next(body)
    body.close()

    assert not list(settings.PUBLIC_FILES_DIR.iterdir())
    assert client.get("/open-data/enterprises.csv")["X-Cache"] == "miss"


def test_a_file_finished_after_a_publish_is_not_kept(client, large_directory, settings):
    """A publish while the file was written: it may be half old, half new."""
    stored = StoredFile("enterprises.csv")
    body = stored._tee(iter(["external_id,name\n", "a,b\n"]))
    next(body)
    factories.SocialEnterpriseFactory(name="Fresh enterprise").save_revision().publish()
    assert list(body) == [b"a,b\n"]

    assert not list(settings.PUBLIC_FILES_DIR.iterdir())


def test_export_directory_still_writes_every_column_when_told(directory, tmp_path):
    output = tmp_path / "all.csv"
    call_command("export_directory", type="enterprises", output=str(output), include_private=True)
    header = output.read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert [c.name for c in RECORD_TYPES["enterprises"].columns] == header


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    url=st.sampled_from([*FILES, "/open-data/"]),
    params=st.lists(
        st.tuples(st.sampled_from(["locale", "format", "x", "LOCALE"]), st.text(max_size=20)),
        max_size=3,
    ),
)
def test_random_query_strings_never_get_a_server_error(client, url, params):
    response = client.get(url, params)

    assert response.status_code in (200, 400), (params, response.content[:300])
