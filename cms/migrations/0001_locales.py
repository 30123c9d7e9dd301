"""Create a Locale for every content language (English exists from Wagtail's own migration)."""

from django.db import migrations

LANGUAGE_CODES = ["en", "da", "de", "et", "fi", "lt", "lv", "nb", "pl", "sv"]


def create_locales(apps, schema_editor):
    Locale = apps.get_model("wagtailcore", "Locale")
    for code in LANGUAGE_CODES:
        Locale.objects.get_or_create(language_code=code)


class Migration(migrations.Migration):
    dependencies = [("wagtailcore", "0098_apitoken")]

    operations = [migrations.RunPython(create_locales, migrations.RunPython.noop)]
