"""Language groups named in English and in the language: "Translators: Latvian (lv)".

Administrators read the group list in English (and may not read every partner language), so
the group and its permission say the English name; the code keeps them unambiguous. Renamed in
place: members and permissions stay.
"""

from django.db import migrations

# code: (the name 0003 gave, the English name)
NAMES = {
    "da": ("Dansk", "Danish"),
    "de": ("Deutsch", "German"),
    "et": ("Eesti", "Estonian"),
    "fi": ("Suomi", "Finnish"),
    "lt": ("Lietuvių", "Lithuanian"),
    "lv": ("Latviešu", "Latvian"),
    "nb": ("Norsk bokmål", "Norwegian Bokmål"),
    "pl": ("Polski", "Polish"),
    "sv": ("Svenska", "Swedish"),
}


def rename(apps, forwards):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for code, names in NAMES.items():
        old, new = names if forwards else names[::-1]
        group = Group.objects.filter(name=f"Translators: {old} ({code})").first()
        if (
            group is not None
            and not Group.objects.filter(name=f"Translators: {new} ({code})").exists()
        ):
            group.name = f"Translators: {new} ({code})"
            group.save(update_fields=["name"])
        Permission.objects.filter(
            content_type__app_label="wagtailcore",
            content_type__model="locale",
            codename=f"translate_{code}",
        ).update(name=f"Can translate and publish {new} ({code}) content")


class Migration(migrations.Migration):
    dependencies = [("cms", "0004_shared_cache_table")]

    operations = [
        migrations.RunPython(
            lambda apps, schema_editor: rename(apps, True),
            lambda apps, schema_editor: rename(apps, False),
        )
    ]
