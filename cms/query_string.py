"""The arguments of a GraphQL list field, read from a URL's query string.

The feeds (`/events.ics`, `/feeds/*.atom`) take the list filters as query parameters with the
same names and meaning as the GraphQL field they mirror: the parameters are derived from the
field's graphene arguments, so a filter added to the API is a feed parameter at once.

- A filter input (`filter: EnterpriseFilter`) is flattened: each of its fields is a parameter
  of its own (`?countries=DK&seekingPartners=true`), gathered back into the `filter` dict.
- A list is comma-separated, repeated, or both: `?countries=DK,PL` = `?countries=DK&countries=PL`.
- An enum takes its GraphQL name or its stored value, in any case, `-` for `_`
  (`IN_PERSON`, `in_person`, `in-person`).
- A nested input of numbers is its values in order, comma-separated: `near=55.68,12.57,25`.
- Booleans are true/false (also 1/0, yes/no); a date-time is ISO 8601, UTC without an offset
  (a `+` the client did not encode arrives as a space and is read as `+`).
- An empty value is as if the parameter were absent.

Anything else is a `BadUserInput` naming the parameter, which the views answer with a plain-text
400. The result is the keyword arguments the field's resolver takes (python names: `from_`,
`seeking_partners`), so a feed selects exactly what the API would.
"""

import datetime
import math
import re

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.dateparse import parse_date, parse_datetime

import graphene
from graphene.utils.str_converters import to_camel_case

from cms.graphql.errors import BadUserInput

# A "+" in a query string arrives as a space: "2030-05-30T10:00:00 02:00" meant +02:00.
_OFFSET_AS_SPACE = re.compile(r"(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}(?::?\d{2})?)$")
# What no parameter value may hold: PostgreSQL refuses NUL in text, the rest is never meant.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# GraphQL's Int is 32-bit; a larger number would overflow the database's integer.
INT_RANGE = (-(2**31), 2**31 - 1)
TRUE, FALSE = {"true", "1", "yes"}, {"false", "0", "no"}
#: The longest value any parameter may have (a search, a list of codes).
MAX_VALUE_LENGTH = 1000


def _unwrap(kind):
    """(named type, is a list) of a graphene type: [String!] -> (String, True)."""
    is_list = False
    while isinstance(kind, graphene.List | graphene.NonNull):
        is_list = is_list or isinstance(kind, graphene.List)
        kind = kind.of_type
    return kind, is_list


def _is_input(kind):
    return isinstance(kind, type) and issubclass(kind, graphene.InputObjectType)


def _is_enum(kind):
    return isinstance(kind, type) and issubclass(kind, graphene.Enum)


def _public_name(python_name, declared):
    return declared or to_camel_case(python_name)


# Single values ------------------------------------------------------------------------------


def instant(value, parameter):
    """An ISO 8601 date or date-time; without an offset, UTC."""
    value = _OFFSET_AS_SPACE.sub(r"\1+\2", value.strip())
    try:
        parsed = parse_datetime(value)
        if parsed is None and (day := parse_date(value)):
            parsed = datetime.datetime.combine(day, datetime.time())
    except ValueError:
        parsed = None
    if parsed is None:
        raise BadUserInput(
            f'"{parameter}" is not an ISO 8601 date or date-time: {value}. '
            "Use e.g. 2030-05-30 or 2030-05-30T10:00:00+02:00.",
            argument=parameter,
        )
    # Without an offset, UTC: the same instant for every subscriber.
    return parsed if timezone.is_aware(parsed) else parsed.replace(tzinfo=datetime.UTC)


def enum_values(values, enum, parameter):
    """Stored values of `enum` from its GraphQL names or its values, any case."""
    allowed = {}
    for member in enum._meta.enum:
        allowed[member.name.lower()] = member.value
        allowed[str(member.value).lower()] = member.value
    normalised = [value.lower().replace("-", "_") for value in values]
    unknown = [raw for raw, value in zip(values, normalised, strict=True) if value not in allowed]
    if unknown:
        names = sorted({str(member.value) for member in enum._meta.enum})
        raise BadUserInput(
            f"Unknown {parameter}: {', '.join(unknown)}. Use {', '.join(names)}.",
            argument=parameter,
        )
    return [allowed[value] for value in normalised]


def integer(value, parameter):
    try:
        number = int(value)
    except ValueError:
        number = None
    if number is None or not INT_RANGE[0] <= number <= INT_RANGE[1]:
        raise BadUserInput(f'"{parameter}" takes whole numbers; got {value}.', argument=parameter)
    return number


def number(value, parameter):
    try:
        parsed = float(value)
    except ValueError:
        parsed = math.nan
    if not math.isfinite(parsed):
        raise BadUserInput(f'"{parameter}" takes numbers; got {value}.', argument=parameter)
    return parsed


