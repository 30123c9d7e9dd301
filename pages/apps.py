from django.apps import AppConfig


class PagesConfig(AppConfig):
    """The library (articles, teaching materials, tools) and the site's plain pages."""

    name = "pages"
    verbose_name = "Pages"
