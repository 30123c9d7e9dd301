"""The privacy matrix: every hostile state x every public surface, zero leaks.

Each hostile state (a draft, a newer draft of a public page, expired content, a future
`go_live_at`, a view restriction, an unpublished translation, a draft event, an expired preview
token, private contact fields, a download of a draft page) writes a marker of its own,
`privmark-<state>-<where>`, into every text field that could leak, and the hostile content is
linked from public content so that nested relations reach it. Then every surface is asked:
every root field of the live schema (selections generated from the schema itself, so a new
field is covered without editing this file) in `en` and `lv`, search, facets, partnerMatches,
the .ics feeds, the Atom feeds and open data files (also filtered by hidden codes), the
public mutations that act on entries (`contactEntry` to every hidden entry and to the entries
whose private contact carries markers, `subscribe`) and the alert digests they lead to, the
server-rendered HTML (every page a crawl reaches from each home page, and the
hostile pages' own addresses) and every document a public answer links to.

A marker in an answer is a leak, unless the request itself carried it (an error that repeats
the slug a client asked for tells the client nothing). Facets and filters cannot carry text, so
hidden records use countries and codes no public record uses, and a facet value or a non-empty
filtered list with one of those codes is a leak too. A surface that answers with an internal
error is reported as well: it could not be probed.

A document that only a draft page uses is still served at its own address (Wagtail documents
have no draft state; collections' view restrictions protect files): the test checks that no
public answer links to it, not that the unguessable address is refused.
"""

import datetime
import json
import re
import time
from collections import deque
from types import SimpleNamespace
from unittest import mock
from urllib.parse import urlencode, urlsplit

from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.urls import Resolver404, resolve
from django.utils import timezone

from wagtail.models import Collection, CollectionViewRestriction, Page, PageViewRestriction
from wagtail.rich_text import RichText

import pytest
from graphql import (
    get_named_type,
    is_abstract_type,
    is_leaf_type,
)

from directory.models import RecognisedStatus
from pages import models as pages
from tests import factories

pytestmark = pytest.mark.django_db

MARK = "privmark"
MARKER = re.compile(rf"{MARK}-([a-z]+)-([a-z0-9-]*[a-z0-9])", re.IGNORECASE)
# Public content carrying this state's markers must be found on every kind of surface: a
# probe that sees nothing proves nothing.
CANARY = "canary"
STATES = [
    "draft",
    "newerdraft",
    "expired",
    "golive",
    "restricted",
    "lvdraft",
    "draftevent",
    "preview",
    "contact",
    "download",
]
LOCALES = ["en", "lv"]
# Selections reach this deep below a root field: pages > items > body > page (a block's
# link) > relatedEnterprises > logo > collection > descendants > name.
SELECTION_DEPTH = 8
PAST = datetime.timedelta(days=2)
FUTURE = datetime.timedelta(days=30)
SEARCH_WORDS = [MARK, *STATES, "public", "handout"]


def marker(state, where):
    return f"{MARK}-{state}-{where}"


def web(state, where):
    return f"https://{marker(state, where)}.example"


def email(state, where):
    return f"{marker(state, where)}@example.com"


# The hostile site --------------------------------------------------------------------------


def entry_fields(state, kind):
    """Every text field of a directory entry, each with its own marker."""
    return {
        "name": marker(state, f"{kind}-name"),
        "slug": marker(state, f"{kind}-slug"),
        "summary": marker(state, f"{kind}-summary"),
        "description": f"<p>{marker(state, f'{kind}-description')}</p>",
        "city": marker(state, f"{kind}-city"),
        "address": marker(state, f"{kind}-address"),
        "website": web(state, f"{kind}-website"),
        "email": email(state, f"{kind}-email"),
        "phone": marker(state, f"{kind}-phone"),
        "contact_name": marker(state, f"{kind}-contactname"),
        "contact_email": email(state, f"{kind}-contactemail"),
    }


def event_fields(state, kind="event"):
    return {
        "title": marker(state, f"{kind}-title"),
        "slug": marker(state, f"{kind}-slug"),
        "summary": marker(state, f"{kind}-summary"),
        "description": f"<p>{marker(state, f'{kind}-description')}</p>",
        "english_summary": marker(state, f"{kind}-englishsummary"),
        "city": marker(state, f"{kind}-city"),
        "venue": marker(state, f"{kind}-venue"),
        "address": marker(state, f"{kind}-address"),
        "online_url": web(state, f"{kind}-onlineurl"),
        "registration_url": web(state, f"{kind}-registrationurl"),
        "contact_name": marker(state, f"{kind}-contactname"),
        "contact_email": email(state, f"{kind}-contactemail"),
    }


def document(title, text, filename):
    return factories.DocumentFactory(title=title, file=ContentFile(text.encode(), name=filename))


