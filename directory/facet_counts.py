"""Deferring the stored facet counts during bulk writes (PostgreSQL; see migrations 0009, 0012).

The triggers keep `directory_facetcount` exact statement by statement, which suits the admin's
single edits and costs a bulk import dearly. Inside `deferred()`, they step aside for the
transaction, and the counts of the entry tables named are recounted once at its end, before
anyone else can see the rows.
"""

from contextlib import contextmanager

from django.db import connection, transaction


@contextmanager
def deferred(*models):
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL sesn.facet_counts_deferred = 'on'")
        yield
        cursor.execute("SET LOCAL sesn.facet_counts_deferred = 'off'")
        for model in models:
            cursor.execute("SELECT directory_facetcount_refresh(%s)", [model._meta.db_table])