def boolean(value, parameter):
    lowered = value.lower()
    if lowered not in TRUE | FALSE:
        raise BadUserInput(f'"{parameter}" is true or false; got {value}.', argument=parameter)
    return lowered in TRUE


def locale(query):
    """The `locale` parameter: a configured content language, English by default."""
    code = query.get("locale") or settings.LANGUAGE_CODE
    codes = [code for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES]
    if code not in codes:
        raise BadUserInput(f"Unknown locale: {code}. Use one of {', '.join(codes)}.")
    return code


# Parameters ---------------------------------------------------------------------------------


def split_values(query, name):
    """`?countries=DK,PL` and `?countries=DK&countries=PL` mean the same."""
    return [part.strip() for raw in query.getlist(name) for part in raw.split(",") if part.strip()]


def _scalar(kind, value, parameter):
    if kind is graphene.Int:
        return integer(value, parameter)
    if kind is graphene.Float:
        return number(value, parameter)
    if kind is graphene.Boolean:
        return boolean(value, parameter)
    if kind is graphene.DateTime:
        return instant(value, parameter)
    if _is_enum(kind):
        return enum_values([value], kind, parameter)[0]
    return value


def _nested(kind, values, parameter):
    """A nested input of scalars, its fields in order: `near=lat,lng,km`."""
    fields = list(kind._meta.fields.items())
    names = [_public_name(name, field.name) for name, field in fields]
    if len(values) != len(fields):
        raise BadUserInput(
            f'"{parameter}" is {len(fields)} comma-separated values: {",".join(names)}.',
            argument=parameter,
        )
    return {
        name: _scalar(_unwrap(field.type)[0], value, f"{parameter}.{public}")
        for (name, field), public, value in zip(fields, names, values, strict=True)
    }


def _parse(query, public, kind, is_list):
    """The value of one parameter, or None when it is absent or empty."""
    if kind is graphene.String and not is_list:
        value = query.get(public, "").strip()
        return value or None
    values = split_values(query, public)
    if not values:
        return None
    if _is_input(kind):
        return _nested(kind, values, public)
    if is_list:
        if _is_enum(kind):
            return enum_values(values, kind, public)
        return [_scalar(kind, value, public) for value in values]
    if len(values) > 1:
        raise BadUserInput(f'"{public}" takes one value; got {len(values)}.', argument=public)
    return _scalar(kind, values[0], public)


def parameters_of(field, skip=()):
    """{parameter name: (python path, named type, is a list)} of a graphene field's arguments,
    input objects flattened; `skip` names arguments (python names) that are not parameters."""
    parameters = {}
    for name, argument in field.args.items():
        if name in skip:
            continue
        kind, is_list = _unwrap(argument.type)
        if _is_input(kind) and not is_list:
            for inner, input_field in kind._meta.fields.items():
                inner_kind, inner_list = _unwrap(input_field.type)
                public = _public_name(inner, input_field.name)
                parameters[public] = ((name, inner), inner_kind, inner_list)
        else:
            parameters[_public_name(name, argument.name)] = ((name,), kind, is_list)
    return parameters


def check_known(query, allowed):
    unknown = sorted(set(query) - set(allowed))
    if unknown:
        raise BadUserInput(
            f"Unknown parameter(s): {', '.join(unknown)}. Use {', '.join(allowed)}."
        )
    for name in query:
        for value in query.getlist(name):
            if _CONTROL.search(value):
                raise BadUserInput(f'"{name}" holds a control character.', argument=name)
            if len(value) > MAX_VALUE_LENGTH:
                raise BadUserInput(
                    f'"{name}" is longer than {MAX_VALUE_LENGTH} characters.', argument=name
                )


def field_arguments(query, field, skip=("order", "limit", "offset")):
    """The resolver keyword arguments of `field` that a query string asks for.

    `locale` is always a parameter (English by default) and comes back as a language code.
    Raises BadUserInput for an unknown parameter or a value of the wrong kind.
    """
    parameters = parameters_of(field, skip=(*skip, "locale"))
    check_known(query, ["locale", *parameters])
    arguments = {"locale": locale(query)}
    for public, (path, kind, is_list) in parameters.items():
        value = _parse(query, public, kind, is_list)
        if value is None:
            continue
        if len(path) == 1:
            arguments[path[0]] = value
        else:
            arguments.setdefault(path[0], {})[path[1]] = value
    return arguments


def bad_request(error):
    """The answer to a BadUserInput outside GraphQL: a plain-text 400 that no one stores."""
    response = HttpResponse(error.message, status=400, content_type="text/plain; charset=utf-8")
    patch_cache_control(response, no_store=True)
    return response
