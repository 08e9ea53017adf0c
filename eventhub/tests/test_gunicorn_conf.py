"""gunicorn.conf.py as gunicorn itself resolves it (`--print-config`)."""

import gc
import os
import re
import runpy
import subprocess
import sys
import weakref

import pytest

from eventhub.tests.production import ROOT, process_environment

TEMPLATE = ROOT / "nginx" / "eventhub.conf.template"


def _resolved(**env: str) -> dict[str, str]:
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--print-config", "--config", "gunicorn.conf.py"],
        cwd=ROOT, env=process_environment(env), capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return {
        name.strip(): value.strip()
        for name, _, value in (line.partition("=") for line in result.stdout.splitlines())
    }


def test_it_runs_two_threaded_workers_per_cpu_by_default():
    config = _resolved()

    assert config["worker_class"] == "eventhub.gthread.ThreadWorker"
    assert config["workers"] == str(min(2 * len(os.sched_getaffinity(0)), 8))
    assert config["threads"] == "4"
    assert config["wsgi_app"] == "eventhub.wsgi:application"
    assert config["bind"] == "['0.0.0.0:8000']"


def test_it_takes_its_sizes_and_timeouts_from_the_environment():
    config = _resolved(GUNICORN_WORKERS="3", GUNICORN_THREADS="8", GUNICORN_TIMEOUT="45", GUNICORN_BIND="127.0.0.1:9000")

    assert (config["workers"], config["threads"], config["timeout"]) == ("3", "8", "45")
    assert config["bind"] == "['127.0.0.1:9000']"


def test_its_access_log_can_be_turned_off():
    assert _resolved(GUNICORN_ACCESS_LOG="")["accesslog"] == "None"


def test_it_logs_to_stdout_and_stderr_and_keeps_connections_longer_than_nginx():
    config = _resolved()

    assert config["accesslog"] == "-" and config["errorlog"] == "-"
    assert config["logger_class"].startswith("<JsonAccessLogger")
    # Else nginx may reuse an upstream connection gunicorn has just closed (a stray 502).
    upstream = re.search(r"upstream eventhub_api \{.*?keepalive_timeout (\d+)s;", TEMPLATE.read_text(), re.DOTALL)
    assert int(config["keepalive"]) > int(upstream.group(1))
    # No control socket under $HOME: the container user's home is read-only.
    assert config["control_socket_disable"] == "True"


@pytest.fixture
def worker_hooks(monkeypatch):
    """Return gunicorn.conf.py's settings with warm-up stubbed; undo what its hooks did to this process's collector."""
    monkeypatch.setattr("eventhub.warmup.warm_up", lambda: None)
    was_enabled = gc.isenabled()
    yield lambda: runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    gc.unfreeze()
    if was_enabled:
        gc.enable()


def test_each_worker_warms_up_before_it_accepts_a_connection(monkeypatch, worker_hooks):
    config = worker_hooks()
    warmed = []
    monkeypatch.setattr("eventhub.warmup.warm_up", lambda: warmed.append(True))

    config["post_worker_init"](worker=None)

    assert warmed == [True]


class _Node:
    pass


def _cycle() -> weakref.ref:
    node = _Node()
    node.itself = node  # only the cyclic collector can free it
    return weakref.ref(node)


def test_each_worker_freezes_what_warm_up_loaded_then_collects_cycles_every_gc_every_requests(worker_hooks):
    config = worker_hooks()
    config["post_worker_init"](worker=None)
    assert gc.get_freeze_count() > 0  # the permanent generation: full collections no longer scan it
    gc.disable()  # no collection of CPython's own in between
    garbage = _cycle()

    for _ in range(config["gc_every"] - 1):
        config["post_request"](None, None, {}, None)
    assert garbage() is not None
    config["post_request"](None, None, {}, None)

    assert config["gc_every"] == 100
    assert garbage() is None


def test_the_waiting_rooms_answers_do_not_count_towards_a_collection(worker_hooks):
    from waitingroom.wsgi import ANSWERED

    config = worker_hooks()
    config["post_worker_init"](worker=None)
    gc.disable()
    garbage = _cycle()

    for _ in range(1000):
        config["post_request"](None, None, {ANSWERED: True}, None)
    assert garbage() is not None
    for _ in range(config["gc_every"]):
        config["post_request"](None, None, {}, None)
    assert garbage() is None


def test_its_collections_can_be_turned_off(monkeypatch, worker_hooks):
    monkeypatch.setenv("GUNICORN_GC_EVERY", "0")
    config = worker_hooks()
    config["post_worker_init"](worker=None)
    gc.disable()
    garbage = _cycle()

    for _ in range(1000):
        config["post_request"](None, None, {}, None)

    assert garbage() is not None
