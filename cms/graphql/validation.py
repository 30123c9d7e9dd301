"""Request limits checked before anything runs: directives while parsing; depth, aliases,
introspection and NUL characters in literals while validating; NUL characters in the query
text and the variables before both."""

from collections import Counter

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


class _Shape:
    """Depth, alias count and the most repeated field of selection sets, each fragment
    measured once.

    A fragment spread twice in each of a chain of fragments doubles at every link: walking the
    spreads again for each use would take exponential time in a query of a few kilobytes, so
    a fragment's measure is remembered. A fragment met again while it is being measured (a
    cycle, which the standard rules report) counts as empty.

    Repeats: graphql-core compares every pair of fields that answer under the same name in one
    selection set (fragments and inline fragments flattened into it), so 400 copies of one
    field cost it seconds. The count is per selection set, fragments included.
    """

    def __init__(self, fragments):
        self.fragments = fragments
        self.measured = {}
        self.measuring = set()
        self.most_repeated = 0

    def of(self, selection_set):
        """(depth, aliases) of `selection_set`; records the most repeated response name."""
        depth, aliases, names, spread = self._measure(selection_set)
        for name in spread:
            names.update(self._fragment(name)[2])
        if names:
            self.most_repeated = max(self.most_repeated, *names.values())
        return depth, aliases

    def _measure(self, selection_set):
        """(depth, aliases, the response names of its own fields and inline fragments, the
        names of the fragments flattened into it).

        A fragment flattened twice into one selection set is read once when the query runs,
        so its fields count once there; each fragment's own names are added up by `of`.
        """
        names, spread = Counter(), set()
        if selection_set is None:
            return 0, 0, names, spread
        deepest, aliases = 0, 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                nested_depth, nested_aliases = self.of(selection.selection_set)
                deepest = max(deepest, 1 + nested_depth)
                aliases += nested_aliases + (1 if selection.alias else 0)
                names[(selection.alias or selection.name).value] += 1
                continue
            if isinstance(selection, InlineFragmentNode):
                nested = self._measure(selection.selection_set)
                names.update(nested[2])
            elif isinstance(selection, FragmentSpreadNode):
                nested = self._fragment(selection.name.value)
                spread.add(selection.name.value)
            else:
                continue
            deepest = max(deepest, nested[0])
            aliases += nested[1]
            spread |= nested[3]
        return deepest, aliases, names, spread

    def _fragment(self, name):
        if name in self.measured:
            return self.measured[name]
        if name in self.measuring or name not in self.fragments:
            # Cycles and unknown fragments: the standard rules say so.
            return 0, 0, Counter(), set()
        self.measuring.add(name)
        self.measured[name] = self._measure(self.fragments[name].selection_set)
        self.measuring.discard(name)
        return self.measured[name]


class QueryLimitsRule(ValidationRule):
    """Refuse a query nested deeper than GRAPHQL_MAX_DEPTH, with more aliases than
    GRAPHQL_MAX_ALIASES (either could make one request fan out into thousands of queries), or
    repeating one field more than GRAPHQL_MAX_FIELD_REPEATS times in a selection set (which
    makes validation itself quadratic)."""

    def enter_document(self, document, *args):
        fragments = {
            definition.name.value: definition
            for definition in document.definitions
            if definition.kind == "fragment_definition"
        }
        shape = _Shape(fragments)
        for definition in document.definitions:
            if definition.kind != "operation_definition":
                continue
            depth, aliases = shape.of(definition.selection_set)
            if depth > settings.GRAPHQL_MAX_DEPTH:
                self.report_error(
                    QueryTooComplex(
                        f"The query is {depth} levels deep; the limit is "
                        f"{settings.GRAPHQL_MAX_DEPTH}.",
                        depth=depth,
                    )
                )
            if aliases > settings.GRAPHQL_MAX_ALIASES:
                self.report_error(
                    QueryTooComplex(
                        f"The query uses {aliases} aliases; the limit is "
                        f"{settings.GRAPHQL_MAX_ALIASES}.",
                        aliases=aliases,
                    )
                )
        if shape.most_repeated > settings.GRAPHQL_MAX_FIELD_REPEATS:
            self.report_error(
                QueryTooComplex(
                    f"The query selects one field {shape.most_repeated} times in one place; "
                    f"the limit is {settings.GRAPHQL_MAX_FIELD_REPEATS}.",
                    repeats=shape.most_repeated,
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
