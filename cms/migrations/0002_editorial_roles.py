"""Editorial roles and moderation.

Wagtail's own migrations create the Editors and Moderators groups with page permissions on the
root and the "Moderators approval" workflow on the page tree. This adds:
- Editors: write directory records and vocabulary terms, images and documents; never publish.
- Moderators: all that, plus publish and delete.
- Translators: translate (wagtail-localize) pages and records; no publishing.
- The "Moderators approval" workflow on every directory snippet, so a submitted draft waits for
  a moderator.
"""

from django.contrib.auth.management import create_permissions
from django.contrib.contenttypes.management import create_contenttypes
from django.db import migrations

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
WORKFLOW_MODELS = ["socialenterprise", "supportorganisation", "event"]


def ensure_permissions(apps):
    """Permissions are normally created after all migrations; we need them now."""
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_contenttypes(app_config, verbosity=0, apps=apps)
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None


def permissions(apps, app_label, models, actions):
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in models:
        content_type = ContentType.objects.get(app_label=app_label, model=model)
        for action in actions:
            # Wagtail adds publish/lock/unlock for snippets after migrations; add them now.
            if action in {"publish", "lock", "unlock"}:
                Permission.objects.get_or_create(
                    content_type=content_type,
                    codename=f"{action}_{model}",
                    defaults={"name": f"Can {action} {model}"},
                )
    codenames = [f"{action}_{model}" for model in models for action in actions]
    found = list(Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))
    missing = set(codenames) - {p.codename for p in found}
    if missing:
        raise RuntimeError(f"Missing permissions in {app_label}: {sorted(missing)}")
    return found


def create_roles(apps, schema_editor):
    ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Page = apps.get_model("wagtailcore", "Page")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    Collection = apps.get_model("wagtailcore", "Collection")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowContentType = apps.get_model("wagtailcore", "WorkflowContentType")

    admin_access = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    submit_translation = Permission.objects.get(
        content_type__app_label="wagtail_localize", codename="submit_translation"
    )

    editors, _ = Group.objects.get_or_create(name="Editors")
    moderators, _ = Group.objects.get_or_create(name="Moderators")
    translators, _ = Group.objects.get_or_create(name="Translators")

    write = permissions(apps, "directory", DIRECTORY_MODELS, ["add", "change", "view"])
    moderate = [
        *permissions(apps, "directory", WORKFLOW_MODELS, ["publish", "lock", "unlock"]),
        *permissions(apps, "directory", DIRECTORY_MODELS, ["delete"]),
    ]
    translate = permissions(apps, "directory", DIRECTORY_MODELS, ["change", "view"])

    editors.permissions.add(admin_access, submit_translation, *write)
    moderators.permissions.add(admin_access, submit_translation, *write, *moderate)
    translators.permissions.add(admin_access, submit_translation, *translate)

    root = Page.objects.get(depth=1)
    for permission_type in ["add", "change"]:
        permission = Permission.objects.get(
            content_type__app_label="wagtailcore", codename=f"{permission_type}_page"
        )
        GroupPagePermission.objects.get_or_create(
            group=translators, page=root, permission=permission
        )

    # Translators may choose the images and documents a page already uses.
    root_collection = Collection.objects.get(depth=1)
    for app_label, model in [("wagtailimages", "image"), ("wagtaildocs", "document")]:
        for action in ["choose"]:
            permission = Permission.objects.get(
                content_type__app_label=app_label, codename=f"{action}_{model}"
            )
            GroupCollectionPermission.objects.get_or_create(
                group=translators, collection=root_collection, permission=permission
            )

    workflow = Workflow.objects.filter(name="Moderators approval").first()
    if workflow is not None:
        for model in WORKFLOW_MODELS:
            content_type = ContentType.objects.get(app_label="directory", model=model)
            WorkflowContentType.objects.update_or_create(
                content_type=content_type, defaults={"workflow": workflow}
            )


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0001_locales"),
        ("directory", "0002_vocabularies"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtail_localize", "0016_rename_page_revision_translationlog_revision"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
