"""Two app servers on one PostgreSQL database and one Redis act as one site.

Two gunicorn processes (cms/gunicorn.conf.py, production settings, one worker each) serve the
test database on loopback and share a Redis database of their own. What one instance does is
seen by the other at once: a directory entry published through A's admin (log in, edit, "Publish")
is fresh on B, which answered and cached the old version just before; and the submission rate
limit counts requests to both against one budget.

Runs where the suite runs on PostgreSQL with Redis answering (CI); skipped otherwise, since
the servers are other processes and SQLite's test database lives in this one's memory.
"""

import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from html.parser import HTMLParser
from http.client import HTTPConnection
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from wagtail.models import Locale

import pytest
import redis

from tests.factories import SocialEnterpriseFactory, admin_edit_url

ROOT = Path(__file__).resolve().parent.parent.parent
# A Redis database of this test's own, flushed before and after (redis-cli -n 13).
REDIS_URL = "redis://127.0.0.1:6379/13"
PORTS = range(8100, 8200)
LIMIT = 3
STARTUP_SECONDS = 90


def _skip_reason():
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        return "needs PostgreSQL (DATABASE_URL): the servers are other processes"
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        return f"needs Redis at {REDIS_URL}: {error}"
    return None


pytestmark = [
    pytest.mark.skipif(_skip_reason() is not None, reason=str(_skip_reason())),
    # Committed rows, so that the servers see them.
    pytest.mark.django_db(transaction=True),
]


def free_ports(count):
    ports = []
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        ports.append(port)
        if len(ports) == count:
            return ports
    raise RuntimeError(f"no {count} free ports in {PORTS}")


class Instance:
    """One gunicorn on loopback, and a browser-like client of it keeping its own cookies
    (by hand: the production cookies are Secure, which http.cookiejar sends only over HTTPS)."""

    def __init__(self, name, port, env):
        self.name, self.port = name, port
        # Open as long as the server runs; closed (and removed) in stop().
        self.log = tempfile.NamedTemporaryFile(prefix=f"two-{name}-", suffix=".log")  # noqa: SIM115
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "cms/gunicorn.conf.py", "cms.wsgi"],
            cwd=ROOT,
            env={**env, "BIND": f"127.0.0.1:{port}"},
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.cookies = {}

    def log_tail(self):
        self.log.flush()
        return Path(self.log.name).read_text(errors="replace")[-3000:]

    def wait_until_up(self, deadline):
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"instance {self.name} exited:\n{self.log_tail()}")
            try:
                if self.request("GET", "/graphql/?query=%7B__typename%7D")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise AssertionError(f"instance {self.name} did not answer:\n{self.log_tail()}")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()

    def request(self, method, path, body=None, headers=None, anonymous=False):
        """(status, headers, text) of one request, redirects not followed; `anonymous`: without
        the cookies, as a frontend asks."""
        conn = HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            headers = {"Host": "127.0.0.1", **(headers or {})}
            if self.cookies and not anonymous:
                headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode()
            for header in response.msg.get_all("Set-Cookie") or []:
                for morsel in SimpleCookie(header).values():
                    self.cookies[morsel.key] = morsel.value
            return response.status, response.msg, text
        finally:
            conn.close()

    def post_form(self, path, fields):
        return self.request(
            "POST",
            path,
            urlencode(fields, doseq=True),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )

    def graphql_get(self, query):
        """The answer, and whether it came from the shared cache (X-Cache: hit or miss)."""
        path = "/graphql/?" + urlencode({"query": query})
        status, headers, text = self.request("GET", path, anonymous=True)
        assert status == 200, (status, text, self.log_tail())
        return json.loads(text), headers.get("X-Cache")

    def graphql_post(self, query):
        status, _, text = self.request(
            "POST",
            "/graphql/",
            json.dumps({"query": query}),
            {"Content-Type": "application/json"},
            anonymous=True,
        )
        assert status == 200, (status, text, self.log_tail())
        return json.loads(text)


