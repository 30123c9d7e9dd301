"""Request limits checked before anything runs: directives while parsing; depth, aliases,
introspection and NUL characters in literals while validating; NUL characters in the query
text and the variables before both."""

from django.conf import settings

from graphql import GraphQLError
from graphql.language import FieldNode, FragmentSpreadNode, InlineFragmentNode
from graphql.language.parser import Parser
from graphql.validation import ValidationRule

from .errors import BadUserInput, QueryTooComplex

NUL = "\x00"


class _CappedParser(Parser):
    """graphql-core's parser, stopping at the first directive past GRAPHQL_MAX_DIRECTIVES.

    The byte limit alone lets an 18 KB query carry 6,000 `@include(if: true)`: all parsed,
    then each reported by validation.
    """

    def __init__(self, source):
        super().__init__(source)
        self._directives = 0

    def parse_directive(self, is_const):
        self._directives += 1
        if self._directives > settings.GRAPHQL_MAX_DIRECTIVES:
            raise QueryTooComplex(
                f"The query uses more than {settings.GRAPHQL_MAX_DIRECTIVES} directives; "
                f"the limit is {settings.GRAPHQL_MAX_DIRECTIVES}.",
            )
        return super().parse_directive(is_const)


def parse_query(source):
    """The document of `source`; raises a GraphQLError for a syntax error or a query past the
    parse-time limits."""
    parser = _CappedParser(source)
    try:
        return parser.parse_document()
    except RecursionError:
        pass  # raised outside the handler, so the error does not keep the deep stack alive
    raise QueryTooComplex("The query is nested too deeply to be read.")


def nul_character_error(query, variables):
    """A BadUserInput if the query text, or a variable's value or a key within it, holds a NUL
    character; None otherwise.

    PostgreSQL cannot store or compare text holding NUL, and no argument of ours means
    anything by it: refused here once, rather than by each resolver. String literals written
    with the escape "\\u0000" are found by NoNulCharacterRule. Iterative, because a request
    body may nest as deep as the JSON parser allows.
    """
    if NUL in query:
        return BadUserInput(_nul_message("The query"))
    for name, value in (variables or {}).items():
        pending = [name, value]
        while pending:
            item = pending.pop()
            if isinstance(item, str):
                if NUL in item:
                    return BadUserInput(_nul_message(f"The variable ${name}"), variable=name)
            elif isinstance(item, dict):
                pending.extend(item.keys())
                pending.extend(item.values())
            elif isinstance(item, list):
                pending.extend(item)
    return None


def _nul_message(where):
    return f"{where} contains a NUL character (\\u0000), which no text may hold."


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


class NoNulCharacterRule(ValidationRule):
    """Refuse a string literal holding a NUL character (written as the escape "\\u0000"), once
    per query, before any resolver runs; see `nul_character_error`."""

    def __init__(self, context):
        super().__init__(context)
        self.reported = False

    def enter_string_value(self, node, *args):
        if NUL in node.value and not self.reported:
            self.reported = True
            self.report_error(BadUserInput(_nul_message("A string in the query"), node))


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
