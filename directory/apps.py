from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    """Social enterprises, support organisations, events and their vocabularies."""

    name = "directory"
    verbose_name = "Directory"
