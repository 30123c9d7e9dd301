"""One translator group per partner language: "Translators: Latviešu (lv)" and so on.

Such a group translates AND publishes content in its own language only; English, the source,
is never theirs. Django permissions are per model, not per language, so the language is
carried by a permission of its own, `wagtailcore.translate_<code>` (on the Locale content
type, listed in the group editor), and cms.translation.permissions reads it:
- pages: the group gets "change" and "publish" on that language's home page, here for homes
  that already exist and from a signal when wagtail-localize creates one later;
- directory records and vocabulary terms: the group holds the model permissions and
  `LocalePermissionPolicy` limits them to rows in the group's languages.
"""

from django.contrib.auth.management import create_permissions
from django.contrib.contenttypes.management import create_contenttypes
from django.db import migrations

# The content languages other than English (the source), with their names in settings.
LANGUAGES = {
    "da": "Dansk",
    "de": "Deutsch",
    "et": "Eesti",
    "fi": "Suomi",
    "lt": "Lietuvių",
    "lv": "Latviešu",
    "nb": "Norsk bokmål",
    "pl": "Polski",
    "sv": "Svenska",
}
DIRECTORY_MODELS = [
    "socialenterprise",
    "supportorganisation",
    "event",
    "sector",
    "sdg",
    "targetgroup",
    "recognisedstatus",
    "term",
    "supporttype",
    "eventtype",
    "topic",
]
PUBLISHABLE_MODELS = ["socialenterprise", "supportorganisation", "event"]
HOME_PAGE_PERMISSIONS = ["change_page", "publish_page"]


def group_name(code):
    return f"Translators: {LANGUAGES[code]} ({code})"


def ensure_permissions(apps):
    """Permissions are normally created after all migrations; we need them now."""
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_contenttypes(app_config, verbosity=0, apps=apps)
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None


def directory_permissions(apps):
    Permission = apps.get_model("auth", "Permission")
    codenames = [
        f"{action}_{model}" for model in DIRECTORY_MODELS for action in ["change", "view"]
    ]
    codenames += [f"publish_{model}" for model in PUBLISHABLE_MODELS]
    found = list(
        Permission.objects.filter(content_type__app_label="directory", codename__in=codenames)
    )
    missing = set(codenames) - {p.codename for p in found}
    if missing:
        raise RuntimeError(f"Missing directory permissions: {sorted(missing)}")
    return found


def create_groups(apps, schema_editor):
    ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    Page = apps.get_model("wagtailcore", "Page")

    locale_type = ContentType.objects.get(app_label="wagtailcore", model="locale")
    shared = [
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        Permission.objects.get(
            content_type__app_label="wagtail_localize", codename="submit_translation"
        ),
        *directory_permissions(apps),
    ]
    choose = [
        Permission.objects.get(content_type__app_label=app, codename=f"choose_{model}")
        for app, model in [("wagtailimages", "image"), ("wagtaildocs", "document")]
    ]
    page_permissions = list(
        Permission.objects.filter(
            content_type__app_label="wagtailcore", codename__in=HOME_PAGE_PERMISSIONS
        )
    )
    root_collection = Collection.objects.get(depth=1)

    for code, name in LANGUAGES.items():
        language, _ = Permission.objects.get_or_create(
            content_type=locale_type,
            codename=f"translate_{code}",
            defaults={"name": f"Can translate and publish {name} ({code}) content"},
        )
        group, _ = Group.objects.get_or_create(name=group_name(code))
        group.permissions.add(language, *shared)
        for permission in choose:
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=root_collection, permission=permission
            )
        for home in Page.objects.filter(depth=2, locale__language_code=code):
            for permission in page_permissions:
                GroupPagePermission.objects.get_or_create(
                    group=group, page=home, permission=permission
                )


def remove_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Group.objects.filter(name__in=[group_name(code) for code in LANGUAGES]).delete()
    Permission.objects.filter(
        content_type__app_label="wagtailcore",
        content_type__model="locale",
        codename__in=[f"translate_{code}" for code in LANGUAGES],
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("cms", "0002_editorial_roles")]

    operations = [migrations.RunPython(create_groups, remove_groups)]
