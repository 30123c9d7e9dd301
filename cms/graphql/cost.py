"""What a query costs, computed from the document before anything runs, and the limit on it.

Size, depth and alias limits bound the text of a query, not its work: thirty aliases of
`enterprises(limit: 100)` with facets pass all three and keep a worker busy for seconds. The
cost estimates the work from the document and the schema, as GitHub's GraphQL API derives its
node limit from `first`/`last` and Shopify caps the cost of a single query:

- every field costs `FIELD_COST`;
- a field with a `limit` argument multiplies the cost of what each item selects by the limit:
  its own selection when it returns a list (`search`, `partnerMatches`), the selection of its
  `items` when it returns a list object (`pages`, `enterprises`, ...). A limit that is left out
  costs its default from the schema (`limit: Int = 20`);
- work that does not grow with the number of items, but with the size of the whole table,
  costs extra: each facet dimension (`FACET_DIMENSION_COST`), a `search:` argument
  (`SEARCH_ARGUMENT_COST`), the `search` and `partnerMatches` root fields
  (`ROOT_FIELD_COSTS`).

The cost follows execution: fragments and inline fragments count wherever they are spread; a
field asked twice under the same name runs once and counts once, each alias counts on its own;
an item of an interface (a `Page`, a `DirectoryEntry`, a StreamField block) costs what its most
expensive concrete type selects, since each item is of one type. Every operation of a document
is costed and checked on its own.

A limit given as a variable costs the largest limit allowed (`GRAPHQL_MAX_LIMIT`). Validation
rules do not see variables, and the alternative, costing in the view after parsing with the
variables at hand, would take over graphene-django's parse-validate-execute sequence for a
bound that is hardly tighter: the worst case of a variable is the cap, and a list of the cap
with every field and facet is an ordinary query that stays well under the budget. The cost
is thus a property of the document alone, the same for every set of variables. A literal
limit outside 0 to the cap costs as if clamped to it: the resolver refuses it with a clearer
BAD_USER_INPUT. Directives (`@skip`, `@include`) are ignored: the fields are counted as if
they ran.

The weights are in units of one field of one item and were set from measurements on SQLite
with 500 seeded enterprises (`seed_demo --enterprises 500`): a 100-item list with every field
(about 3,500 units) took about 200 ms, so a unit is roughly 0.06 ms and the default budget of
10,000 (GRAPHQL_MAX_COST) about half a second of work.
"""

from django.conf import settings

from graphql import get_named_type, get_nullable_type, is_abstract_type, is_list_type
from graphql.language import (
    FieldNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    IntValueNode,
    NullValueNode,
    OperationType,
    StringValueNode,
)
from graphql.type.introspection import SchemaMetaFieldDef, TypeMetaFieldDef
from graphql.validation import ValidationRule

from .errors import QueryTooComplex

FIELD_COST = 1

# One aggregate query over the whole filtered list, not over the page of items: on 500 entries
# each dimension took about 3 ms, and it grows with the directory. It covers the dimension's
# facets too, whose number the vocabulary bounds (17 SDGs, 21 NACE sections, the countries).
FACET_DIMENSION_COST = 100

# A full-text query over a whole table through Wagtail's search backend, before the list is
# filtered and counted: about 4 ms on 500 entries, growing with the table.
SEARCH_ARGUMENT_COST = 100

# `search` runs a full-text query for each kind (pages, enterprises, support organisations,
# events), keeps up to 200 hits of each and fetches them: about 50 ms on 500 entries whatever
# its limit, against SEARCH_ARGUMENT_COST for a single list's search.
SEARCH_FIELD_COST = 800

# `partnerMatches` scores every partner-seeking enterprise and support organisation against
# the enterprise, whatever its limit: about 50 ms on 500 entries, growing with the directory.
PARTNER_MATCHES_COST = 800

ROOT_FIELD_COSTS = {"search": SEARCH_FIELD_COST, "partnerMatches": PARTNER_MATCHES_COST}

# The item type of a facet dimension: a field returning a list of it is one dimension.
FACET_TYPE = "Facet"

# Where the items of a list object are: the field its `limit` applies to.
ITEMS_FIELD = "items"


def operation_costs(schema, document):
    """{operation name (None when anonymous): cost} for each operation of `document`.

    The document need not be valid: unknown fields and fragments cost nothing, fragment
    cycles end where they start (the standard rules report all of these).
    """
    fragments = {
        definition.name.value: definition
        for definition in document.definitions
        if definition.kind == "fragment_definition"
    }
    calculator = _Calculator(schema, fragments)
    roots = {
        OperationType.QUERY: schema.query_type,
        OperationType.MUTATION: schema.mutation_type,
        OperationType.SUBSCRIPTION: schema.subscription_type,
    }
    costs = {}
    for definition in document.definitions:
        if definition.kind != "operation_definition":
            continue
        root = roots.get(definition.operation)
        name = definition.name.value if definition.name else None
        cost = calculator.selection_cost((definition.selection_set,), root) if root else 0
        # Two operations of one name (or two anonymous ones) are invalid; keep the dearer.
        costs[name] = max(costs.get(name, 0), cost)
    return costs