def page_fields(state, kind, image=None, doc=None, cta=None):
    """Every text field of a page and a body with every block that carries text."""
    body = [
        ("heading", {"text": marker(state, f"{kind}-heading"), "level": "h2"}),
        ("paragraph", RichText(f"<p>{marker(state, f'{kind}-paragraph')}</p>")),
        ("quote", {"text": marker(state, f"{kind}-quote"), "attribution": marker(state, "a")}),
        (
            "key_figures",
            {
                "heading": marker(state, f"{kind}-figures"),
                "figures": [{"figure": "1", "caption": marker(state, f"{kind}-figure")}],
            },
        ),
    ]
    if image:
        body.append(
            (
                "image",
                {
                    "image": image,
                    "alt_text": marker(state, f"{kind}-alt"),
                    "caption": marker(state, f"{kind}-caption"),
                    "credit": marker(state, f"{kind}-credit"),
                },
            )
        )
    if doc:
        body.append(
            (
                "document",
                {
                    "document": doc,
                    "title": marker(state, f"{kind}-doctitle"),
                    "description": marker(state, f"{kind}-docdescription"),
                },
            )
        )
    if cta:
        body.append(
            (
                "call_to_action",
                {
                    "title": marker(state, f"{kind}-ctatitle"),
                    "text": marker(state, f"{kind}-ctatext"),
                    "link_label": marker(state, f"{kind}-ctalabel"),
                    "page": cta,
                    "url": "",
                },
            )
        )
    return {
        "title": marker(state, f"{kind}-title"),
        "slug": marker(state, f"{kind}-slug"),
        "seo_title": marker(state, f"{kind}-seotitle"),
        "search_description": marker(state, f"{kind}-searchdescription"),
        "intro": marker(state, f"{kind}-intro"),
        "body": body,
    }


def cta(page, title="Read on"):
    return ("call_to_action", {"title": title, "link_label": "Go", "page": page, "url": ""})


def make_preview_token(page, age_seconds):
    """A wagtail-headless-preview token signed `age_seconds` ago, as the admin makes them."""
    signed_at = time.time() - age_seconds
    with mock.patch("django.core.signing.time", mock.Mock(time=lambda: signed_at)):
        return page.create_page_preview().token


def shift(model, obj, **fields):
    """Write columns directly, as an import or a script would, behind the publishing flow."""
    model.objects.filter(pk=obj.pk).update(**fields)