class FormFields(HTMLParser):
    """What a browser would send for each <form> of a page: [(name, value)] per form."""

    def __init__(self):
        super().__init__()
        self.forms, self._select, self._options, self._textarea = [], None, [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append([])
        elif not self.forms or not attrs.get("name") and tag != "option":
            return
        fields = self.forms[-1]
        if tag == "input":
            kind = attrs.get("type", "text").lower()
            if kind in ("submit", "button", "image", "file", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            default = "on" if kind in ("checkbox", "radio") else ""
            fields.append((attrs["name"], attrs.get("value", default)))
        elif tag == "textarea":
            self._textarea = [attrs["name"], ""]
        elif tag == "select":
            self._select, self._options = (attrs["name"], "multiple" in attrs), []
        elif tag == "option" and self._select:
            self._options.append((attrs.get("value", ""), "selected" in attrs))

    def handle_data(self, data):
        if self._textarea:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea:
            name, text = self._textarea
            # A browser drops the one newline that may follow <textarea>.
            self.forms[-1].append((name, text[1:] if text.startswith("\n") else text))
            self._textarea = None
        elif tag == "select" and self._select:
            (name, multiple), options = self._select, self._options
            chosen = [value for value, selected in options if selected]
            if not chosen and not multiple and options:
                chosen = [options[0][0]]
            self.forms[-1].extend((name, value) for value in chosen)
            self._select = None


def form_with(html, field):
    parser = FormFields()
    parser.feed(html)
    for fields in parser.forms:
        if any(name == field for name, _ in fields):
            return fields
    raise AssertionError(f"no form with a {field!r} field")


def log_in(instance, username, password):
    status, _, html = instance.request("GET", "/admin/login/")
    assert status == 200, instance.log_tail()
    fields = dict(form_with(html, "username"))
    fields.update(username=username, password=password)
    status, headers, html = instance.post_form("/admin/login/", fields)
    assert status == 302, (status, html[:2000], instance.log_tail())
    assert "sessionid" in instance.cookies


def publish_edit(instance, record, **changes):
    """Edit `record` in the instance's admin as an editor would, then press "Publish"."""
    url = admin_edit_url(record)
    status, _, html = instance.request("GET", url)
    assert status == 200, (status, instance.log_tail())
    fields = [(name, value) for name, value in form_with(html, "summary") if name not in changes]
    fields += [*changes.items(), ("action-publish", "action-publish")]
    status, _, html = instance.post_form(url, fields)
    errors = re.findall(r'class="error-message"[^>]*>(.*?)<', html, re.S)
    assert status == 302, (status, errors or html[:3000], instance.log_tail())


@pytest.fixture(autouse=True)
def shared_redis():
    """Each test starts with nothing cached and nothing counted, and leaves nothing behind."""
    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    yield
    client.flushdb()


@pytest.fixture(scope="module")
def instances(django_db_setup):
    """Instances A and B on the test database (its real name, known once it is set up),
    started once for the tests of this module."""
    db = connection.settings_dict
    user = f"{db['USER']}:{db['PASSWORD']}@" if db.get("PASSWORD") else f"{db['USER']}@"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.production",
        "DATABASE_URL": f"postgres://{user}{db['HOST']}:{db['PORT']}/{db['NAME']}",
        # No connection kept after a request: the test database can be dropped at the end.
        "DATABASE_CONN_MAX_AGE": "0",
        "REDIS_URL": REDIS_URL,
        "SECRET_KEY": "two-instances-test",
        "ALLOWED_HOSTS": "127.0.0.1",
        "GRAPHQL_SUBMISSIONS_PER_HOUR": str(LIMIT),
        "WEB_CONCURRENCY": "1",
        "GUNICORN_ACCESS_LOG": "",
        "LOG_LEVEL": "WARNING",
    }
    servers = [Instance(name, port, env) for name, port in zip("AB", free_ports(2), strict=True)]
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        for server in servers:
            server.wait_until_up(deadline)
        yield servers
    finally:
        for server in servers:
            server.stop()


ENTERPRISE = '{ enterprise(slug: "two-instances") { name summary } }'


def test_a_publish_through_one_instance_is_fresh_on_the_other_at_once(
    instances, django_user_model
):
    a, b = instances
    # An earlier transactional test may have emptied the tables the migrations filled.
    Locale.objects.get_or_create(language_code="en")
    record = SocialEnterpriseFactory(slug="two-instances", summary="Before the edit.")
    hasher = PBKDF2PasswordHasher()
    django_user_model.objects.create(
        username="editor",
        is_superuser=True,
        is_staff=True,
        # The production settings know no MD5, which the test settings hash with.
        password=hasher.encode("editor-password", hasher.salt()),
    )
    # B answers the current version twice, the second time from the shared cache: what follows
    # checks that a publish elsewhere invalidates it, not that a cold cache is fresh.
    answers = [b.graphql_get(ENTERPRISE) for _ in range(2)]
    summaries = [body["data"]["enterprise"]["summary"] for body, _ in answers]
    assert summaries == ["Before the edit."] * 2
    assert [cached for _, cached in answers] == ["miss", "hit"]

    log_in(a, "editor", "editor-password")
    publish_edit(a, record, summary="After the edit, published on A.")

    record.refresh_from_db()
    assert record.summary == "After the edit, published on A."
    body, cached = b.graphql_get(ENTERPRISE)
    assert body["data"]["enterprise"] == {
        "name": record.name,
        "summary": "After the edit, published on A.",
    }
    assert cached == "miss"
    # And A, which never answered the query, finds B's fresh answer in the shared cache.
    assert a.graphql_get(ENTERPRISE) == (body, "hit")


SPAM = 'mutation { submitEnterprise(input: {name: "Spam", homepage: "filled"}) { ok } }'


def submitted(instance):
    """True when the instance accepted a submission (the honeypot is filled: only counted)."""
    body = instance.graphql_post(SPAM)
    if "errors" in body:
        assert body["errors"][0]["extensions"]["code"] == "RATE_LIMITED", body
        return False
    return body["data"]["submitEnterprise"]["ok"]


def test_the_submission_limit_holds_across_both_instances(instances):
    a, b = instances

    answers = [submitted(instances[turn % 2]) for turn in range(LIMIT + 2)]

    assert answers == [True] * LIMIT + [False, False]
    assert not submitted(a) and not submitted(b)
