import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def load_production_settings(*, script="import django; django.setup()", **env):
    environment = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {"SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE", "DATABASE_CONN_MAX_AGE"}
    }
    environment.update(env, DJANGO_SETTINGS_MODULE="cms.settings.production")
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize(
    "env, missing",
    [
        ({"ALLOWED_HOSTS": "cms.example"}, "SECRET_KEY"),
        ({"SECRET_KEY": "x" * 50}, "ALLOWED_HOSTS"),
    ],
)
def test_production_refuses_to_start_without_its_secrets(env, missing):
    result = load_production_settings(**env)
    assert result.returncode != 0
    assert f"{missing} must be set in production" in result.stderr


def test_production_starts_with_its_secrets():
    result = load_production_settings(SECRET_KEY="x" * 50, ALLOWED_HOSTS="cms.example")
    assert result.returncode == 0, result.stderr


PRINT_CONNECTION_SETTINGS = """
import json, django
django.setup()
from django.conf import settings
database = settings.DATABASES["default"]
print(json.dumps([database["CONN_MAX_AGE"], database["CONN_HEALTH_CHECKS"]]))
"""


def production_connection_settings(**env):
    result = load_production_settings(
        script=PRINT_CONNECTION_SETTINGS, SECRET_KEY="x" * 50, ALLOWED_HOSTS="cms.example", **env
    )
    assert result.returncode == 0, result.stderr
    max_age, health_checks = json.loads(result.stdout)
    return max_age, health_checks


def test_production_reuses_database_connections_and_checks_them_before_reuse():
    max_age, health_checks = production_connection_settings()
    assert max_age > 0
    assert health_checks is True


def test_production_connection_lifetime_follows_database_conn_max_age():
    assert production_connection_settings(DATABASE_CONN_MAX_AGE="300") == (300, True)
    assert production_connection_settings(DATABASE_CONN_MAX_AGE="0") == (0, True)


def test_production_empty_database_conn_max_age_means_the_default():
    """`DATABASE_CONN_MAX_AGE=` (as a copied .env.example line left blank) is unset, not 0."""
    assert production_connection_settings(DATABASE_CONN_MAX_AGE="") == (60, True)
    assert production_connection_settings(DATABASE_CONN_MAX_AGE="  ") == (60, True)


def test_production_refuses_a_database_conn_max_age_that_is_not_a_number():
    result = load_production_settings(
        SECRET_KEY="x" * 50, ALLOWED_HOSTS="cms.example", DATABASE_CONN_MAX_AGE="1m"
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DATABASE_CONN_MAX_AGE must be a whole number; got '1m'" in result.stderr