class QueryCostRule(ValidationRule):
    """Refuse an operation whose cost is over GRAPHQL_MAX_COST, before it runs."""

    def enter_document(self, document, *args):
        budget = settings.GRAPHQL_MAX_COST
        for cost in operation_costs(self.context.schema, document).values():
            if cost > budget:
                self.report_error(
                    QueryTooComplex(
                        f"The query costs {cost:,}; the limit is {budget:,}.", cost=cost
                    )
                )
        return self.SKIP


class _Calculator:
    def __init__(self, schema, fragments):
        self.schema = schema
        self.fragments = fragments
        # A fragment spread in many places costs the same each time: computed once, so that
        # costing a fragment-amplified document stays as cheap as reading it.
        self.known = {}
        self.in_progress = set()

    def selection_cost(self, selection_sets, parent_type, items_size=None):
        """The cost of the selection sets (one field's, merged as execution merges them) on
        one value of `parent_type`; `items_size` is the limit of the list object it is."""
        if is_abstract_type(parent_type):
            types = self.schema.get_possible_types(parent_type)
        else:
            types = [parent_type]
        return max(
            (self._object_cost(selection_sets, type_, items_size) for type_ in types), default=0
        )

    def _object_cost(self, selection_sets, object_type, items_size):
        key = (tuple(id(selection_set) for selection_set in selection_sets), object_type.name)
        key += (items_size,)
        if key in self.known:
            return self.known[key]
        if key in self.in_progress:
            return 0  # a fragment cycle
        self.in_progress.add(key)
        fields = {}
        for selection_set in selection_sets:
            self._collect(selection_set, object_type, fields, set())
        total = sum(self._field_cost(object_type, nodes, items_size) for nodes in fields.values())
        self.in_progress.discard(key)
        self.known[key] = total
        return total

    def _collect(self, selection_set, object_type, fields, spread):
        """Group the fields that apply to `object_type` by response key, through fragments,
        as graphql-core's execution does (a fragment spread twice in one selection runs once).
        """
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                key = selection.alias.value if selection.alias else selection.name.value
                fields.setdefault(key, []).append(selection)
            elif isinstance(selection, InlineFragmentNode):
                if self._applies(selection.type_condition, object_type):
                    self._collect(selection.selection_set, object_type, fields, spread)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if name in spread or fragment is None:
                    continue
                spread.add(name)
                if self._applies(fragment.type_condition, object_type):
                    self._collect(fragment.selection_set, object_type, fields, spread)

    def _applies(self, condition, object_type):
        if condition is None:
            return True
        condition_type = self.schema.get_type(condition.name.value)
        if condition_type is None:
            return False
        if condition_type is object_type:
            return True
        return is_abstract_type(condition_type) and self.schema.is_sub_type(
            condition_type, object_type
        )

    def _field_cost(self, parent_type, nodes, items_size):
        node = nodes[0]
        name = node.name.value
        definition = self._definition(parent_type, name)
        if definition is None:
            return 0  # __typename, or a field the standard rules report as unknown
        return_type = get_nullable_type(definition.type)
        returns_list = is_list_type(return_type)
        cost = FIELD_COST
        if returns_list and get_named_type(return_type).name == FACET_TYPE:
            cost = FACET_DIMENSION_COST
        if parent_type is self.schema.query_type:
            cost += ROOT_FIELD_COSTS.get(name, 0)
        if _searches(definition, node):
            cost += SEARCH_ARGUMENT_COST

        selection_sets = tuple(n.selection_set for n in nodes if n.selection_set)
        if not selection_sets:
            return cost
        limit = _limit(definition, node)
        if limit is not None and not returns_list:
            # A list object (`EnterpriseList`): the limit counts its `items`, not itself.
            return cost + self.selection_cost(selection_sets, get_named_type(return_type), limit)
        if limit is None and name == ITEMS_FIELD and returns_list:
            limit = items_size
        size = 1 if limit is None else limit
        return cost + size * self.selection_cost(selection_sets, get_named_type(return_type))

    def _definition(self, parent_type, name):
        if parent_type is self.schema.query_type:
            if name == "__schema":
                return SchemaMetaFieldDef
            if name == "__type":
                return TypeMetaFieldDef
        return getattr(parent_type, "fields", {}).get(name)


def _argument(node, name):
    return next(
        (argument.value for argument in node.arguments if argument.name.value == name), None
    )


def _limit(definition, node):
    """The number of items a field with a `limit` argument returns at most, or None."""
    if "limit" not in definition.args:
        return None
    maximum = settings.GRAPHQL_MAX_LIMIT
    value = _argument(node, "limit")
    if value is None:
        default = definition.args["limit"].default_value
        return min(max(default, 0), maximum) if isinstance(default, int) else maximum
    if isinstance(value, IntValueNode):
        return min(max(int(value.value), 0), maximum)
    return maximum  # a variable, null or a literal of the wrong type: at most the cap


def _searches(definition, node):
    """Whether the field runs a full-text search: a `search` argument that is neither left out,
    null nor blank (the resolvers skip those)."""
    if "search" not in definition.args:
        return False
    value = _argument(node, "search")
    if value is None or isinstance(value, NullValueNode):
        return False
    if isinstance(value, StringValueNode):
        return bool(value.value.strip())
    return True
