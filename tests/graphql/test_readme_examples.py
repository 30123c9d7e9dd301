"""The README's example queries run against the real schema on the `seed_demo` content and
answer with data: a newcomer pasting them into GraphiQL after `make run` sees real records,
not `null` or an empty list."""

import io
import re
from pathlib import Path

from django.core.management import call_command
from django.db import transaction

import pytest

pytestmark = pytest.mark.django_db

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_queries():
    text = README.read_text()
    section = text.split("## Querying", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```graphql\n(.*?)```", section, flags=re.S)


def empty_parts(data):
    """Where an answer is empty: a root field that is null or empty, a single record with a
    selected field left empty, a list of items that is empty, a `totalCount` of 0, a facet
    dimension with no values. Lists of results (search, partner matches) must hold one."""
    found = []
    for name, value in data.items():
        if value in (None, "", [], {}):
            found.append(name)
        elif isinstance(value, dict) and "items" not in value:
            # A single record (page, enterprise, event...): what the example selects is there.
            found += [f"{name}.{key}" for key, field in value.items() if field in (None, "", [])]
        elif isinstance(value, dict):
            found += [
                f"{name}.{key}"
                for key in ("items", "totalCount")
                if key in value and not value[key]
            ]
            for dimension, values in (value.get("facets") or {}).items():
                if not values:
                    found.append(f"{name}.facets.{dimension}")
    return found


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo content `make run` serves, seeded once for the module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", stdout=io.StringIO(), stderr=io.StringIO())
        yield
        transaction.set_rollback(True)


def test_the_readme_has_an_example_for_every_root_field():
    fields = set()
    for query in readme_queries():
        fields.update(re.findall(r"^\s{2}(\w+)\(", query, flags=re.M))
    assert {
        "page",
        "pages",
        "enterprise",
        "enterprises",
        "supportOrganisation",
        "supportOrganisations",
        "event",
        "events",
        "search",
        "partnerMatches",
    } <= fields


@pytest.mark.parametrize("index", range(len(readme_queries())))
def test_readme_example_answers_with_demo_data(demo, gql, index):
    body = gql(readme_queries()[index])

    assert "errors" not in body, body["errors"]
    assert body["data"]
    assert empty_parts(body["data"]) == [], body["data"]


def test_an_empty_answer_is_caught():
    assert empty_parts(
        {
            "page": None,
            "event": {"title": "Meeting", "venue": ""},
            "pages": {"totalCount": 0, "items": []},
            "enterprises": {"totalCount": 1, "items": [{}], "facets": {"sdgs": []}},
            "search": [],
        }
    ) == [
        "page",
        "event.venue",
        "pages.items",
        "pages.totalCount",
        "enterprises.facets.sdgs",
        "search",
    ]
