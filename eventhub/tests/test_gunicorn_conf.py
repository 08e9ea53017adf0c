"""gunicorn.conf.py as gunicorn itself resolves it (`--print-config`)."""

import os
import re
import runpy
import subprocess
import sys

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


def test_each_worker_warms_up_before_it_accepts_a_connection(monkeypatch):
    warmed = []
    monkeypatch.setattr("eventhub.warmup.warm_up", lambda: warmed.append(True))

    runpy.run_path(str(ROOT / "gunicorn.conf.py"))["post_worker_init"](worker=None)

    assert warmed == [True]
