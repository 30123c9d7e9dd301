from django.apps import AppConfig


class CmsConfig(AppConfig):
    """Project-wide data that belongs to no domain: locales, editorial groups, workflows."""

    name = "cms"
    verbose_name = "CMS"

    def ready(self):
        from django.db.models.signals import post_save

        from wagtail.models import Locale

        from cms.translation import permissions

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
