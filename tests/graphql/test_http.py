"""The view: preview tokens, caching headers, CORS, request limits, error hygiene."""

import json
import time
from unittest import mock

from django.test import override_settings

from wagtail_headless_preview.models import PagePreview

import pytest

from tests import factories

pytestmark = pytest.mark.django_db

PREVIEW = """
query($token: String) {
  page(path: "/library/measuring-social-impact/", previewToken: $token) { title }
}
"""


def frontend_preview_token(admin_client, page, **changes):
    """Ask the admin for the frontend preview of an edited page, as an editor does."""
    from wagtail.test.utils.form_data import nested_form_data, streamfield

    data = nested_form_data(
        {
            "title": changes.get("title", page.title),
            "slug": page.slug,
            "intro": page.intro,
            "body": streamfield([]),
            "kind": page.kind,
            "date": page.date.isoformat(),
            "authors-TOTAL_FORMS": 0,
            "authors-INITIAL_FORMS": 0,
            "authors-MIN_NUM_FORMS": 0,
            "authors-MAX_NUM_FORMS": 1000,
        }
    )
    url = f"/admin/pages/{page.pk}/edit/preview/"
    assert admin_client.post(url, data).json()["is_valid"] is True
    response = admin_client.get(url, {"mode": "frontend"})
    assert response.status_code == 200
    preview = PagePreview.objects.latest("pk")
    assert preview.token in response.content.decode().replace("%3A", ":").replace("%3D", "=")
    return preview.token


def test_preview_token_serves_the_unpublished_draft(gql, admin_client):
    article = factories.article()
    token = frontend_preview_token(admin_client, article, title="Draft title in preview")
    body = gql(PREVIEW, {"token": token})
    assert body["data"]["page"]["title"] == "Draft title in preview"
    assert "no-store" in body["_response"]["Cache-Control"]
    # Without the token the public version is served.
    assert gql(PREVIEW)["data"]["page"]["title"] == "Measuring social impact"


def test_preview_token_expires(gql, admin_client, settings):
    article = factories.article()
    token = frontend_preview_token(admin_client, article, title="Draft title in preview")
    settings.PREVIEW_TOKEN_MAX_AGE = 3600
    two_hours_later = time.time() + 7200
    with mock.patch("django.core.signing.time", mock.Mock(time=lambda: two_hours_later)):
        body = gql(PREVIEW, {"token": token}, expect_errors=True)
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "expired" in body["errors"][0]["message"]
    assert body["data"]["page"] is None


def test_forged_preview_token_is_refused(gql):
    factories.article()
    body = gql(PREVIEW, {"token": "id=1:forged"}, expect_errors=True)
    assert "not valid" in body["errors"][0]["message"]


def test_public_get_responses_are_cacheable_and_posts_are_not(client, gql):
    response = client.get("/graphql/", {"query": "{ pages { totalCount } }"})
    assert response.status_code == 200
    assert "public" in response["Cache-Control"]
    assert "max-age=" in response["Cache-Control"]
    assert "no-store" in gql("{ pages { totalCount } }")["_response"]["Cache-Control"]


def test_errors_are_never_cached(client):
    response = client.get("/graphql/", {"query": "{ pages(limit: 1000) { totalCount } }"})
    assert "no-store" in response["Cache-Control"]


@override_settings(CORS_ALLOWED_ORIGINS=["https://frontend.example"])
def test_cors_allows_configured_frontends_only(client):
    allowed = client.options(
        "/graphql/",
        HTTP_ORIGIN="https://frontend.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
    )
    assert allowed["Access-Control-Allow-Origin"] == "https://frontend.example"
    refused = client.options(
        "/graphql/",
        HTTP_ORIGIN="https://evil.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
    )
    assert "Access-Control-Allow-Origin" not in refused


def test_mutations_over_get_and_batches_are_refused(client):
    batch = client.post(
        "/graphql/",
        data=json.dumps([{"query": "{ pages { totalCount } }"}] * 2),
        content_type="application/json",
    )
    assert batch.status_code == 400
    assert batch.json()["errors"][0]["message"]


def test_oversized_query_is_refused(client, settings):
    settings.GRAPHQL_MAX_QUERY_BYTES = 1000
    query = "{ pages { totalCount } }" + " " * 2000
    response = client.post(
        "/graphql/", data=json.dumps({"query": query}), content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"


def test_introspection_can_be_switched_off(gql, settings):
    settings.GRAPHQL_INTROSPECTION = False
    body = gql("{ __schema { types { name } } }", expect_errors=True)
    assert body["errors"][0]["extensions"]["code"] == "INTROSPECTION_DISABLED"


def test_a_resolver_crash_is_reported_without_internal_text(gql):
    with mock.patch("pages.schema.locale_roots", side_effect=RuntimeError("secret dsn=postgres")):
        body = gql('{ page(path: "/") { title } }', expect_errors=True)
    assert body["_response"].status_code == 200
    error = body["errors"][0]
    assert error["message"] == "Internal server error."
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert "secret" not in json.dumps(body["errors"])


def test_a_twenty_level_deep_query_is_too_complex(gql):
    """Blocks can link pages whose bodies link pages: a valid query of any depth."""
    selection = "title"
    for _ in range(10):  # 21 levels
        selection = (
            "... on ArticlePage { body { ... on CallToActionBlock { page { "
            + selection
            + " } } } }"
        )
    query = '{ page(path: "/") { ' + selection + " } }"
    body = gql(query, expect_errors=True)
    codes = [error["extensions"]["code"] for error in body["errors"]]
    assert codes == ["QUERY_TOO_COMPLEX"]
    assert "levels deep" in body["errors"][0]["message"]


def test_images_only_render_allowed_filters(gql):
    from wagtail.images.models import Image

    image = factories.ImageFactory()
    factories.article(hero_image=image)
    query = """query($f: String!) { page(path: "/library/measuring-social-impact/") {
        ... on ArticlePage { heroImage { rendition(filter: $f) { url } } } } }"""
    allowed = gql(query, {"f": "width-400"})
    assert allowed["data"]["page"]["heroImage"]["rendition"]["url"]
    refused = gql(query, {"f": "width-4000"}, expect_errors=True)
    assert refused["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "width-400" in refused["errors"][0]["message"]
    assert image.renditions.filter(filter_spec="width-4000").count() == 0
    assert Image.objects.count() == 1