@pytest.fixture
def hostile_site(db):
    """Public content that links to hostile content of every state (see the module docstring).

    Returns what the surfaces need: hostile slugs and paths to ask for directly, the codes
    only hidden records carry (for facets and filters), and the expired preview token.
    """
    now = timezone.now()
    site = SimpleNamespace(
        page_paths=[],
        hostile_paths={},
        enterprise_slugs={},
        organisation_slugs={},
        event_slugs={},
        hidden_codes={},
        preview_tokens={},
    )

    def hide_code(dimension, value, state):
        site.hidden_codes.setdefault(dimension, {}).setdefault(str(value), set()).add(state)

    # Media: a public image and document, and ones only hostile content uses.
    public_image = factories.ImageFactory(title="Public photo")
    shared_doc = document(
        "Shared handout", f"A public handout. {marker(CANARY, 'doc-file')}", "shared-handout.txt"
    )
    draft_image = factories.ImageFactory(title=marker("draft", "image-title"))
    draft_doc = document(
        marker("draft", "doc-title"), marker("draft", "doc-file"), "draft-notes.txt"
    )
    download_doc = document(
        marker("download", "doc-title"), marker("download", "doc-file"), "draft-handout.txt"
    )

    # A collection behind a password: its name is for editors.
    restricted_collection = Collection.get_first_root_node().add_child(
        name=marker("restricted", "collection")
    )
    CollectionViewRestriction.objects.create(
        collection=restricted_collection,
        restriction_type=CollectionViewRestriction.PASSWORD,
        password="secret",
    )

    # Directory: public records, hidden ones, and public ones with hostile parts.
    seeker = factories.SocialEnterpriseFactory(
        slug="public-seeker",
        name=marker(CANARY, "ent-name"),
        seeking_partners=True,
        logo=public_image,
    )
    factories.set_terms(seeker, offers=["mentoring"], needs=["funding"], sectors=["Q"], sdgs=[8])
    public_org = factories.SupportOrganisationFactory(slug="public-org", name="Public org")

    hidden_entries = {
        "draft": {"live": False},
        "expired": {"live": True, "expire_at": now - PAST},
        "golive": {"live": True, "go_live_at": now + FUTURE},
    }
    countries = iter(["IS", "MT", "CY", "LU", "IE", "PT", "GR", "HR", "SI", "BG", "RO", "SK"])
    hidden_enterprises, hidden_organisations = [], []
    for state, flags in hidden_entries.items():
        country = next(countries)
        enterprise = factories.SocialEnterpriseFactory(
            **entry_fields(state, "ent"),
            **flags,
            country=country,
            logo=factories.ImageFactory(title=marker(state, "logo-title")),
            seeking_partners=True,
            languages=["fi"],
            legal_form=marker(state, "ent-legalform"),
            recognised_status=RecognisedStatus.objects.get(
                slug="none", locale__language_code="en"
            ),
        )
        factories.set_terms(
            enterprise,
            offers=["funding", "premises"],
            needs=["mentoring", "legal-advice"],
            sectors=["U"],
            sdgs=[17],
            target_groups=["homeless-people"],
        )
        hidden_enterprises.append(enterprise)
        site.enterprise_slugs[enterprise.slug] = state
        for dimension, value in [
            ("countries", country),
            ("offers", "premises"),
            ("needs", "legal-advice"),
            ("sectors", "U"),
            ("sdgs", 17),
            ("targetGroups", "homeless-people"),
            ("languages", "fi"),
            ("recognisedStatuses", "none"),
        ]:
            hide_code(dimension, value, state)

        org_country = next(countries)
        organisation = factories.SupportOrganisationFactory(
            **entry_fields(state, "org"),
            **flags,
            country=org_country,
            countries_served=[org_country],
            seeking_partners=True,
            languages=["fi"],
        )
        factories.set_terms(
            organisation, offers=["funding", "premises"], support_types=["foundation"]
        )
        hidden_organisations.append(organisation)
        site.organisation_slugs[organisation.slug] = state
        for dimension, value in [
            ("countries", org_country),
            ("servesCountries", org_country),
            ("supportTypes", "foundation"),
        ]:
            hide_code(dimension, value, state)

    # Public records whose private contact fields carry markers.
    contact_enterprise = factories.SocialEnterpriseFactory(
        slug="public-contact",
        name="Public contact enterprise",
        contact_name=marker("contact", "ent-contactname"),
        contact_email=email("contact", "ent-contactemail"),
    )
    factories.SupportOrganisationFactory(
        slug="public-contact-org",
        name="Public contact org",
        contact_name=marker("contact", "org-contactname"),
        contact_email=email("contact", "org-contactemail"),
    )
    factories.EventFactory(
        slug="public-contact-event",
        title="Public contact event",
        organiser_enterprise=contact_enterprise,
        contact_name=marker("contact", "event-contactname"),
        contact_email=email("contact", "event-contactemail"),
    )

    # Public records with a newer draft: the marker lives only in the unpublished revision.
    newer_enterprise = factories.SocialEnterpriseFactory(slug="public-newer", name="Public newer")
    newer_event = factories.EventFactory(
        slug="public-newer-event", title=marker(CANARY, "event-title")
    )
    for record, fields in [
        (newer_enterprise, entry_fields("newerdraft", "ent")),
        (newer_event, event_fields("newerdraft")),
    ]:
        for name, value in fields.items():
            if name != "slug":
                setattr(record, name, value)
        record.save_revision()

    # Public records with an unpublished Latvian translation.
    lv_enterprise = factories.SocialEnterpriseFactory(slug="public-lv", name="Public lv")
    lv_fields = entry_fields("lvdraft", "ent")
    factories.translate_record(
        lv_enterprise,
        "lv",
        publish=False,
        **{k: lv_fields[k] for k in ["name", "summary", "description", "address"]},
    )
    factories.translate_record(
        public_org,
        "lv",
        publish=False,
        name=marker("lvdraft", "org-name"),
        summary=marker("lvdraft", "org-summary"),
    )
    lv_event = factories.EventFactory(slug="public-lv-event", title="Public lv event")
    factories.translate_record(
        lv_event,
        "lv",
        publish=False,
        title=marker("lvdraft", "event-title"),
        summary=marker("lvdraft", "event-summary"),
        venue=marker("lvdraft", "event-venue"),
    )

    # Events: hidden ones, and public ones organised by hidden entries.
    hidden_events = {
        "draftevent": {"live": False},
        "expired": {"live": True, "expire_at": now - PAST},
        "golive": {"live": True, "go_live_at": now + FUTURE},
    }
    for state, flags in hidden_events.items():
        country = next(countries)
        event = factories.EventFactory(
            **event_fields(state), **flags, country=country, organiser_enterprise=seeker
        )
        site.event_slugs[event.slug] = state
        hide_code("events.countries", country, state)
    for index, organiser in enumerate(hidden_enterprises):
        factories.EventFactory(
            slug=f"public-event-by-hidden-enterprise-{index}", organiser_enterprise=organiser
        )
    for index, organiser in enumerate(hidden_organisations):
        factories.EventFactory(
            slug=f"public-event-by-hidden-organisation-{index}", organiser_organisation=organiser
        )

    # Pages --------------------------------------------------------------------------------
    home = factories.home_page()
    library = factories.library()

    draft_page = factories.add_page(
        library,
        pages.ArticlePage(
            **page_fields("draft", "page", image=draft_image, doc=draft_doc),
            hero_image=draft_image,
            live=False,
        ),
    )
    draft_standard = factories.add_page(
        home, pages.StandardPage(**page_fields("draft", "standard"), live=False)
    )

    expired_page = factories.article(**page_fields("expired", "page"))
    shift(Page, expired_page, expire_at=now - PAST)
    golive_page = factories.article(**page_fields("golive", "page"))
    shift(Page, golive_page, go_live_at=now + FUTURE)

    restricted_standard = factories.add_page(
        home, pages.StandardPage(**page_fields("restricted", "standard"))
    )
    restricted_child = factories.add_page(
        restricted_standard, pages.StandardPage(**page_fields("restricted", "child"))
    )
    restricted_article = factories.article(**page_fields("restricted", "page"))
    for page in [restricted_standard, restricted_article]:
        PageViewRestriction.objects.create(
            page=page, restriction_type=PageViewRestriction.PASSWORD, password="secret"
        )

    # A public page with a newer draft; its preview token has expired.
    newer_page = factories.article(title="Public newer page", slug="public-newer-page")
    edited = Page.objects.get(pk=newer_page.pk).specific
    for name, value in page_fields("newerdraft", "page").items():
        setattr(edited, name, value)
    edited.save_revision()
    previewed = Page.objects.get(pk=newer_page.pk).specific
    for name, value in page_fields("preview", "page").items():
        if name != "slug":
            setattr(previewed, name, value)
    site.preview_tokens["expired"] = make_preview_token(
        previewed, django_settings.PREVIEW_TOKEN_MAX_AGE + 3600
    )
    draft_previewed = Page.objects.get(pk=draft_page.pk).specific
    draft_previewed.title = marker("preview", "draft-title")
    site.preview_tokens["expired-draft"] = make_preview_token(
        draft_previewed, django_settings.PREVIEW_TOKEN_MAX_AGE + 3600
    )

    # Teaching materials: a public one and a draft one share a document.
    factories.add_page(
        library,
        pages.TeachingMaterialPage(
            title="Public handout page",
            slug="public-handout-page",
            audience=["educators"],
            material_languages=["en"],
            downloads=[
                pages.TeachingMaterialDownload(document=shared_doc, title="Public handout")
            ],
        ),
    )
    factories.add_page(
        library,
        pages.TeachingMaterialPage(
            **page_fields("download", "page", doc=download_doc),
            audience=["educators"],
            material_languages=["en"],
            live=False,
            downloads=[
                pages.TeachingMaterialDownload(
                    document=shared_doc, title=marker("download", "shared-title")
                ),
                pages.TeachingMaterialDownload(
                    document=download_doc, title=marker("download", "own-title")
                ),
            ],
        ),
    )

    # The public article every nested relation starts from.
    public_article = factories.article(
        title="Public article",
        slug="public-article",
        intro=marker(CANARY, "page-intro"),
        search_description=marker(CANARY, "page-searchdescription"),
        hero_image=public_image,
        body=[
            ("paragraph", RichText("<p>Public words.</p>")),
            ("image", {"image": public_image, "alt_text": "Public", "caption": "", "credit": ""}),
            ("document", {"document": shared_doc, "title": "", "description": ""}),
            *(
                cta(target)
                for target in [
                    draft_page,
                    draft_standard,
                    expired_page,
                    golive_page,
                    restricted_standard,
                    restricted_child,
                    restricted_article,
                    newer_page,
                ]
            ),
        ],
    )
    public_article.related_enterprises.set([seeker, *hidden_enterprises, newer_enterprise])
    public_article.related_organisations.set([public_org, *hidden_organisations])
    public_article.save_revision().publish()
    factories.add_page(
        home,
        pages.StandardPage(
            title="Public about", slug="public-about", body=[cta(draft_page, "Read more")]
        ),
    )

    # Latvian: a published translation (so /lv/ has a tree) and an unpublished one.
    factories.translate_page(public_article, "lv", title="Publisks raksts", slug="publisks")
    lv_source = factories.article(title="Public lv page", slug="public-lv-page")
    lv_page_fields = page_fields("lvdraft", "page")
    factories.translate_page(
        lv_source,
        "lv",
        publish=False,
        **{k: lv_page_fields[k] for k in ["title", "slug", "intro", "seo_title"]},
    )

    for page in Page.objects.filter(depth__gt=2).specific():
        path = "/" + "".join(f"{part}/" for part in page.url_path.strip("/").split("/")[1:])
        if MARK in page.url_path:
            site.hostile_paths[path] = page.url_path
        else:
            site.page_paths.append(path)
    site.page_paths = sorted({"/", *site.page_paths})
    return site


