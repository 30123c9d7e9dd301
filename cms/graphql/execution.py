"""A faster way through objects whose selected fields are plain attributes.

graphql-core completes every field of every object the same way: a ResolveInfo built, the
resolver called through graphene's default resolver, the value completed by its type, the path
extended. For the small objects that lists repeat hundreds of times (`translations { locale
status }`, `country { code name }`, `sectors { code name }`), that machinery costs more than the
data: 100 enterprises with their translations are 1,000 objects and 3,000 fields.

`FastExecutionContext` completes such an object in one loop when every selected field is a
scalar or enum read by graphene's default resolver (an attribute or a dict key) and takes no
arguments, and a list of them in one loop more; anything else (a resolver of its own, a nested
object, a middleware) goes the usual way. Whenever the shortcut would differ from the usual
way (a null where the schema says non-null, a value the type cannot serialise), it steps aside
and lets graphql-core complete the object itself, errors and all, so answers are the same
either way:
tests/graphql/test_fast_execution.py compares them.
"""

from functools import partial

from graphene.types.resolver import attr_resolver, dict_or_attr_resolver, dict_resolver
from graphql import (
    ExecutionContext,
    GraphQLEnumType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    Undefined,
)

DEFAULT_RESOLVERS = (dict_or_attr_resolver, attr_resolver, dict_resolver)
TYPENAME = "__typename"
#: A plan that says "use graphql-core": the selection has a field the shortcut cannot do.
SLOW = ()


def _memoized(serialize):
    """An enum's `serialize` remembering what it answered for each hashable value: a list of
    100 items with their translations serialises the same ten locales a thousand times."""
    answers = {}

    def memoized(value):
        try:
            return answers[value]
        except KeyError:
            answer = answers[value] = serialize(value)
            return answer
        except TypeError:  # unhashable
            return serialize(value)

    return memoized


def _plain_field(field):
    """(attribute name, serialize, non-null) of a field graphene reads as a plain attribute,
    or None."""
    resolve = field.resolve
    if not (
        isinstance(resolve, partial)
        and resolve.func in DEFAULT_RESOLVERS
        and len(resolve.args) == 2
        and resolve.args[1] is None
        and not resolve.keywords
    ):
        return None
    field_type, non_null = field.type, False
    if isinstance(field_type, GraphQLNonNull):
        field_type, non_null = field_type.of_type, True
    if isinstance(field_type, GraphQLEnumType):
        return resolve.args[0], _memoized(field_type.serialize), non_null
    if isinstance(field_type, GraphQLScalarType):
        return resolve.args[0], field_type.serialize, non_null
    return None


class FastExecutionContext(ExecutionContext):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._plans = {}
        # Plain objects completed in lists, by id of plan (the place in the query; plans live
        # as long as the context) and of object: (object, data). Lists repeat shared objects
        # (the entry of a language nobody translated, in every item's `translations`); one
        # completed at the same place of the query answers the same. Holding the object keeps
        # its id from being reused while the query runs.
        self._done = {}

    def _plan(self, return_type, field_nodes):
        key = (return_type, *map(id, field_nodes))
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = self._make_plan(return_type, field_nodes)
        return plan

    def _make_plan(self, return_type, field_nodes):
        # graphene-django passes its MIDDLEWARE setting, an empty list by default, for which
        # graphql-core makes a manager that wraps nothing.
        if self.middleware_manager is not None and self.middleware_manager.middlewares:
            return SLOW
        steps = []
        for response_name, nodes in self.collect_subfields(return_type, field_nodes).items():
            node = nodes[0]
            name = node.name.value
            if name == TYPENAME:
                steps.append((response_name, None, None, False))
                continue
            field = return_type.fields.get(name)
            plain = None if field is None or node.arguments else _plain_field(field)
            if plain is None:
                return SLOW
            steps.append((response_name, *plain))
        return tuple(steps)

    def complete_object_value(self, return_type, field_nodes, info, path, result):
        plan = self._plan(return_type, field_nodes)
        if plan is not SLOW and (
            return_type.is_type_of is None or return_type.is_type_of(result, info) is True
        ):
            completed = self._complete_plainly(return_type, plan, result)
            if completed is not None:
                return completed
        return super().complete_object_value(return_type, field_nodes, info, path, result)

    def complete_list_value(self, return_type, field_nodes, info, path, result):
        """A list of objects the shortcut can complete, completed in one loop: no path and no
        call through `complete_value` per item. The first item it cannot do hands the whole
        list back to graphql-core (completing is free of side effects: nothing done twice
        shows)."""
        item_type = return_type.of_type
        if isinstance(item_type, GraphQLNonNull):
            item_type = item_type.of_type
        if (
            isinstance(item_type, GraphQLObjectType)
            and item_type.is_type_of is None
            and isinstance(result, list | tuple)
        ):
            plan = self._plan(item_type, field_nodes)
            if plan is not SLOW:
                completed = []
                is_awaitable = self.is_awaitable
                done = self._done.get(id(plan))
                if done is None:
                    done = self._done[id(plan)] = {}
                for item in result:
                    found = done.get(id(item))
                    if found is not None and found[0] is item:
                        completed.append(found[1])
                        continue
                    data = None
                    if item is not None and (type(item) is dict or not is_awaitable(item)):
                        data = self._complete_plainly(item_type, plan, item)
                    if data is None:
                        break
                    done[id(item)] = (item, data)
                    completed.append(data)
                else:
                    return completed
        return super().complete_list_value(return_type, field_nodes, info, path, result)

    @staticmethod
    def _complete_plainly(return_type, plan, source):
        """The object's data by the plan, or None where graphql-core must say more."""
        data = {}
        is_dict = isinstance(source, dict)
        for response_name, attname, serialize, non_null in plan:
            if attname is None:
                data[response_name] = return_type.name
                continue
            value = source.get(attname) if is_dict else getattr(source, attname, None)
            if value is None:
                if non_null:
                    return None
                data[response_name] = None
                continue
            try:
                serialized = serialize(value)
            except Exception:
                return None
            if serialized is None or serialized is Undefined:
                return None
            data[response_name] = serialized
        return data
