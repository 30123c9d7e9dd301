"""Request limits checked before anything runs: depth, aliases, introspection."""

from django.conf import settings

from graphql import GraphQLError
from graphql.language import FieldNode, FragmentSpreadNode, InlineFragmentNode
from graphql.validation import ValidationRule

from .errors import QueryTooComplex


def _depth(selection_set, fragments, seen=frozenset()):
    if selection_set is None:
        return 0
    deepest = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            nested = _depth(selection.selection_set, fragments, seen)
            deepest = max(deepest, 1 + nested if selection.selection_set else 1)
        elif isinstance(selection, InlineFragmentNode):
            deepest = max(deepest, _depth(selection.selection_set, fragments, seen))
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name in seen or name not in fragments:
                continue  # cycles and unknown fragments are reported by the standard rules
            deepest = max(deepest, _depth(fragments[name].selection_set, fragments, seen | {name}))
    return deepest


def _aliases(selection_set, fragments, seen=frozenset()):
    if selection_set is None:
        return 0
    count = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            count += 1 if selection.alias else 0
            count += _aliases(selection.selection_set, fragments, seen)
        elif isinstance(selection, InlineFragmentNode):
            count += _aliases(selection.selection_set, fragments, seen)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name not in seen and name in fragments:
                count += _aliases(fragments[name].selection_set, fragments, seen | {name})
    return count


class QueryLimitsRule(ValidationRule):
    """Refuse a query nested deeper than GRAPHQL_MAX_DEPTH or with more aliases than
    GRAPHQL_MAX_ALIASES: either could make one request fan out into thousands of queries."""

    def enter_document(self, document, *args):
        fragments = {
            definition.name.value: definition
            for definition in document.definitions
            if definition.kind == "fragment_definition"
        }
        for definition in document.definitions:
            if definition.kind != "operation_definition":
                continue
            depth = _depth(definition.selection_set, fragments)
            if depth > settings.GRAPHQL_MAX_DEPTH:
                self.report_error(
                    QueryTooComplex(
                        f"The query is {depth} levels deep; the limit is "
                        f"{settings.GRAPHQL_MAX_DEPTH}.",
                        depth=depth,
                    )
                )
            aliases = _aliases(definition.selection_set, fragments)
            if aliases > settings.GRAPHQL_MAX_ALIASES:
                self.report_error(
                    QueryTooComplex(
                        f"The query uses {aliases} aliases; the limit is "
                        f"{settings.GRAPHQL_MAX_ALIASES}.",
                        aliases=aliases,
                    )
                )


class NoIntrospectionRule(ValidationRule):
    """Introspection is off unless GRAPHQL_INTROSPECTION is set (on in development)."""

    def enter_field(self, node, *args):
        if node.name.value in {"__schema", "__type"}:
            self.report_error(
                GraphQLError(
                    "Introspection is disabled on this server.",
                    node,
                    extensions={"code": "INTROSPECTION_DISABLED"},
                )
            )
