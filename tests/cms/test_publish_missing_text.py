"""Publishing a translation with untranslated text names each field and its tab."""

import json

from django.contrib.messages import get_messages
from django.test import TestCase

import pytest

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def latvian_draft(admin_client):
    article = factories.article(
        factories.library(), title="Measuring social impact", slug="measuring-social-impact"
    )
    return factories.localize_submit(admin_client, article, "lv")


def publish(client, translation):
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(factories.admin_edit_url(translation), {"action": "publish"})
    assert response.status_code == 302
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def test_an_untranslated_slug_is_named_with_its_tab(admin_client, latvian_draft):
    factories.localize_translate(
        admin_client, latvian_draft, {"Measuring social impact": "Sociālās ietekmes mērīšana"}
    )

    shown = publish(admin_client, latvian_draft)

    warnings = [text for level, text in shown if level == "warning"]
    assert len(warnings) == 1
    assert "“Slug” on the Promote tab" in warnings[0]
    assert "Title" not in warnings[0]
    assert "see below" not in warnings[0]


def test_a_complete_translation_publishes_without_a_warning(admin_client, latvian_draft):
    response = admin_client.get(factories.admin_edit_url(latvian_draft))
    props = json.loads(response.context["props"])
    sources = {s["source"] for s in props["segments"] if s["type"] == "string"}
    factories.localize_translate(admin_client, latvian_draft, {s: f"lv {s}" for s in sources})

    shown = publish(admin_client, latvian_draft)

    assert [level for level, _text in shown] == ["success"]
    latvian_draft.refresh_from_db()
    assert latvian_draft.live
