"""Where each page type may live, checked on the models and through the admin's add views."""

import datetime

from django.contrib.messages import get_messages
from django.urls import reverse

from wagtail.models import Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

import pytest

from directory.models import Topic
from pages import models as pages
from pages.blocks import BodyBlock
from tests import factories

# The rich text editor posts its own format, which depends on the features it offers.
PARAGRAPH_FEATURES = BodyBlock().child_blocks["paragraph"].features


@pytest.fixture
def tree(db):
    """One page of each container type: home, library, standard page."""
    home = factories.home_page()
    return {
        "root": Page.get_first_root_node(),
        "home": home,
        "library": factories.library(),
        "standard": factories.add_page(home, pages.StandardPage(title="About", slug="about")),
    }


def add_url(model, parent):
    return reverse(
        "wagtailadmin_pages:add",
        args=[model._meta.app_label, model._meta.model_name, parent.pk],
    )


def article_form_data(**fields):
    """The admin form of an article, as the editor's browser posts it."""
    data = {
        "title": "",
        "slug": "",
        "intro": "",
        "kind": "article",
        "date": "2022-01-24",
        "body": streamfield([]),
        "authors": inline_formset([]),
    }
    data.update(fields)
    return nested_form_data(data)


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        (pages.HomePage, {pages.LibraryIndexPage, pages.StandardPage}),
        (pages.LibraryIndexPage, {pages.ArticlePage, pages.TeachingMaterialPage, pages.ToolPage}),
        (pages.StandardPage, {pages.StandardPage}),
        (pages.ArticlePage, set()),
        (pages.TeachingMaterialPage, set()),
        (pages.ToolPage, set()),
    ],
)
def test_each_page_type_allows_only_its_own_subpage_types(model, expected):
    assert set(model.allowed_subpage_models()) == expected


# Which parents (by fixture key) each type may be created under; every other parent refuses it.
CREATABLE_UNDER = {
    pages.LibraryIndexPage: {"home"},
    pages.StandardPage: {"home", "standard"},
    pages.ArticlePage: {"library"},
    pages.TeachingMaterialPage: {"library"},
    pages.ToolPage: {"library"},
    # The root already holds the English home page; other locales get theirs from
    # wagtail-localize, which copies the English one.
    pages.HomePage: set(),
}


@pytest.mark.parametrize("model", list(CREATABLE_UNDER), ids=lambda model: model.__name__)
def test_page_type_can_be_created_only_under_its_parents(tree, model):
    creatable = {key for key, parent in tree.items() if model.can_create_at(parent)}
    assert creatable == CREATABLE_UNDER[model]


def test_home_page_cannot_be_added_twice_under_the_root(tree):
    assert pages.HomePage.allowed_parent_page_models() == [Page]
    assert pages.HomePage.objects.child_of(tree["root"]).count() == 1
    assert not pages.HomePage.can_create_at(tree["root"])


def test_admin_offers_only_library_types_under_the_library(admin_client, tree):
    library_choices = admin_client.get(
        reverse("wagtailadmin_pages:add_subpage", args=[tree["library"].pk])
    )
    home_choices = admin_client.get(
        reverse("wagtailadmin_pages:add_subpage", args=[tree["home"].pk])
    )

    for model in (pages.ArticlePage, pages.TeachingMaterialPage, pages.ToolPage):
        assert add_url(model, tree["library"]) in library_choices.content.decode()
        assert add_url(model, tree["home"]) not in home_choices.content.decode()
    for model in (pages.LibraryIndexPage, pages.StandardPage):
        assert add_url(model, tree["home"]) in home_choices.content.decode()
        assert add_url(model, tree["library"]) not in library_choices.content.decode()


def test_admin_add_article_form_opens_under_the_library(admin_client, tree):
    response = admin_client.get(add_url(pages.ArticlePage, tree["library"]))

    assert response.status_code == 200
    assert response.context["page_class"] is pages.ArticlePage
    assert 'name="authors-TOTAL_FORMS"' in response.content.decode()


