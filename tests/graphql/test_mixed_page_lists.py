"""Lists that mix page types answer every field of every type.

The selections are generated from the schema itself, so a field added to any page type or block
is covered without touching this file. Relations are batched across a list's items; a batch
that mixed types used to fail as a whole ("Cannot find 'topics' on StandardPage").
"""

import json

from django.conf import settings

import pytest
from graphql import (
    GraphQLNonNull,
    Undefined,
    get_named_type,
    is_abstract_type,
    is_leaf_type,
    is_object_type,
)

from cms.graphql.schema import schema
from directory.models import SocialEnterprise
from pages.schema import PageOrder
from tests import factories
from tests.pages.test_preview import embed, site  # noqa: F401  (fixtures)

GRAPHQL = schema.graphql_schema
PAGE_TYPES = sorted(t.name for t in GRAPHQL.get_possible_types(GRAPHQL.get_type("Page")))


def _fields_with_conflicting_types():
    """Names that some types give different types (a block's `value` is a String on one block
    and a Boolean on another): selected side by side they must be aliased."""
    seen = {}
    for graphql_type in GRAPHQL.type_map.values():
        for name, field in getattr(graphql_type, "fields", {}).items():
            seen.setdefault(name, set()).add(str(field.type))
    return {name for name, types in seen.items() if len(types) > 1}


CONFLICTING = _fields_with_conflicting_types()
REQUIRED_ARGUMENT_VALUES = {"filter": settings.GRAPPLE["ALLOWED_IMAGE_FILTERS"][0]}


def _required_arguments(field):
    """The literal arguments to select `field` with: {} when none is required, None when a
    required one has no known value."""
    arguments = {}
    for name, argument in field.args.items():
        if (
            not isinstance(argument.type, GraphQLNonNull)
            or argument.default_value is not Undefined
        ):
            continue
        if name not in REQUIRED_ARGUMENT_VALUES:
            return None
        arguments[name] = REQUIRED_ARGUMENT_VALUES[name]
    return arguments


class EveryField:
    """Named fragments that select every field of a type, built from the schema.

    Each fragment is written once and spread where the type recurs, so the query stays small.
    A field whose type is already being expanded (a page chosen in a block of a page body,
    blocks inside blocks) gets that type's leaf fields only: fragments may not form a cycle.
    """

    def __init__(self):
        self.fragments = {}
        self._expanding = set()

    def spread(self, named, leaves_only=False):
        name = f"{named.name}{'Leaves' if leaves_only else 'Fields'}"
        if name not in self.fragments:
            self.fragments[name] = None  # reserved while it is being built
            expanding = set() if leaves_only else {named.name}
            self._expanding |= expanding
            body = self._body(named, leaves_only)
            self._expanding -= expanding
            self.fragments[name] = f"fragment {name} on {named.name} {{ {body} }}"
        return f"...{name}"

    def _body(self, named, leaves_only):
        if is_abstract_type(named):
            possible = sorted(GRAPHQL.get_possible_types(named), key=lambda t: t.name)
            return "__typename " + " ".join(self.spread(t, leaves_only) for t in possible)
        assert is_object_type(named), named
        selected = ["__typename"]
        for field_name, field in named.fields.items():
            name = field_name
            arguments = _required_arguments(field)
            if arguments is None:
                continue
            if arguments:
                name = (
                    name
                    + "("
                    + ", ".join(f"{k}: {json.dumps(v)}" for k, v in arguments.items())
                    + ")"
                )
            inner = get_named_type(field.type)
            alias = f"{field_name}{named.name}: " if field_name in CONFLICTING else ""
            if is_leaf_type(inner):
                selected.append(f"{alias}{name}")
            elif not leaves_only:
                recursion = inner.name in self._expanding
                selected.append(f"{alias}{name} {{ {self.spread(inner, leaves_only=recursion)} }}")
        return " ".join(selected)

    def document(self, operation):
        return operation + "\n" + "\n".join(self.fragments.values())


def every_page_field_query(operation):
    """`operation` with `%s` where a page's selection goes: every field of every page type."""
    fields = EveryField()
    return fields.document(operation % fields.spread(GRAPHQL.get_type("Page")))


@pytest.fixture
def roomy_limits(settings):
    """The generated selection is far larger than any frontend's: lift the request limits,
    which are tested on their own, so that this test is about execution only."""
    settings.GRAPHQL_MAX_QUERY_BYTES = 10_000_000
    settings.GRAPHQL_MAX_DEPTH = 100
    settings.GRAPHQL_MAX_ALIASES = 10**6
    settings.GRAPHQL_MAX_COST = 10**9