# Selections generated from the schema -------------------------------------------------------


def stream_block_types():
    """The GraphQL type names of every block our StreamFields can hold (grapple names each
    type after its block class): only these can appear in an answer, so only these are
    selected, which keeps the selection's tree small enough to validate."""
    from wagtail.blocks import ListBlock
    from wagtail.fields import StreamField

    names, seen = set(), set()

    def walk(block):
        if id(block) in seen:
            return
        seen.add(id(block))
        names.add(type(block).__name__)
        children = list(getattr(block, "child_blocks", {}).values())
        if isinstance(block, ListBlock):
            children.append(block.child_block)
        for child in children:
            walk(child)

    from django.apps import apps

    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, StreamField):
                walk(field.stream_block)
    return names


class Selections:
    """Selections of every field without arguments, written out in full.

    Along one path a concrete type appears at most twice; an interface met again (the page a
    block links to) gets its own fields only, which is what a leak would show, while that
    page is asked for directly at the root as well. A struct block's generic `blocks` list is
    left out: its typed fields and `rawValue` carry the same content. Fields are written
    inline rather than through fragments: the server's depth rule expands fragments path by
    path, so the tree's size is what it costs either way. A field name the schema gives
    different types (`value: String!` on one block, `Int!` on another) is aliased per type,
    as GraphQL requires of overlapping fields.
    """

    REPEATS = 2

    def __init__(self, schema):
        self.schema = schema
        shapes = {}
        for named in schema.type_map.values():
            for name, field in getattr(named, "fields", {}).items():
                shapes.setdefault(name, set()).add(str(field.type))
        self.ambiguous = {name for name, types in shapes.items() if len(types) > 1}
        self.blocks = stream_block_types()

    def possible_types(self, named):
        types = self.schema.get_possible_types(named)
        if named.name == "StreamFieldInterface":
            types = [t for t in types if t.name in self.blocks]
        return types

    def select(self, graphql_type, depth, path=()):
        named = get_named_type(graphql_type)
        if is_abstract_type(named):
            if named.name in path:
                # Met again (a page a block links to): its interface's own fields only.
                return self.fields_of(named, min(depth, 2), (*path, named.name))
            path = (*path, named.name)
            parts = ["__typename"]
            for possible in self.possible_types(named):
                inner = self.select(possible, depth, path)
                parts.append(f"... on {possible.name} {inner}")
            return "{ " + " ".join(parts) + " }"
        path = (*path, named.name)
        if path.count(named.name) > self.REPEATS:
            return "{ __typename }"
        return self.fields_of(named, depth, path)

    def fields_of(self, named, depth, path):
        parts = ["__typename"]
        for name, field in named.fields.items():
            if field.args or (name == "blocks" and len(named.fields) > 5):
                continue
            selected = f"{name}_{named.name}: {name}" if name in self.ambiguous else name
            target = get_named_type(field.type)
            if is_leaf_type(target):
                parts.append(selected)
                continue
            if depth <= 1:
                continue
            if not is_abstract_type(target) and path.count(target.name) >= self.REPEATS:
                continue
            parts.append(f"{selected} {self.select(field.type, depth - 1, path)}")
        return "{ " + " ".join(parts) + " }"

    def document(self, calls):
        """One query asking every (root field, arguments) call under the alias c<index>."""
        lines, cache = [], {}
        for index, (root_field, arguments) in enumerate(calls):
            field = self.schema.query_type.fields[root_field]
            args = ", ".join(f"{name}: {literal(value)}" for name, value in arguments.items())
            call = f"c{index}: {root_field}({args})" if args else f"c{index}: {root_field}"
            if is_leaf_type(get_named_type(field.type)):
                lines.append(call)
                continue
            if root_field not in cache:
                cache[root_field] = self.select(field.type, SELECTION_DEPTH)
            lines.append(f"{call} {cache[root_field]}")
        return "\n".join(["{", *lines, "}"])