@pytest.mark.parametrize("parent_key", ["home", "standard"])
def test_admin_refuses_to_add_an_article_outside_the_library(admin_client, tree, parent_key):
    parent = tree[parent_key]
    url = add_url(pages.ArticlePage, parent)

    get_response = admin_client.get(url)
    post_response = admin_client.post(url, article_form_data(title="Misplaced", slug="misplaced"))

    # The admin turns PermissionDenied into a redirect to its dashboard with a message.
    for response in (get_response, post_response):
        assert response.status_code == 302
        assert response["Location"] == reverse("wagtailadmin_home")
        assert "do not have permission" in str(list(get_messages(response.wsgi_request))[0])
    assert not pages.ArticlePage.objects.filter(slug="misplaced").exists()
    assert not pages.ArticlePage.objects.child_of(parent).exists()


def test_admin_creates_a_complete_article_with_body_blocks(admin_client, tree):
    image = factories.ImageFactory(title="Partner meeting")
    document = factories.DocumentFactory(title="Meeting minutes")
    topic = Topic.objects.get(locale__language_code="en", slug="impact-measurement")
    target = tree["standard"]

    response = admin_client.post(
        add_url(pages.ArticlePage, tree["library"]),
        {
            **article_form_data(
                title="Mid-term partner meeting in Gdańsk",
                slug="mid-term-partner-meeting",
                intro="Three countries met in Gdańsk, Denmark and Estonia joined online.",
                kind="news",
                date="2022-01-24",
                hero_image=str(image.pk),
                authors=inline_formset(
                    [
                        {"name": "Anna Nowak", "organisation": "BISER"},
                        {"name": "Mette Jensen", "organisation": ""},
                    ]
                ),
                body=streamfield(
                    [
                        ("heading", {"text": "What we agreed", "level": "h3"}),
                        (
                            "paragraph",
                            rich_text(
                                "<p>A <b>shared</b> database of enterprises.</p>",
                                features=PARAGRAPH_FEATURES,
                            ),
                        ),
                        (
                            "image",
                            {
                                "image": str(image.pk),
                                "alt_text": "Partners around a table in Gdańsk",
                                "caption": "The meeting room",
                                "credit": "",
                            },
                        ),
                        ("quote", {"text": "Hybrid works.", "attribution": "A partner"}),
                        (
                            "document",
                            {"document": str(document.pk), "title": "", "description": ""},
                        ),
                        (
                            "call_to_action",
                            {
                                "title": "Join the network",
                                "text": "",
                                "link_label": "About us",
                                "page": str(target.pk),
                                "url": "",
                            },
                        ),
                        (
                            "key_figures",
                            {
                                "heading": "In numbers",
                                # A ListBlock posts like a StreamBlock, without types.
                                "figures": {
                                    "count": "2",
                                    "0": {
                                        "value": {"figure": "400+", "caption": "enterprises"},
                                        "deleted": "",
                                        "order": "0",
                                    },
                                    "1": {
                                        "value": {"figure": "12", "caption": "countries"},
                                        "deleted": "",
                                        "order": "1",
                                    },
                                },
                            },
                        ),
                    ]
                ),
            ),
            "topics": [str(topic.pk)],
            "countries": ["PL", "DK", "EE"],
            "action-publish": "Publish",
        },
    )

    page = pages.ArticlePage.objects.get(slug="mid-term-partner-meeting")
    assert response.status_code == 302, response.context["form"].errors
    assert page.get_parent().specific == tree["library"]
    assert page.live
    assert page.title == "Mid-term partner meeting in Gdańsk"
    assert page.kind == "news"
    assert page.date == datetime.date(2022, 1, 24)
    assert page.hero_image == image
    assert [(a.name, a.organisation) for a in page.authors.all()] == [
        ("Anna Nowak", "BISER"),
        ("Mette Jensen", ""),
    ]
    assert list(page.topics.all()) == [topic]
    assert [country.code for country in page.countries] == ["DK", "EE", "PL"]

    blocks = {block.block_type: block.value for block in page.body}
    assert [block.block_type for block in page.body] == [
        "heading",
        "paragraph",
        "image",
        "quote",
        "document",
        "call_to_action",
        "key_figures",
    ]
    assert blocks["heading"]["text"] == "What we agreed"
    assert blocks["heading"]["level"] == "h3"
    assert "<b>shared</b>" in blocks["paragraph"].source
    assert blocks["image"]["image"] == image
    assert blocks["image"]["alt_text"] == "Partners around a table in Gdańsk"
    assert blocks["document"]["document"] == document
    assert blocks["call_to_action"]["page"].specific == target
    assert [(f["figure"], f["caption"]) for f in blocks["key_figures"]["figures"]] == [
        ("400+", "enterprises"),
        ("12", "countries"),
    ]
