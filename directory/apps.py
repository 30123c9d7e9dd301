from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    """Social enterprises, support organisations, events and the vocabularies that describe them."""

    name = "directory"
    verbose_name = "Directory"
