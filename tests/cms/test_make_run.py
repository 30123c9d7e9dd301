"""`make run` for a newcomer: the served address reaches the e-mails, and the set-up steps say
one line each before the URLs and the login."""

import io
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from django.core import mail
from django.core.management import call_command
from django.db import connection

import pytest

from cms.management.commands.migrate_summary import summary
from directory import models as directory
from tests import factories
from tests.graphql.test_submissions import ENTERPRISE, SUBMIT_ENTERPRISE

ROOT = Path(__file__).resolve().parents[2]
SERVED = "http://127.0.0.1:8150"


def make_run(tmp_path, *args, **env):
    """What each step of `make run` would see as WAGTAILADMIN_BASE_URL: every step prints it
    instead of running (the stamps stand for an installed virtualenv)."""
    installed, compiled = tmp_path / "installed", tmp_path / "compiled"
    now = time.time()
    installed.touch()
    compiled.touch()
    # Newer than pyproject.toml and the catalogs, the installed one first: nothing to rebuild.
    os.utime(installed, (now - 1, now - 1))
    environment = {k: v for k, v in os.environ.items() if k != "WAGTAILADMIN_BASE_URL"}
    environment.update(env)
    result = subprocess.run(
        [
            "make",
            "--no-print-directory",
            "-s",
            "run",
            f"STAMP={installed}",
            f"COMPILED={compiled}",
            "MANAGE=printenv WAGTAILADMIN_BASE_URL; true",
            *args,
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


needs_make = pytest.mark.skipif(shutil.which("make") is None, reason="no make")


@needs_make
def test_make_run_gives_every_step_the_address_it_serves(tmp_path):
    assert make_run(tmp_path, "HOST=127.0.0.1", "PORT=8150") == [SERVED] * 4


@needs_make
def test_an_address_set_in_the_environment_wins_over_the_served_one(tmp_path):
    lines = make_run(tmp_path, "PORT=8150", WAGTAILADMIN_BASE_URL="https://tunnel.example")
    assert lines == ["https://tunnel.example"] * 4


def run_with_dev_settings(script, **env):
    environment = dict(os.environ, DJANGO_SETTINGS_MODULE="cms.settings.dev", **env)
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {script}"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return result


def test_dev_settings_read_the_base_url_from_the_environment():
    script = "from django.conf import settings; print(settings.WAGTAILADMIN_BASE_URL)"
    result = run_with_dev_settings(script, WAGTAILADMIN_BASE_URL=SERVED)
    assert result.stdout.strip() == SERVED


def test_the_dev_server_prints_each_of_djangos_log_lines_once():
    script = (
        "import logging; "
        "logging.getLogger('django.utils.autoreload').info('Watching for file changes'); "
        "logging.getLogger('django.request').warning('Not Found: /nowhere/')"
    )
    result = run_with_dev_settings(script, LOG_LEVEL="INFO")
    assert result.stderr.splitlines() == ["Watching for file changes", "Not Found: /nowhere/"]


@pytest.fixture
def served(settings):
    settings.WAGTAILADMIN_BASE_URL = SERVED


@pytest.fixture
def moderator(user_in_group):
    user = user_in_group("Moderators", username="moderator")
    user.email = "moderator@example.com"
    user.save()
    return user


@pytest.mark.django_db
def test_moderation_email_links_to_the_served_address(
    served, moderator, user_in_group, django_capture_on_commit_callbacks
):
    editor = user_in_group("Editors", username="editor")
    page = factories.article(live=False)
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision(user=editor)
        page.get_workflow().start(page, editor)

    (message,) = [m for m in mail.outbox if moderator.email in m.to]
    assert f"{SERVED}/admin/pages/{page.pk}/" in message.body
    assert "testserver" not in message.body


@pytest.mark.django_db
def test_submission_email_links_to_the_served_address(
    served, moderator, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/graphql/",
            {"query": SUBMIT_ENTERPRISE, "variables": {"input": ENTERPRISE}},
            content_type="application/json",
        )

    enterprise = directory.SocialEnterprise.objects.get()
    (message,) = [m for m in mail.outbox if "awaiting moderation" in m.subject]
    edit = f"{SERVED}/admin/snippets/directory/socialenterprise/edit/{enterprise.pk}/"
    assert edit in message.body


@pytest.mark.django_db
def test_migrate_summary_is_one_line():
    out = io.StringIO()
    call_command("migrate_summary", stdout=out)
    assert out.getvalue().count("\n") == 1
    assert out.getvalue().endswith("up to date.\n")


def test_migrate_summary_counts_what_it_applied():
    assert summary(1, connection).endswith(", 1 migration applied.")
    assert summary(237, connection).endswith(", 237 migrations applied.")
    assert summary(0, connection).startswith(f"Database: {connection.vendor} ")


@pytest.mark.django_db
def test_ensure_admin_prints_the_urls_and_the_login(settings):
    settings.WAGTAILADMIN_BASE_URL = SERVED + "/"
    settings.GRAPHQL_GRAPHIQL = True
    out = io.StringIO()
    call_command("ensure_admin", stdout=out, no_color=True)
    call_command("ensure_admin", "--url", "http://other:1", stdout=(again := io.StringIO()))

    assert (
        out.getvalue().split()
        == (
            f"Admin: {SERVED}/admin/ Login: admin / admin "
            f"GraphQL: {SERVED}/graphql/ (GraphiQL in a browser)"
        ).split()
    )
    assert "http://other:1/admin/" in again.getvalue()
    assert "unchanged" in again.getvalue()
