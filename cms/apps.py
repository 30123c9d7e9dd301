from django.apps import AppConfig


class CmsConfig(AppConfig):
    """Project-wide data that belongs to no domain: locales, editorial groups, workflows."""

    name = "cms"
    verbose_name = "CMS"
