"""Load the English terms of every vocabulary (see directory/vocabularies.py)."""

import uuid

from django.db import migrations

from directory import vocabularies


def load_vocabularies(apps, schema_editor):
    Locale = apps.get_model("wagtailcore", "Locale")
    english = Locale.objects.get(language_code="en")

    def load(model_name, code_field, terms):
        model = apps.get_model("directory", model_name)
        for position, (code, name) in enumerate(terms):
            model.objects.get_or_create(
                locale=english,
                **{code_field: code},
                defaults={"name": name, "sort_order": position, "translation_key": uuid.uuid4()},
            )

    load("Sector", "code", vocabularies.NACE_SECTIONS)
    load("Sdg", "number", vocabularies.SDGS)
    load("TargetGroup", "slug", vocabularies.TARGET_GROUPS)
    load("RecognisedStatus", "slug", vocabularies.RECOGNISED_STATUSES)
    load("Term", "slug", vocabularies.COLLABORATION_TERMS)
    load("SupportType", "slug", vocabularies.SUPPORT_TYPES)
    load("EventType", "slug", vocabularies.EVENT_TYPES)
    load("Topic", "slug", vocabularies.TOPICS)


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial"), ("cms", "0001_locales")]

    operations = [migrations.RunPython(load_vocabularies, migrations.RunPython.noop)]
