"""FastExecutionContext answers exactly what graphql-core's own execution answers.

The same documents, every field of every page type and of every directory type, are executed
both ways on the same data; data and errors must be equal, and the shortcut must have been
taken (or these tests would compare graphql-core with itself).
"""

from django.test import RequestFactory

import pytest
from graphql import ExecutionContext, execute, parse

from cms.graphql.execution import FastExecutionContext
from cms.graphql.schema import schema
from tests import factories
from tests.graphql.test_mixed_page_lists import (  # noqa: F401  (fixtures)
    GRAPHQL,
    EveryField,
    every_page_field_query,
    mixed_library,
    roomy_limits,
)
from tests.pages.test_preview import embed, site  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture
def shortcuts(monkeypatch):
    """How many objects the shortcut completed."""
    taken = []
    plain = FastExecutionContext._complete_plainly

    def counting(return_type, plan, source):
        completed = plain(return_type, plan, source)
        taken.append(completed is not None)
        return completed

    monkeypatch.setattr(FastExecutionContext, "_complete_plainly", staticmethod(counting))
    return taken


def both_ways(query):
    document = parse(query)
    answers = []
    for context_class in (ExecutionContext, FastExecutionContext):
        result = execute(
            schema.graphql_schema,
            document,
            context_value=RequestFactory().get("/graphql/"),
            execution_context_class=context_class,
        )
        answers.append((result.data, [error.formatted for error in result.errors or []]))
    return answers


def small_both_ways(query_type, query):
    """`query` executed on a schema of `query_type` by graphql-core and by the shortcut."""
    import graphene

    schema = graphene.Schema(query=query_type).graphql_schema
    document = parse(query)
    return tuple(
        execute(schema, document, execution_context_class=context_class)
        for context_class in (ExecutionContext, FastExecutionContext)
    )


def test_every_page_field_is_answered_alike(mixed_library, shortcuts):  # noqa: F811
    usual, fast = both_ways(every_page_field_query("{ pages(limit: 100) { items { %s } } }"))
    assert fast == usual
    assert usual[0]["pages"]["items"]
    assert any(shortcuts)


def every_field_of(type_name):
    fields = EveryField()
    return fields.spread(GRAPHQL.get_type(type_name)), fields


def test_every_directory_field_is_answered_alike(shortcuts):
    enterprise = factories.SocialEnterpriseFactory(name="Bike workshop", country="DK")
    factories.set_terms(enterprise, sectors=["Q"], offers=["mentoring"], needs=["funding"])
    factories.translate_record(enterprise, "da", name="Cykelværksted")
    factories.SupportOrganisationFactory(name="Funding partner", country="DK")
    factories.EventFactory(title="Summit")
    for root, type_name in [
        ("enterprises", "SocialEnterprise"),
        ("supportOrganisations", "SupportOrganisation"),
        ("events", "Event"),
    ]:
        selection, fields = every_field_of(type_name)
        for locale in ("en", "da"):
            arguments = f"limit: 100, locale: {locale}"
            query = fields.document(
                f"{{ {root}({arguments}) {{ totalCount items {{ {selection} }} }} }}"
            )
            usual, fast = both_ways(query)
            assert fast == usual, (root, locale)
            assert usual[0][root]["items"], (root, locale)
    assert sum(shortcuts) > 10


def test_requests_to_the_view_take_the_shortcut(gql, shortcuts):
    """graphene-django hands graphql-core its MIDDLEWARE setting, an empty list by default:
    the shortcut must not take that for a middleware (it did, and never ran in the view)."""
    enterprise = factories.SocialEnterpriseFactory(name="Bike workshop", country="DK")
    factories.translate_record(enterprise, "da", name="Cykelværksted")
    body = gql("{ enterprises { items { name translations { locale slug status } } } }")
    (item,) = body["data"]["enterprises"]["items"]
    assert {entry["locale"] for entry in item["translations"]} >= {"en", "da"}
    assert shortcuts and all(shortcuts)


def test_lists_stop_at_the_first_item_the_shortcut_cannot_do():
    import graphene

    class Thing(graphene.ObjectType):
        name = graphene.String(required=True)

    class Query(graphene.ObjectType):
        things = graphene.List(Thing)
        required_things = graphene.NonNull(graphene.List(graphene.NonNull(Thing)))

        def resolve_things(root, info):
            return [{"name": "a"}, None, {"name": None}, Thing(name="d")]

        def resolve_required_things(root, info):
            return [{"name": "a"}, Thing(name="b"), None]

    for query in ("{ things { name } }", "{ requiredThings { name } }"):
        usual, fast = small_both_ways(Query, query)
        assert fast.data == usual.data
        assert [e.formatted for e in fast.errors] == [e.formatted for e in usual.errors]
        assert usual.errors


def test_nulls_where_the_schema_forbids_them_get_graphql_cores_errors():
    import graphene

    class Thing(graphene.ObjectType):
        name = graphene.String(required=True)
        size = graphene.Int()

    class Query(graphene.ObjectType):
        things = graphene.List(Thing)
        required_things = graphene.List(graphene.NonNull(Thing))

        def resolve_things(root, info):
            return [{"name": "a", "size": 1}, {"name": None}, Thing(name="c", size="many")]

        resolve_required_things = resolve_things

    usual, fast = small_both_ways(
        Query, "{ things { name size __typename } requiredThings { name } }"
    )
    assert fast.data == usual.data
    assert [e.formatted for e in fast.errors] == [e.formatted for e in usual.errors]
    assert len(usual.errors) == 3


def test_an_object_shared_by_lists_is_completed_once_per_selection(shortcuts):
    """The entry of a language nobody translated is one object in every item's
    `translations`: completed once for each place in the query that selects it."""
    import graphene

    class Thing(graphene.ObjectType):
        name = graphene.String(required=True)
        size = graphene.Int()

    class Group(graphene.ObjectType):
        things = graphene.List(graphene.NonNull(Thing))

    shared = {"name": "shared", "size": 1}

    class Query(graphene.ObjectType):
        groups = graphene.List(Group)

        def resolve_groups(root, info):
            return [{"things": [shared, {"name": "b", "size": 2}]}, {"things": [shared, shared]}]

    usual, fast = small_both_ways(
        Query, "{ groups { things { name } more: things { name size } } }"
    )
    assert fast.data == usual.data
    assert fast.data["groups"][1] == {
        "things": [{"name": "shared"}, {"name": "shared"}],
        "more": [{"name": "shared", "size": 1}, {"name": "shared", "size": 1}],
    }
    # `shared` and `b`, once under each of the two selections (six places in the answer).
    assert len(shortcuts) == 4
