"""What the directory's full-text search reads on PostgreSQL: one narrow row per record.

Each searched table has a companion table `<table>_search` (directory migration 0014): the
record's id and translation key, the four columns `cms.visibility` judges publication by, and
the `search_vector` of the text its `search_fields` search. Triggers of the record's table keep
it in step with every statement (insert, update, delete, truncate), so `save()`, the admin and
the bulk writers need no code of ours.

The vector had been a generated column of the record's own table: a search matching most
entries then read every whole row (about 1 kB each) to test and count it. Here a search reads
rows of about 500 bytes, and every other query of the records reads a table 40 % smaller.

These models only name the tables for queries (`directory.schema.search_records`): Django
neither creates nor writes them, and SQLite has none (its searches go through Wagtail's index).
"""

from django.contrib.postgres.search import SearchVectorField
from django.db import models


class SearchRow(models.Model):
    id = models.BigIntegerField(primary_key=True)
    translation_key = models.UUIDField()
    live = models.BooleanField()
    expired = models.BooleanField()
    go_live_at = models.DateTimeField(null=True)
    expire_at = models.DateTimeField(null=True)
    search_vector = SearchVectorField()

    #: Rows nobody writes through Django: not content of their own (cms.changes).
    public_content = False

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self._meta.db_table} {self.pk}"


class SocialEnterpriseSearchRow(SearchRow):
    class Meta:
        managed = False
        db_table = "directory_socialenterprise_search"


class SupportOrganisationSearchRow(SearchRow):
    class Meta:
        managed = False
        db_table = "directory_supportorganisation_search"


class EventSearchRow(SearchRow):
    class Meta:
        managed = False
        db_table = "directory_event_search"


def search_rows(model):
    """The search rows of a directory model's records (SocialEnterprise, SupportOrganisation,
    Event)."""
    from .entries import SocialEnterprise, SupportOrganisation
    from .events import Event

    return {
        SocialEnterprise: SocialEnterpriseSearchRow,
        SupportOrganisation: SupportOrganisationSearchRow,
        Event: EventSearchRow,
    }[model]
