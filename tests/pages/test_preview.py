"""Editors preview every page type in the admin; the same templates serve the public URLs."""

import datetime
import re

from django.urls import reverse

from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

import pytest

from directory.models import Topic
from pages import models as pages
from tests import factories


@pytest.fixture
def embed(db):
    return factories.cached_embed()


@pytest.fixture
def site(db, embed):
    """One published page of each type, each with every body block."""
    image = factories.ImageFactory(title="Partner meeting")
    document = factories.DocumentFactory(title="Meeting minutes")
    topic = Topic.objects.get(locale__language_code="en", slug="impact-measurement")
    home = factories.home_page()
    about = factories.add_page(home, pages.StandardPage(title="About the network", slug="about"))
    body = factories.every_block(image, document, about)

    home.intro = "The knowledge and networking hub around the Baltic Sea."
    home.body = body
    home.save_revision().publish()
    library = factories.add_page(
        home, pages.LibraryIndexPage(title="Library", slug="library", intro="Read and learn.")
    )
    article = factories.article(
        parent=library,
        title="Measuring social impact",
        intro="How social enterprises show the change they make.",
        kind="case_study",
        date=datetime.date(2022, 1, 24),
        hero_image=image,
        countries=["DK", "LV"],
        authors=[pages.ArticleAuthor(name="Anna Nowak", organisation="BISER")],
        topics=[topic],
        body=body,
    )
    material = factories.add_page(
        library,
        pages.TeachingMaterialPage(
            title="Impact measurement workshop",
            slug="impact-workshop",
            intro="A half-day workshop plan.",
            audience=["educators", "ngos"],
            level="intermediate",
            format="workshop_plan",
            duration_minutes=180,
            learning_outcomes=[("outcome", {"text": "choose impact indicators"})],
            material_languages=["en", "uk"],
            licence="cc-by-sa-4.0",
            downloads=[
                pages.TeachingMaterialDownload(
                    document=document, title="Facilitator guide", language="lv"
                )
            ],
            body=body,
        ),
    )
    tool = factories.add_page(
        library,
        pages.ToolPage(
            title="Shared whiteboard",
            slug="shared-whiteboard",
            intro="Plan together online.",
            category="online_collaboration",
            website="https://whiteboard.example",
            pricing="nonprofit_discount",
            open_source=True,
            platforms=["web", "paper"],
            body=body,
        ),
    )
    return {
        "home": home.specific,
        "library": library,
        "standard": about,
        "article": article,
        "material": material,
        "tool": tool,
        "document": document,
    }


# What each page type shows of its own fields, as a reader sees it.
OWN_FIELDS = {
    "home": ["The knowledge and networking hub around the Baltic Sea.", "Library"],
    "library": [
        "Read and learn.",
        "Measuring social impact",
        "Impact measurement workshop",
        "Shared whiteboard",
        "Teaching material",
    ],
    "standard": ["About the network"],
    "article": [
        "Business model case study",
        "Anna Nowak (BISER)",
        "How social enterprises show the change they make.",
        "Impact measurement",
        "Denmark, Latvia",
    ],
    "material": [
        "Workshop plan",
        "Intermediate",
        "180 minutes",
        "Educators and trainers",
        "NGOs",
        "English, Українська",
        "CC BY-SA 4.0",
        "choose impact indicators",
        "Facilitator guide",
        "Latviešu",
    ],
    "tool": [
        "Digital tools for online collaboration",
        "https://whiteboard.example",
        "Paid, with a non-profit discount",
        "<dd>Yes</dd>",
        "Paper / offline",
    ],
}

# What the shared body renders, one line per block.
BODY = [
    "<h3>What we agreed</h3>",
    "A <b>shared</b> database of enterprises.",
    "The meeting room",
    "Hybrid works.",
    'title="SESN partner meeting video"',
    "Meeting minutes",
    "Notes from the meeting",
    "Join the network",
    "400+",
    "social enterprises",
]
BODY_TYPES = ["home", "article", "material", "tool"]


@pytest.mark.parametrize("key", list(OWN_FIELDS))
def test_public_url_renders_page_with_its_fields(client, site, key):
    page = site[key]

    response = client.get(page.url)

    html = response.content.decode()
    assert response.status_code == 200
    assert f"<h1>{page.title}</h1>" in html
    for text in OWN_FIELDS[key]:
        assert text in html
    if key in BODY_TYPES:
        for text in BODY:
            assert text in html


