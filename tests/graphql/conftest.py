import json

from django.core.cache import caches

import pytest


@pytest.fixture
def gql(client):
    """Post a query to /graphql/ through the real view; returns the decoded JSON."""

    def run(query, variables=None, expect_errors=False, **headers):
        response = client.post(
            "/graphql/",
            data=json.dumps({"query": query, "variables": variables or {}}),
            content_type="application/json",
            **headers,
        )
        assert response.status_code in (200, 400), response.content
        body = response.json()
        if not expect_errors:
            assert "errors" not in body, body["errors"]
        body["_response"] = response
        return body

    return run


@pytest.fixture
def response_cache(settings):
    """The response cache on (the test settings turn it off), empty before and after."""
    settings.GRAPHQL_RESPONSE_CACHE_SECONDS = 600
    caches["default"].clear()
    yield
    caches["default"].clear()
