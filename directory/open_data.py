"""Open data: the public directory as files anyone may reuse under CC BY 4.0.

`/open-data/` (an index, JSON), `/open-data/enterprises.csv`, `/open-data/enterprises.json` and
`/open-data/hsds.json` (Open Referral HSDS 3.0: enterprises and support organisations), each
with `?locale=`.

What they hold: what `manage.py export_directory --type enterprises` writes (the import's
columns, directory/exchange), public records only (the visibility rule) and never a private
column (`contact_name`, `contact_email`). Without `locale` the CSV and JSON hold every public
record in every locale, English first, each row naming its locale: the whole dataset, which
`import_directory` reads back. With `locale` they hold one row per enterprise, in that language
where a public translation exists, else English, as the API's lists and the HSDS file do (so
unlike `export_directory --locale`, which keeps only the rows of that locale). HSDS is always
one language: English without `locale`.

The licence: every answer has `Link: <https://creativecommons.org/licenses/by/4.0/>;
rel="license"`; the JSON files carry a top-level `license` object; a CSV has no place for it
that CSV readers would not take for data, so the index describes each file with its licence
and columns.

Caching and streaming: a file of at most `OPEN_DATA_STREAM_ABOVE` records is made in memory
and kept in the response cache between publishes (`cached_view`: no SQL, ETag, 304). A larger
one is streamed as it is written, a batch of records at a time (fixed memory, a fixed number of
queries per batch); a body of many megabytes does not belong in Redis, so it is written to a
file of the cache's generation as it streams (`cms.public_files`), and served from that file
until the next publish.
"""

import json

from django.conf import settings
from django.http import HttpResponse, StreamingHttpResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from cms.graphql.errors import BadUserInput
from cms.graphql.locales import best_locale
from cms.links import public_base_url
from cms.public_files import StoredFile
from cms.query_string import bad_request, check_known, locale
from cms.visibility import visible_records
from directory.exchange import RECORD_TYPES
from directory.exchange.exporters import (
    csv_chunks,
    export_batches,
    export_columns,
    export_order,
    export_queryset,
    json_rows,
)
from directory.exchange.hsds import hsds_contents, hsds_page, hsds_queryset

LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"
LINK_HEADER = f'<{LICENSE_URL}>; rel="license"'
#: Records read and written per batch of a streamed file.
BATCH_SIZE = 500

ENTERPRISES = RECORD_TYPES["enterprises"]


def license_object():
    return {
        "name": "CC BY 4.0",
        "title": "Creative Commons Attribution 4.0 International",
        "url": LICENSE_URL,
        "attribution": settings.WAGTAIL_SITE_NAME,
    }


def _locale_or_none(request):
    """The `locale` parameter, or None when absent; any other parameter is an error."""
    check_known(request.GET, ["locale"])
    return locale(request.GET) if request.GET.get("locale") else None


def _filename(stem, code, extension):
    return f"{stem}-{code}.{extension}" if code else f"{stem}.{extension}"


def _answer(request, filename, content_type, count, chunks, languages):
    """The file `chunks()` writes: from the stored file of this generation if there is one,
    else made in memory (cached by `cached_view`) when `count()` is small, else streamed (and
    stored as it streams)."""
    stored = StoredFile.for_request(request, filename)
    if stored and stored.exists():
        response = stored.response(request, content_type)
    elif count() <= settings.OPEN_DATA_STREAM_ABOVE:
        response = HttpResponse("".join(chunks()), content_type=content_type)
    else:
        if stored:
            response = stored.streaming_response(chunks(), content_type)
        else:
            response = StreamingHttpResponse(chunks(), content_type=content_type)
    if response.streaming or response.status_code == 304:
        # Not kept by cached_view: say so to browsers and CDNs here.
        patch_cache_control(response, public=True, max_age=settings.GRAPHQL_CACHE_SECONDS)
    if response.status_code == 200:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Link"] = LINK_HEADER
    response["Content-Language"] = languages
    return response


def _json_object(head, list_key, items):
    """`head` with `list_key` holding `items`, as JSON text in pieces: one per item, so a
    streamed file is written as the items are read."""
    yield json.dumps(head, ensure_ascii=False, indent=2)[:-2] + f',\n  "{list_key}": ['
    for index, item in enumerate(items):
        yield ("," if index else "") + "\n    " + json.dumps(item, ensure_ascii=False)
    yield "\n  ]\n}\n"


