"""The README's example queries run against the real schema and return data."""

import re
from pathlib import Path

import pytest

from tests import factories

pytestmark = pytest.mark.django_db

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_queries():
    text = README.read_text()
    section = text.split("## Querying", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```graphql\n(.*?)```", section, flags=re.S)


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
def test_readme_example_runs_without_errors(gql, index):
    factories.article(title="Measuring social impact", intro="Impact for everyone.")
    factories.SocialEnterpriseFactory(slug="bike-workshop", seeking_partners=True)
    body = gql(readme_queries()[index])
    assert body["data"]
    assert all(
        value is not None or key.startswith(("enterprise", "supportOrganisation", "event"))
        for key, value in body["data"].items()
    )
