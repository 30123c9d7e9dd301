"""The table of the `shared` cache when there is no Redis (see cache_settings in settings).

Created here rather than by `createcachetable`, so that `migrate` is the only step a new
database needs: `make run`, the tests and CI all have it. With Redis the table stays empty.
"""

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

TABLE = "cms_shared_cache"


def create_table(apps, schema_editor):
    # Django's own command writes the table, so its columns are the ones DatabaseCache reads.
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, TABLE, dry_run=False)


def drop_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("cms", "0003_locale_translator_groups")]

    operations = [migrations.RunPython(create_table, drop_table)]
