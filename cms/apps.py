from django.apps import AppConfig

from wagtail.users.apps import WagtailUsersAppConfig


class CmsConfig(AppConfig):
    """Project-wide data that belongs to no domain: locales, editorial groups, workflows."""

    name = "cms"
    verbose_name = "CMS"
    # This module holds another AppConfig (UsersConfig, below): "cms" means this one.
    default = True

    def ready(self):
        from django.db.models.signals import post_save

        from wagtail.models import Locale

        from cms import changes, db, public_cache
        from cms.translation import permissions

        db.connect()
        changes.connect()
        changes.content_changed.connect(
            public_cache.new_generation, dispatch_uid="cms.public_cache"
        )

        # Any model: page classes are many, and a home page is whichever class sits at depth 2.
        post_save.connect(
            permissions.grant_home_page_permissions,
            dispatch_uid="cms.grant_home_page_permissions",
        )
        post_save.connect(
            permissions.create_locale_permission,
            sender=Locale,
            dispatch_uid="cms.create_locale_permission",
        )

        # Wagtail's moderation e-mails go through the task queue (cms/tasks.py says how).
        from cms import tasks

        tasks.connect()


class UsersConfig(WagtailUsersAppConfig):
    """Wagtail's users app, with a group list and editor that say what each group may do."""

    group_viewset = "cms.groups.GroupViewSet"