@pytest.fixture
def mixed_library(site):  # noqa: F811
    """Every page type, with relations only some types have pointing at public and draft rows."""
    public = factories.SocialEnterpriseFactory(name="Public partner")
    draft = factories.SocialEnterpriseFactory(name="Draft partner", live=False)
    article = site["article"]
    article.related_enterprises.set([public, draft])
    article.save_revision().publish()
    return site


def value(node, name):
    """A field of an answer, whether or not the generated query had to alias it."""
    return node.get(name, node.get(f"{name}{node['__typename']}"))


def _assert_every_type_answered(items):
    types = {item["__typename"] for item in items}
    assert {"ArticlePage", "TeachingMaterialPage", "ToolPage", "StandardPage"} <= types, types
    assert {"LibraryIndexPage"} <= types
    article = next(item for item in items if item["__typename"] == "ArticlePage")
    related = value(article, "relatedEnterprises")
    assert [value(entry, "name") for entry in related] == ["Public partner"]
    assert [value(topic, "slug") for topic in value(article, "topics")] == ["impact-measurement"]
    material = next(item for item in items if item["__typename"] == "TeachingMaterialPage")
    assert value(value(material, "downloads")[0], "title") == "Facilitator guide"


def test_every_page_type_appears_in_the_schema():
    assert set(PAGE_TYPES) >= {
        "ArticlePage",
        "HomePage",
        "LibraryIndexPage",
        "StandardPage",
        "TeachingMaterialPage",
        "ToolPage",
    }


@pytest.mark.parametrize("order", [None, *PageOrder._meta.enum.__members__])
def test_a_list_of_every_page_type_answers_every_field(gql, mixed_library, roomy_limits, order):
    order_argument = f", order: {order}" if order else ""
    body = gql(
        every_page_field_query(f"{{ pages(limit: 100{order_argument}) {{ items {{ %s }} }} }}")
    )
    _assert_every_type_answered(body["data"]["pages"]["items"])


@pytest.mark.parametrize("locale", ["en", "lv"])
def test_search_results_of_every_page_type_answer_every_field(
    gql, mixed_library, roomy_limits, locale
):
    body = gql(
        every_page_field_query(
            f'{{ search(query: "social", locale: {locale}, limit: 100) {{ kind page {{ %s }} }} }}'
        )
    )
    pages = [hit["page"] for hit in body["data"]["search"] if hit["kind"] == "PAGE"]
    types = {page["__typename"] for page in pages}
    assert {"ArticlePage", "TeachingMaterialPage", "ToolPage"} <= types, types


def test_a_mixed_batch_of_entries_answers_translations_per_kind(gql, db):
    """Partner matches mix enterprises and organisations in one list: each item's
    translations are those of its own model."""
    enterprise = factories.SocialEnterpriseFactory(name="Bike workshop", country="DK")
    factories.set_terms(enterprise, sectors=["Q"], offers=["mentoring"], needs=["funding"])
    organisation = factories.SupportOrganisationFactory(
        name="Funding partner", country="DK", seeking_partners=True
    )
    factories.set_terms(organisation, offers=["funding"])
    partner = factories.SocialEnterpriseFactory(
        name="Care cooperative", country="DK", seeking_partners=True
    )
    factories.set_terms(partner, sectors=["Q"], needs=["mentoring"])
    factories.translate_record(organisation, "lv", name="Finansējuma partneris")
    body = gql(
        """query($slug: String!) { partnerMatches(enterprise: $slug, locale: lv) {
            partner { __typename name translations { locale status title } } } }""",
        {"slug": enterprise.slug},
    )
    partners = {
        match["partner"]["name"]: match["partner"] for match in body["data"]["partnerMatches"]
    }
    assert set(partners) == {"Finansējuma partneris", "Care cooperative"}
    statuses = {
        t["locale"]: t["status"] for t in partners["Finansējuma partneris"]["translations"]
    }
    assert statuses["lv"] == "TRANSLATED" and statuses["en"] == "SOURCE"
    statuses = {t["locale"]: t["status"] for t in partners["Care cooperative"]["translations"]}
    assert statuses["lv"] == "MISSING" and statuses["en"] == "SOURCE"
    assert SocialEnterprise.objects.count() == 2


def test_the_generated_selection_covers_fields_only_some_types_have():
    query = every_page_field_query("{ pages { items { %s } } }")
    for field in ["topics", "relatedEnterprises", "downloads", "learningOutcomes", "platforms"]:
        assert f" {field} " in query, field
    assert "rawValue" in query
