"""cms/gunicorn.conf.py: gunicorn's settings for `make serve` and the Procfile, from the
environment, with blank variables (a copied .env.example line) meaning their defaults."""

import multiprocessing
import runpy
from pathlib import Path
from unittest import mock

import pytest

CONFIG = Path(__file__).resolve().parents[2] / "cms" / "gunicorn.conf.py"


def load(**environ):
    with mock.patch.dict("os.environ", environ, clear=True):
        return runpy.run_path(str(CONFIG))


def test_defaults_are_workers_from_the_cores_and_the_access_log_on_stdout():
    config = load()

    assert config["workers"] == 2 * multiprocessing.cpu_count() + 1
    assert config["bind"] == "0.0.0.0:8000"
    assert config["accesslog"] == "-"
    assert (config["timeout"], config["graceful_timeout"]) == (60, 30)
    assert (config["max_requests"], config["max_requests_jitter"]) == (20000, 5000)
    assert config["preload_app"] is True


def test_the_environment_sets_workers_address_and_limits():
    config = load(
        WEB_CONCURRENCY="3",
        BIND="127.0.0.1:8123",
        GUNICORN_TIMEOUT="20",
        GUNICORN_MAX_REQUESTS="0",
        GUNICORN_ACCESS_LOG="",
    )

    assert config["workers"] == 3
    assert config["bind"] == "127.0.0.1:8123"
    assert config["timeout"] == 20
    assert config["max_requests"] == 0
    assert config["accesslog"] is None


def test_preloading_can_be_turned_off():
    assert load(GUNICORN_PRELOAD="false")["preload_app"] is False
    assert load(GUNICORN_PRELOAD="")["preload_app"] is True


def test_port_as_a_platform_sets_it_and_blank_values_mean_the_defaults():
    config = load(PORT="5000", WEB_CONCURRENCY="", GUNICORN_TIMEOUT="")

    assert config["bind"] == "0.0.0.0:5000"
    assert config["workers"] == 2 * multiprocessing.cpu_count() + 1
    assert config["timeout"] == 60


@pytest.mark.parametrize(
    ("environ", "disabled"),
    [({}, True), ({"GUNICORN_CONTROL_SOCKET": "/run/sesn/gunicorn.ctl"}, False)],
)
def test_the_control_socket_is_off_unless_given_a_path_of_its_own(environ, disabled):
    """gunicorn 27 would otherwise open one fixed path per user, shared by every instance."""
    assert load(**environ)["control_socket_disable"] is disabled


def test_gunicorn_reads_the_file():
    from gunicorn.app.base import Application

    class Check(Application):
        def init(self, parser, opts, args):
            return {}

        def load(self):
            return None

    environ = {"WEB_CONCURRENCY": "2", "BIND": "127.0.0.1:8124"}
    with (
        mock.patch.dict("os.environ", environ),
        mock.patch("sys.argv", ["gunicorn", "-c", str(CONFIG)]),
    ):
        cfg = Check().cfg

    assert cfg.workers == 2
    assert cfg.bind == ["127.0.0.1:8124"]
    assert cfg.control_socket_disable is True
