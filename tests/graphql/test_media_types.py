"""Images and documents show what a frontend needs, and nothing of storage or other pages."""

from pathlib import Path

from django.conf import settings

import pytest
from graphql import build_schema

from cms.graphql.schema import schema as live_schema
from pages import models as pages
from tests import factories

pytestmark = pytest.mark.django_db

# Storage paths, hashes, collections, tags, upload times, grapple's own media types, and the
# reverse relation that listed downloads of unpublished pages.
LEAKY_FIELDS = {
    "file",
    "fileHash",
    "collection",
    "tags",
    "createdAt",
    "renditions",
    "teachingmaterialdownloadSet",
}
LEAKY_TYPES = {
    "ImageObjectType",
    "DocumentObjectType",
    "ImageRenditionObjectType",
    "CollectionObjectType",
    "TagObjectType",
}


def leaks(schema):
    found = set(LEAKY_TYPES & set(schema.type_map))
    for name, graphql_type in schema.type_map.items():
        fields = getattr(graphql_type, "fields", None) or {}
        found.update(f"{name}.{field}" for field in fields if field in LEAKY_FIELDS)
        found.update(
            f"{name}.{field}" for field in fields if "teachingmaterialdownload" in field.lower()
        )
    return found


@pytest.mark.parametrize(
    "schema",
    [
        pytest.param(live_schema.graphql_schema, id="live"),
        pytest.param(
            build_schema((Path(settings.BASE_DIR) / "schema.graphql").read_text()),
            id="schema.graphql",
        ),
    ],
)
def test_no_type_in_the_schema_exposes_storage_or_reverse_relations(schema):
    assert leaks(schema) == set()
    assert {"Image", "Document"} <= set(schema.type_map)


IMAGE = """query($filter: String!, $widths: [Int!]!) {
  page(path: "/library/measuring-social-impact/") { ... on ArticlePage { heroImage {
    id title url width height alt focalPoint { x y width height }
    rendition(filter: $filter) { url width height }
    srcSet(widths: $widths)
  } } } }"""


def test_an_image_has_its_size_alt_text_focal_point_and_allowed_renditions(gql):
    image = factories.ImageFactory(
        title="Partner meeting",
        description="Partners around a table in Gdańsk",
        file__width=1600,
        file__height=900,
        focal_point_x=800,
        focal_point_y=450,
        focal_point_width=200,
        focal_point_height=100,
    )
    factories.article(hero_image=image)

    hero = gql(IMAGE, {"filter": "width-400", "widths": [400, 800]})["data"]["page"]["heroImage"]

    assert hero["id"] == str(image.pk)
    assert hero["title"] == "Partner meeting"
    assert hero["url"].startswith("http://testserver/")
    assert (hero["width"], hero["height"]) == (1600, 900)
    assert hero["alt"] == "Partners around a table in Gdańsk"
    assert hero["focalPoint"] == {"x": 800, "y": 450, "width": 200, "height": 100}
    assert hero["rendition"]["width"] == 400
    assert ".width-400." in hero["rendition"]["url"]
    assert hero["srcSet"].count("http://testserver/") == 2
    assert hero["srcSet"].endswith(" 800w")


def test_an_image_without_description_uses_its_title_as_alt_text(gql):
    factories.article(hero_image=factories.ImageFactory(title="Riga harbour"))
    query = """{ page(path: "/library/measuring-social-impact/") {
      ... on ArticlePage { heroImage { alt focalPoint { x } } } } }"""

    hero = gql(query)["data"]["page"]["heroImage"]

    assert hero == {"alt": "Riga harbour", "focalPoint": None}


@pytest.mark.parametrize(
    "variables",
    [
        {"filter": "width-4000", "widths": [400]},
        {"filter": "width-400", "widths": [400, 4000]},
    ],
    ids=["rendition", "srcSet"],
)
def test_a_rendition_outside_the_allow_list_is_refused_and_not_made(gql, variables):
    image = factories.ImageFactory()
    factories.article(hero_image=image)

    body = gql(IMAGE, variables, expect_errors=True)

    error = body["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "width-4000" in error["message"]
    assert "width-800" in error["message"]
    assert not image.renditions.filter(filter_spec="width-4000").exists()


def test_a_document_has_its_title_address_size_and_type(gql):
    document = factories.DocumentFactory(title="Facilitator guide")
    library = factories.library()
    factories.add_page(
        library,
        pages.TeachingMaterialPage(
            title="Impact workshop",
            slug="impact-workshop",
            downloads=[pages.TeachingMaterialDownload(document=document, language="lv")],
            body=[("document", {"document": document, "title": "", "description": ""})],
        ),
    )
    query = """{ page(path: "/library/impact-workshop/") { ... on TeachingMaterialPage {
      downloads { document { id title url fileSize fileExtension contentType } }
      body { ... on DocumentBlock { document { title url } } }
    } } }"""

    page = gql(query)["data"]["page"]

    download = page["downloads"][0]["document"]
    assert download["id"] == str(document.pk)
    assert download["title"] == "Facilitator guide"
    assert download["url"] == f"http://testserver{document.url}"
    assert download["fileSize"] == document.file_size
    assert download["fileExtension"] == document.file_extension.lower()
    assert download["contentType"] == document.content_type
    assert page["body"][0]["document"] == {"title": "Facilitator guide", "url": download["url"]}


def test_a_directory_logo_is_an_image(gql):
    factories.SocialEnterpriseFactory(
        slug="with-logo", logo=factories.ImageFactory(title="Bakery logo")
    )

    body = gql('{ enterprise(slug: "with-logo") { logo { __typename title alt url } } }')

    logo = body["data"]["enterprise"]["logo"]
    assert logo["__typename"] == "Image"
    assert logo["title"] == "Bakery logo"
    assert logo["url"].startswith("http://testserver/")
