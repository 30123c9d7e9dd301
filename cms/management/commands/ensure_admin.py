import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create the local admin account if it is missing and print how to log in."

    def add_arguments(self, parser):
        parser.add_argument("--username", default=os.environ.get("ADMIN_USERNAME", "admin"))
        parser.add_argument("--password", default=os.environ.get("ADMIN_PASSWORD", "admin"))
        parser.add_argument(
            "--url",
            default=None,
            help="Where it is served (default: WAGTAILADMIN_BASE_URL, which `make run` sets).",
        )

    def handle(self, *args, username, password, url, **options):
        url = (url or settings.WAGTAILADMIN_BASE_URL).rstrip("/")
        User = get_user_model()
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"email": f"{username}@localhost", "is_staff": True, "is_superuser": True},
        )
        if created:
            user.set_password(password)
            user.save()
            shown_password = password
        else:
            shown_password = "(unchanged: the password you set before)"
        graphiql = " (GraphiQL in a browser)" if settings.GRAPHQL_GRAPHIQL else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"\nAdmin:   {url}/admin/\n"
                f"Login:   {username} / {shown_password}\n"
                f"GraphQL: {url}/graphql/{graphiql}\n"
            )
        )
