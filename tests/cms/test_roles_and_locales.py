from django.conf import settings
from django.contrib.auth.models import Group

from wagtail.models import Locale, WorkflowContentType

import pytest

pytestmark = pytest.mark.django_db


def test_every_content_language_has_a_locale():
    codes = set(Locale.objects.values_list("language_code", flat=True))
    assert codes == {code for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES}


def test_editorial_groups_exist():
    names = set(Group.objects.values_list("name", flat=True))
    assert {"Editors", "Moderators", "Translators"} <= names


@pytest.mark.parametrize("model", ["socialenterprise", "supportorganisation", "event"])
def test_only_moderators_may_publish_directory_records(user_in_group, model):
    editor = user_in_group("Editors")
    moderator = user_in_group("Moderators")
    translator = user_in_group("Translators")
    permission = f"directory.publish_{model}"
    assert moderator.has_perm(permission)
    assert not editor.has_perm(permission)
    assert not translator.has_perm(permission)
    assert editor.has_perm(f"directory.change_{model}")


def test_translators_may_translate_but_not_create_records(user_in_group):
    translator = user_in_group("Translators")
    assert translator.has_perm("wagtail_localize.submit_translation")
    assert translator.has_perm("directory.change_socialenterprise")
    assert not translator.has_perm("directory.add_socialenterprise")
    assert not translator.has_perm("directory.delete_socialenterprise")


@pytest.mark.parametrize("model", ["socialenterprise", "supportorganisation", "event"])
def test_directory_records_go_through_the_moderation_workflow(model):
    link = WorkflowContentType.objects.select_related("workflow").get(
        content_type__app_label="directory", content_type__model=model
    )
    assert link.workflow.name == "Moderators approval"
    assert link.workflow.tasks.filter(name="Moderators approval").exists()
