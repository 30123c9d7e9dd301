from django.apps import AppConfig


class PagesConfig(AppConfig):
    """The library (articles, teaching materials, tools) and the site's plain pages."""

    name = "pages"
    verbose_name = "Pages"

    def ready(self):
        from cms.graphql.media import register_media_types

        # pages is ready before grapple (INSTALLED_APPS order), which reads this registry.
        register_media_types()
