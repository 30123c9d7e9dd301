"""PostgreSQL `timestamptz` values read by psycopg's C loader (`cms.db`) are the values Django's
own loader reads: same instants, same `datetime.UTC` zone."""

import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.backends.postgresql.psycopg_any import register_tzloader

import pytest

from cms import db
from directory.models import SocialEnterprise
from tests import factories

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's loaders"),
]

LITERALS = [
    "2026-01-01 12:00:00.123+03",
    "2026-06-30 23:59:59.999999+00",
    "2026-03-29 01:30:00-05:30",
    "0001-01-01 00:00:00+00",
    "9999-12-31 23:59:59.999999+00",
    "1970-01-01 00:00:00+00",
]
SELECT = "SELECT " + ", ".join(f"'{literal}'::timestamptz" for literal in LITERALS)


def test_connections_read_timestamps_with_the_c_loader_and_cursors_keep_it():
    with connection.cursor() as cursor:
        loader = cursor.cursor.adapters.get_loader(db.TIMESTAMPTZ_OID, db.Format.TEXT)
    assert loader is db.UtcTimestamptzLoader


def test_values_are_those_of_djangos_loader():
    with connection.cursor() as cursor:
        cursor.execute(SELECT)
        ours = cursor.fetchone()
    with connection.cursor() as cursor:
        register_tzloader(datetime.UTC, cursor.cursor)  # what Django would read
        cursor.execute(SELECT)
        djangos = cursor.fetchone()
    assert ours == djangos
    assert all(value.tzinfo is datetime.UTC for value in ours)
    assert [value.tzinfo for value in djangos] == [datetime.UTC] * len(LITERALS)


def test_a_saved_moment_reads_back_unchanged():
    moment = datetime.datetime(2026, 11, 30, 16, 37, 17, 526695, tzinfo=ZoneInfo("Europe/Riga"))
    record = factories.SocialEnterpriseFactory(go_live_at=moment)
    read = SocialEnterprise.objects.values_list("go_live_at", flat=True).get(pk=record.pk)
    assert read == moment
    assert read.tzinfo is datetime.UTC


def fake_connection(timezone):
    registered = []
    adapters = SimpleNamespace(register_loader=lambda _name, loader: registered.append(loader))
    wrapper = SimpleNamespace(
        vendor="postgresql", timezone=timezone, connection=SimpleNamespace(adapters=adapters)
    )
    return wrapper, registered


def test_only_a_connection_in_utc_gets_the_c_loader():
    elsewhere, registered = fake_connection(ZoneInfo("Europe/Riga"))
    db.use_c_timestamps(sender=None, connection=elsewhere)
    assert registered == []

    utc, registered = fake_connection(datetime.UTC)
    db.use_c_timestamps(sender=None, connection=utc)
    assert registered == [db.UtcTimestamptzLoader]