def test_public_article_links_to_chosen_page_and_document(client, site):
    html = client.get(site["article"].url).content.decode()

    assert f'<a href="{site["standard"].url}">About us</a>' in html
    assert f'<a href="{site["document"].url}">Meeting minutes</a>' in html


def test_image_block_renders_a_small_rendition_with_its_alt_text(client, site):
    html = client.get(site["article"].url).content.decode()

    images = re.findall(r"<img [^>]*>", html)
    block_image = [tag for tag in images if "Partners around a table" in tag]
    assert len(block_image) == 1
    assert 'alt="Partners around a table in Gdańsk"' in block_image[0]
    assert ".width-800." in block_image[0]


def test_draft_page_is_not_public(client, site):
    draft = factories.article(parent=site["library"], title="Not yet", live=False)

    assert client.get(draft.url).status_code == 404


def base_form(page, **fields):
    """The admin edit form of a page as the browser posts it (fields of BasePage)."""
    return {
        "title": page.title,
        "slug": page.slug,
        "intro": page.intro,
        "body": streamfield([]),
        **fields,
    }


def admin_form_data(key, page):
    """The edit form of each page type, with the preview's changes to the title and body."""
    data = base_form(
        page,
        title=f"{page.title} (edited)",
        body=streamfield(
            [
                ("heading", {"text": "Unsaved heading", "level": "h2"}),
                ("quote", {"text": "Unsaved quote", "attribution": ""}),
            ]
        ),
    )
    if key == "article":
        data.update(
            kind="report",
            date="2022-08-31",
            authors=inline_formset(
                [{"name": "Jonas Petraitis", "organisation": "Socialinių investicijų fondas"}]
            ),
        )
    elif key == "material":
        data.update(
            level="advanced",
            format="handbook",
            duration_minutes="90",
            licence="cc0-1.0",
            learning_outcomes=streamfield([("outcome", {"text": "write an impact report"})]),
            downloads=inline_formset([]),
        )
    elif key == "tool":
        data.update(
            category="fundraising",
            website="https://crowdfunding.example",
            pricing="free",
            open_source="",
        )
    form = nested_form_data(data)
    if key == "material":
        form["audience"] = ["students"]
        form["material_languages"] = ["pl"]
    if key == "tool":
        form["platforms"] = ["android"]
    return form


PREVIEW_SHOWS = {
    "home": [],
    "library": ["Measuring social impact"],
    "standard": [],
    "article": ["Report", "Jonas Petraitis (Socialinių investicijų fondas)"],
    "material": [
        "Handbook",
        "Advanced",
        "90 minutes",
        "Students",
        "Polski",
        "CC0 1.0",
        "write an impact report",
    ],
    "tool": ["Fundraising", "https://crowdfunding.example", "<dd>Free</dd>", "Android"],
}


@pytest.mark.parametrize("key", list(PREVIEW_SHOWS))
def test_admin_preview_renders_unsaved_changes_of_each_page_type(admin_client, site, key):
    page = site[key]
    url = reverse("wagtailadmin_pages:preview_on_edit", args=[page.pk])

    posted = admin_client.post(url, admin_form_data(key, page))
    preview = admin_client.get(url)

    assert posted.json() == {"is_valid": True, "is_available": True}
    html = preview.content.decode()
    assert f"<h1>{page.title} (edited)</h1>" in html
    assert "<h2>Unsaved heading</h2>" in html
    assert "Unsaved quote" in html
    for text in PREVIEW_SHOWS[key]:
        assert text in html
    # A preview saves nothing.
    page.refresh_from_db()
    assert not page.title.endswith("(edited)")
    assert "Unsaved heading" not in str(page.body)


def test_admin_preview_of_a_draft_shows_the_draft(admin_client, site):
    draft = factories.article(
        parent=site["library"],
        title="Final evaluation meeting",
        intro="Lithuania, August 2022.",
        live=False,
    )

    response = admin_client.get(reverse("wagtailadmin_pages:view_draft", args=[draft.pk]))

    html = response.content.decode()
    assert "<h1>Final evaluation meeting</h1>" in html
    assert "Lithuania, August 2022." in html
