from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor


class Command(BaseCommand):
    help = (
        "Apply the migrations without a line per migration and print one line: how many were "
        "applied, and to which database (`make run`)."
    )

    def handle(self, *args, **options):
        connection = connections[DEFAULT_DB_ALIAS]
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(summary(len(plan), connection))


def summary(applied, connection):
    name = connection.settings_dict["NAME"]
    where = f"{connection.vendor} {name}"
    if not applied:
        return f"Database: {where}, up to date."
    plural = "migration" if applied == 1 else "migrations"
    return f"Database: {where}, {applied} {plural} applied."