def literal(value):
    """A GraphQL literal: enum values are written bare (EnumValue), the rest as JSON."""
    if isinstance(value, EnumValue):
        return value.name
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {literal(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    return json.dumps(value)


class EnumValue(str):
    @property
    def name(self):
        return str(self)


def enum_values(schema, type_name):
    return [EnumValue(name) for name in schema.get_type(type_name).values]


def root_arguments(schema, site):
    """Every call of every root field the matrix makes: (root field, arguments)."""
    calls = []
    past = "2000-01-01T00:00:00Z"
    for locale in LOCALES:
        loc = {"locale": EnumValue(locale)}
        for path in [*site.page_paths, *site.hostile_paths]:
            calls.append(("page", {"path": path, **loc}))
        for token in site.preview_tokens.values():
            calls.append(("page", {"path": "/", "previewToken": token, **loc}))
        calls.append(("pages", {**loc, "limit": 100}))
        for page_type in enum_values(schema, "PageType"):
            calls.append(("pages", {**loc, "type": page_type, "limit": 100}))
        for order in enum_values(schema, "PageOrder"):
            calls.append(("pages", {**loc, "order": order, "limit": 100}))
        calls.append(("pages", {**loc, "topic": "funding", "limit": 100}))
        for word in SEARCH_WORDS:
            calls.append(("pages", {**loc, "search": word, "limit": 100}))
            calls.append(("search", {**loc, "query": word, "limit": 100}))
        for single, plural, slugs, order_type in [
            ("enterprise", "enterprises", site.enterprise_slugs, "DirectoryOrder"),
            ("supportOrganisation", "supportOrganisations", site.organisation_slugs, None),
            ("event", "events", site.event_slugs, "EventOrder"),
        ]:
            public_slugs = [
                "public-seeker",
                "public-contact",
                "public-newer",
                "public-lv",
                "public-org",
                "public-contact-org",
                "public-contact-event",
                "public-newer-event",
                "public-lv-event",
            ]
            for slug in [*public_slugs, *slugs]:
                calls.append((single, {"slug": slug, **loc}))
            base = {**loc, "limit": 100}
            if plural == "events":
                base["filter"] = {"from": past}
            calls.append((plural, base))
            for order in enum_values(schema, order_type or "DirectoryOrder"):
                calls.append((plural, {**base, "order": order}))
            if plural != "events":
                # Hidden entries are never verified: the stale list must still leave them out.
                for stale in (True, False):
                    filtered = {**base, "filter": {"stale": stale}}
                    calls.append((plural, {**filtered, "order": EnumValue("RECENTLY_VERIFIED")}))
            for word in SEARCH_WORDS:
                calls.append((plural, {**base, "search": word}))
        for slug in ["public-seeker", *site.enterprise_slugs]:
            calls.append(("partnerMatches", {"enterprise": slug, **loc, "limit": 100}))
        # Filters by codes only hidden records carry: the answer must be an empty list.
        for dimension, values in site.hidden_codes.items():
            plurals = {
                "events.countries": ("events", "countries"),
                "servesCountries": ("supportOrganisations", "servesCountries"),
                "supportTypes": ("supportOrganisations", "supportTypes"),
            }
            targets = (
                [plurals[dimension]]
                if dimension in plurals
                else [("enterprises", dimension), ("supportOrganisations", dimension)]
            )
            for plural, key in targets:
                argument = schema.query_type.fields[plural].args["filter"].type
                if key not in get_named_type(argument).fields:
                    continue
                for value in values:
                    code = int(value) if value.isdigit() else value
                    filter_value = {key: [code]}
                    if plural == "events":
                        filter_value["from"] = past
                    calls.append((plural, {**loc, "limit": 100, "filter": filter_value}))
    covered = {name for name, _arguments in calls}
    missing = set(schema.query_type.fields) - covered
    assert not missing, f"The matrix does not ask these root fields: {sorted(missing)}"
    return calls


# Scanning ------------------------------------------------------------------------------------


class Matrix:
    """Collects every request made and every leak found in its answer."""

    def __init__(self, site):
        self.site = site
        self.surfaces = []
        self.leaks = []
        self.unprobed = []
        self.links = set()
        self.canaries = set()

    def scan(self, surface, request_text, answer_text):
        self.surfaces.append(surface)
        asked = {m.group(0).lower() for m in MARKER.finditer(request_text)}
        for match in MARKER.finditer(answer_text):
            if match.group(0).lower() in asked:
                continue
            if match.group(1).lower() == CANARY:
                self.canaries.add(surface.split()[0])
                continue
            self.leaks.append((match.group(1).lower(), surface, match.group(0)))
        for link in re.findall(
            r"""(?:href|src)=["']([^"']+)["']|"(/[^"\s]*)"|"(https?://[^"\s]*)\"""", answer_text
        ):
            for candidate in link:
                if candidate:
                    self.links.add(candidate)

    def hidden_code_leaks(self, surface, data):
        """Facet values and filtered lists that reveal hidden records."""
        codes = self.site.hidden_codes

        def walk(node, key=None):
            if isinstance(node, dict):
                if key == "facets":
                    for dimension, facets in node.items():
                        for facet in facets or []:
                            if not isinstance(facet, dict):
                                continue
                            states = codes.get(dimension, {}).get(str(facet.get("value")))
                            if states:
                                self.leaks.append(
                                    (
                                        "|".join(sorted(states)),
                                        surface,
                                        f"facet {dimension}={facet['value']}",
                                    )
                                )
                for child_key, child in node.items():
                    walk(child, child_key)
            elif isinstance(node, list):
                for child in node:
                    walk(child, key)

        walk(data)

    def report(self):
        lines = [
            f"{state} x {surface}: {found}" for state, surface, found in sorted(set(self.leaks))
        ]
        lines += [f"UNPROBED {surface}: {problem}" for surface, problem in self.unprobed]
        return "\n".join(lines)


def post_graphql(client, query):
    response = client.post(
        "/graphql/", data=json.dumps({"query": query}), content_type="application/json"
    )
    return response


def body_text(response):
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    return content.decode("utf-8", errors="replace")


def unfold_ics(text):
    """RFC 5545 folds lines at 75 octets; a marker may be split across a fold."""
    return text.replace("\r\n ", "").replace("\r\n\t", "").replace("\\,", ",")


def describe(root_field, arguments):
    return f"graphql {root_field}({literal(arguments)[1:-1]})"


def check_answer(matrix, site, call, data, errors):
    """Scan one call's part of an answer: markers, facet values, filtered lists."""
    root_field, arguments = call
    surface = describe(root_field, arguments)
    matrix.scan(surface, literal(arguments), json.dumps([data, errors]))
    for error in errors:
        code = (error.get("extensions") or {}).get("code")
        if code not in ("NOT_FOUND", "BAD_USER_INPUT"):
            matrix.unprobed.append((surface, f"{code}: {error.get('message')}"))
    matrix.hidden_code_leaks(surface, data)
    # Filters by codes only hidden records carry; `from` and `stale` select public ones too.
    filters = set(arguments.get("filter") or {}) - {"from", "stale"}
    if filters and isinstance(data, dict) and (data.get("items") or data.get("totalCount")):
        dimension = next(iter(filters))
        value = str(arguments["filter"][dimension][0])
        key = f"events.{dimension}" if root_field == "events" else dimension
        states = site.hidden_codes.get(key, {}).get(value)
        if states:
            # A code several hidden states share names them all: any of them is counted.
            matrix.leaks.append(
                ("|".join(sorted(states)), surface, f"totalCount {data.get('totalCount')}")
            )


def ask(client, matrix, site, selections, calls):
    """Ask `calls` in one request; when the whole answer fails (a non-null root field broke),
    ask each call alone so one failure hides nothing else."""
    response = post_graphql(client, selections.document(calls))
    try:
        answer = json.loads(body_text(response))
    except ValueError:
        answer = {}
    data = answer.get("data")
    if data is None and len(calls) > 1:
        for call in calls:
            ask(client, matrix, site, selections, [call])
        return
    if data is None:
        root_field, arguments = calls[0]
        surface = describe(root_field, arguments)
        matrix.scan(surface, literal(arguments), body_text(response))
        problems = [
            f"{(error.get('extensions') or {}).get('code')}: {error.get('message')}"
            for error in answer.get("errors") or []
        ] or [f"HTTP {response.status_code}"]
        codes = {(e.get("extensions") or {}).get("code") for e in answer.get("errors") or []}
        if not codes <= {"NOT_FOUND", "BAD_USER_INPUT"} or not codes:
            matrix.unprobed.append((surface, "; ".join(problems)))
        matrix.surfaces.append(surface)
        return
    for index, call in enumerate(calls):
        alias = f"c{index}"
        errors = [e for e in answer.get("errors") or [] if (e.get("path") or [alias])[0] == alias]
        check_answer(matrix, site, call, data.get(alias), errors)


def probe_graphql(client, matrix, schema, site):
    selections = Selections(schema)
    batches = {}
    for call in root_arguments(schema, site):
        locale = str(call[1].get("locale"))
        batches.setdefault((locale, call[0]), []).append(call)
    for calls in batches.values():
        ask(client, matrix, site, selections, calls)


def probe_calendars(client, matrix, site):
    urls = []
    for locale in LOCALES:
        urls.append(f"/events.ics?{urlencode({'locale': locale})}")
        urls.append(f"/events.ics?{urlencode({'locale': locale, 'from': '2000-01-01T00:00:00Z'})}")
        for slug in [
            "public-contact-event",
            "public-newer-event",
            "public-lv-event",
            *site.event_slugs,
            *(f"public-event-by-hidden-enterprise-{i}" for i in range(3)),
            *(f"public-event-by-hidden-organisation-{i}" for i in range(3)),
        ]:
            urls.append(f"/events/{slug}.ics?{urlencode({'locale': locale})}")
    for url in urls:
        response = client.get(url)
        if response.status_code >= 500:
            matrix.unprobed.append((f"ics {url}", f"HTTP {response.status_code}"))
        matrix.scan(f"ics {url}", url, unfold_ics(body_text(response)))


FEED_PATHS = [
    "/feeds/enterprises.atom",
    "/feeds/events.atom",
    "/feeds/pages.atom",
    "/open-data/enterprises.csv",
    "/open-data/enterprises.json",
    "/open-data/hsds.json",
]


def feed_filter_urls(site):
    """Atom feeds filtered by the codes only hidden records carry: any entry is a leak."""
    from cms.query_string import parameters_of
    from directory.schema import DirectoryQuery

    urls = []
    for path, field, prefix in [
        ("/feeds/enterprises.atom", DirectoryQuery.enterprises, ""),
        ("/feeds/events.atom", DirectoryQuery.events, "events."),
    ]:
        names = parameters_of(field)
        for dimension, values in site.hidden_codes.items():
            name = dimension.removeprefix(prefix)
            if dimension.startswith("events.") != bool(prefix) or name not in names:
                continue
            for value, states in values.items():
                urls.append((f"{path}?{urlencode({name: value})}", states))
    return urls


def probe_feeds(client, matrix, site):
    """Atom feeds and open data (API.md names them), in every locale and none, and the feeds
    filtered by hidden codes."""
    urls = [("/open-data/", None)]
    for path in FEED_PATHS:
        urls.append((path, None))
        urls.extend((f"{path}?{urlencode({'locale': locale})}", None) for locale in LOCALES)
    urls.extend(feed_filter_urls(site))
    for url, hidden_states in urls:
        path = urlsplit(url).path
        try:
            resolve(path)
        except Resolver404:
            continue
        response = client.get(url)
        # Named by path, so each file must show public content (the canary) on its own.
        surface = f"{path} {url}"
        if response.status_code >= 500:
            matrix.unprobed.append((surface, f"HTTP {response.status_code}"))
        text = body_text(response)
        matrix.scan(surface, url, text)
        if hidden_states and response.status_code == 200 and "<entry" in text:
            matrix.leaks.append(("|".join(sorted(hidden_states)), surface, "a filtered entry"))
        elif hidden_states and response.status_code != 200:
            matrix.unprobed.append((surface, f"HTTP {response.status_code}"))


def probe_verification(client, matrix, site):
    """The "still correct?" e-mails and pages (directory/verification): the command's e-mails,
    and a link made for every entry row, hidden and draft translations included, opened and
    answered. The e-mail goes to the private contact, so its own name and address are no leak
    there; on the pages they are."""
    from io import StringIO

    from django.core import mail
    from django.core.management import call_command
    from django.urls import reverse

    from cms.visibility import visible_records
    from directory.models import SocialEnterprise, SupportOrganisation
    from directory.verification.links import make_token

    mail.outbox.clear()
    call_command("send_verification_requests", stdout=StringIO())
    for message in mail.outbox:
        recipient = message.to[0]
        own = [recipient]
        for model in (SocialEnterprise, SupportOrganisation):
            own += model.objects.filter(contact_email=recipient).values_list(
                "contact_name", flat=True
            )
        matrix.scan(f"verify-email {recipient}", " ".join(own), message.body + message.subject)
    states = {**site.enterprise_slugs, **site.organisation_slugs}
    for model in (SocialEnterprise, SupportOrganisation):
        public = set(visible_records(model).values_list("pk", flat=True))
        for row in model.objects.select_related("locale"):
            token = make_token(row, row.locale.language_code)
            surface = f"verify {model._meta.model_name} {row.slug} {row.locale.language_code}"
            for name in ["directory-verification", "directory-verification-update"]:
                response = client.get(reverse(name, args=[token]))
                matrix.scan(surface, "", body_text(response))
            if row.pk in public:
                continue
            before = model.objects.filter(pk=row.pk).values_list("last_verified", flat=True)[0]
            response = client.post(reverse("directory-verification", args=[token]))
            matrix.scan(surface, "", body_text(response))
            after = model.objects.filter(pk=row.pk).values_list("last_verified", flat=True)[0]
            if response.status_code != 404 or after != before:
                state = states.get(row.slug, "lvdraft")
                matrix.leaks.append((state, surface, "a hidden entry was verified"))


CONTACT_ENTRY = """mutation($input: ContactEntryInput!) {
  contactEntry(input: $input) { ok reference errors { field message } } }"""
SUBSCRIBE = """mutation($input: SubscribeInput!) {
  subscribe(input: $input) { ok errors { field message } } }"""
VISITOR = {"name": "Visitor", "email": "visitor@example.com", "message": "Hello."}


def mutate(client, query, input):
    response = client.post(
        "/graphql/",
        data=json.dumps({"query": query, "variables": {"input": input}}),
        content_type="application/json",
    )
    return response, json.dumps(input)


def probe_outreach(client, matrix, site):
    """contactEntry to every hidden entry must fail on `entry` and send nothing; to the public
    entries whose private contact carries markers it succeeds, and no answer or error shows
    the address. Then an alert of every kind in every locale gets a digest of everything (each
    row counted as newly published): public items only, no private field."""
    from io import StringIO

    from django.core import mail
    from django.core.management import call_command
    from django.db import transaction
    from django.test import override_settings

    from directory.models import AlertSubscription, Event, SocialEnterprise, SupportOrganisation

    hidden = {**site.enterprise_slugs, **site.organisation_slugs}
    public = {"public-contact": None, "public-contact-org": None}
    run_at_once = mock.patch.object(
        transaction, "on_commit", lambda callback, using=None, robust=False: callback()
    )
    # This probes privacy, not the rate limits.
    unlimited = override_settings(
        GRAPHQL_CONTACTS_PER_HOUR=1000, GRAPHQL_SUBSCRIPTIONS_PER_HOUR=1000
    )
    with run_at_once, unlimited:
        for slug, state in {**hidden, **public}.items():
            mail.outbox.clear()
            response, asked = mutate(client, CONTACT_ENTRY, {"entry": slug, **VISITOR})
            surface = f"graphql contactEntry(entry: {slug})"
            matrix.scan(surface, asked, body_text(response))
            result = (response.json().get("data") or {}).get("contactEntry") or {}
            if state and (result.get("ok") or mail.outbox):
                matrix.leaks.append((state, surface, "a hidden entry was contacted"))
            if not state and not result.get("ok"):
                matrix.unprobed.append((surface, body_text(response)))
        for kind in ["ENTERPRISES", "SUPPORT_ORGANISATIONS", "EVENTS", "PAGES"]:
            for locale in LOCALES:
                address = f"{kind.lower()}-{locale}@example.com"
                input = {"email": address, "kind": kind, "locale": locale}
                response, asked = mutate(client, SUBSCRIBE, input)
                matrix.scan(f"graphql subscribe({kind}, {locale})", asked, body_text(response))
    long_ago = timezone.now() - datetime.timedelta(days=30)
    AlertSubscription.objects.update(confirmed_at=long_ago, last_digest_at=long_ago)
    yesterday = timezone.now() - datetime.timedelta(days=1)
    for model in (SocialEnterprise, SupportOrganisation, Event, Page):
        model.objects.update(first_published_at=yesterday)
    mail.outbox.clear()
    call_command("send_alert_digests", stdout=StringIO())
    for message in mail.outbox:
        alert = message.to[0].split("@")[0]
        matrix.scan(f"digest {alert}", "", f"{message.subject}\n{message.body}")


def local_path(link):
    parts = urlsplit(link)
    if parts.scheme and parts.hostname not in ("localhost", "testserver", None):
        return None
    if parts.scheme not in ("", "http", "https"):
        return None
    path = parts.path
    if not path.startswith("/") or path.startswith(("/admin/", "/django-admin/", "/static/")):
        return None
    return path + (f"?{parts.query}" if parts.query else "")


def probe_html_and_documents(client, matrix, site):
    """Crawl the server-rendered site from each home page, and every link any public answer
    gave (GraphQL `url` fields included); then the hostile pages' own addresses."""
    queue = deque(f"/{locale}/" for locale in LOCALES)
    for locale in LOCALES:
        queue.extend(f"/{locale}{path}" for path in site.hostile_paths)
    seen = set()
    while queue or (set(filter(None, map(local_path, matrix.links))) - seen):
        if not queue:
            queue.extend(sorted(set(filter(None, map(local_path, matrix.links))) - seen))
            continue
        url = queue.popleft()
        if url in seen or url.startswith("/graphql/") or len(seen) > 400:
            continue
        seen.add(url)
        try:
            resolve(urlsplit(url).path)
        except Resolver404:
            continue
        response = client.get(url)
        kind = "document" if url.startswith("/documents/") else "html"
        if urlsplit(url).path.endswith(".ics"):
            kind = "ics"
        if response.status_code >= 500:
            matrix.unprobed.append((f"{kind} {url}", f"HTTP {response.status_code}"))
        matrix.scan(f"{kind} {url}", url, body_text(response))


@pytest.fixture
def lifted_limits(settings):
    """Generated selections are large: this test probes privacy, not size or cost limits."""
    settings.GRAPHQL_MAX_QUERY_BYTES = 10**8
    settings.GRAPHQL_MAX_ALIASES = 10**6
    settings.GRAPHQL_MAX_ERRORS = 10**6
    settings.GRAPHQL_MAX_DEPTH = max(settings.GRAPHQL_MAX_DEPTH, SELECTION_DEPTH + 1)
    for name in dir(django_settings):
        if name.startswith("GRAPHQL_") and "COST" in name:
            setattr(settings, name, 10**12)


def test_no_hostile_state_leaks_through_any_surface(client, hostile_site, lifted_limits):
    from cms.graphql.schema import schema

    graphql_schema = schema.graphql_schema
    matrix = Matrix(hostile_site)
    probe_graphql(client, matrix, graphql_schema, hostile_site)
    probe_calendars(client, matrix, hostile_site)
    probe_feeds(client, matrix, hostile_site)
    probe_html_and_documents(client, matrix, hostile_site)
    probe_outreach(client, matrix, hostile_site)
    probe_verification(client, matrix, hostile_site)

    cells = len(STATES) * len(matrix.surfaces)
    summary = (
        f"privacy matrix: {len(STATES)} states x {len(matrix.surfaces)} surfaces = {cells} cells"
    )
    print(summary)
    served = {path for path in FEED_PATHS if any(s.startswith(path) for s in matrix.surfaces)}
    blind = {"graphql", "ics", "html", "document", *served} - matrix.canaries
    blind |= {"verify", "verify-email"} - matrix.canaries
    blind |= {"digest"} - matrix.canaries
    assert not blind, f"These surfaces never showed public content: {sorted(blind)}"
    report = matrix.report()
    assert not report, f"{summary}\n{report}"