def enterprise_queryset(code):
    if code is None:
        return export_queryset(ENTERPRISES)
    return export_order(best_locale(visible_records(ENTERPRISES.model), code))


def _enterprise_file(request, extension):
    try:
        code = _locale_or_none(request)
    except BadUserInput as error:
        return bad_request(error)
    queryset = enterprise_queryset(code)

    def chunks():
        batches = export_batches(ENTERPRISES.model, queryset, batch_size=BATCH_SIZE)
        if extension == "csv":
            return csv_chunks(ENTERPRISES, batches, include_private=False)
        head = {"license": license_object(), "locale": code}
        return _json_object(head, "records", json_rows(ENTERPRISES, batches, False))

    content_type = (
        "text/csv; charset=utf-8; header=present" if extension == "csv" else "application/json"
    )
    filename = _filename("enterprises", code, extension)
    languages = code or ", ".join(code for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES)
    return _answer(request, filename, content_type, queryset.count, chunks, languages)


@require_safe
def enterprises_csv(request):
    """The public enterprises in the import's columns, CSV."""
    return _enterprise_file(request, "csv")


@require_safe
def enterprises_json(request):
    """The public enterprises in the import's columns, JSON, with the licence."""
    return _enterprise_file(request, "json")


@require_safe
def hsds_json(request):
    """The directory's public entries (social enterprises, then support organisations, whose
    support types are HSDS services) as Open Referral HSDS 3.0 organizations, with the
    licence."""
    try:
        code = _locale_or_none(request)
    except BadUserInput as error:
        return bad_request(error)
    language = code or settings.LANGUAGE_CODE
    record_types = [ENTERPRISES, RECORD_TYPES["organisations"]]

    def count():
        return sum(hsds_queryset(record_type, language).count() for record_type in record_types)

    def chunks():
        page = hsds_page(None, count())
        del page["contents"]
        head = {"license": license_object(), "locale": language, **page}
        contents = (
            organisation
            for record_type in record_types
            for organisation in hsds_contents(record_type, language, BATCH_SIZE)
        )
        return _json_object(head, "contents", contents)

    filename = _filename("hsds", code, "json")
    return _answer(request, filename, "application/json", count, chunks, language)


@require_safe
def index(request):
    """What /open-data/ offers: each file, its format, columns and licence, and the locales."""
    try:
        check_known(request.GET, [])
    except BadUserInput as error:
        return bad_request(error)
    base = public_base_url() + "/open-data/"
    columns = [
        {"name": column.name, "meaning": column.meaning, "format": column.kind.format}
        for column in export_columns(ENTERPRISES, include_private=False)
    ]
    locales = [code for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES]
    parameter = (
        "locale: one row per enterprise in this language where translated, else English; "
        "without it, every public row in every locale, English first."
    )
    files = [
        {
            "name": "enterprises.csv",
            "url": base + "enterprises.csv",
            "mediaType": "text/csv",
            "description": "Public social enterprises in the import columns of the directory, "
            "lists separated by |. " + parameter,
            "columns": columns,
            "license": license_object(),
        },
        {
            "name": "enterprises.json",
            "url": base + "enterprises.json",
            "mediaType": "application/json",
            "description": "The same records as enterprises.csv, as JSON: an object with "
            "license, locale and records (lists as arrays, numbers as numbers). " + parameter,
            "columns": columns,
            "license": license_object(),
        },
        {
            "name": "hsds.json",
            "url": base + "hsds.json",
            "mediaType": "application/json",
            "description": "Public social enterprises and support organisations (their "
            "support types as services) as Open Referral HSDS 3.0 organizations "
            "(https://docs.openreferral.org/en/latest/), one per entry in the language "
            "of locale where translated, else English (default en).",
            "conformsTo": "https://docs.openreferral.org/en/latest/",
            "license": license_object(),
        },
    ]
    body = {
        "title": f"{settings.WAGTAIL_SITE_NAME}: open data",
        "license": license_object(),
        "locales": locales,
        "files": files,
    }
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Link"] = LINK_HEADER
    return response
