"""eventhub.gthread: threads wait on the connections themselves, and take a new one only while free."""

import contextlib
import os
import select
import socket
import threading
import time

import pytest
from gunicorn.config import Config
from gunicorn.glogging import Logger

from eventhub.gthread import Response, ThreadWorker


class App:
    """A WSGI app that answers `ok`, holding each request while `hold` is clear."""

    def __init__(self):
        self.hold = threading.Event()
        self.hold.set()
        self.inside = 0
        self.served_by = set()

    def __call__(self, environ, start_response):
        self.inside += 1
        self.served_by.add(threading.current_thread().name)
        self.hold.wait(10)
        self.inside -= 1
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
        return [b"ok"]


@pytest.fixture
def listener():
    sock = socket.create_server(("127.0.0.1", 0), backlog=16)
    yield sock
    sock.close()


@pytest.fixture
def app():
    return App()


@pytest.fixture
def worker(listener, app):
    cfg = Config()
    cfg.set("threads", 2)
    cfg.set("keepalive", 5)
    worker = ThreadWorker(0, os.getpid(), [listener], None, 30, cfg, Logger(cfg))
    worker.wsgi = app
    worker.PIPE = os.pipe()  # what a forked worker's init_process makes (not run here: no signals, no app loading)
    worker.epoll = select.epoll()
    worker.set_accept_enabled(True)
    worker.start_threads()
    yield worker
    app.hold.set()
    worker.stopped = True
    for thread in worker.threads:
        thread.join(2)
    worker.close_idle(float("inf"))
    worker.epoll.close()
    for fd in worker.PIPE:
        os.close(fd)
    worker.tmp.close()


def _client(listener):
    return socket.create_connection(listener.getsockname(), timeout=5)


def _ask(client):
    client.sendall(b"GET / HTTP/1.1\r\nHost: test\r\n\r\n")
    return _answer(client)


def _answer(client):
    data = b""
    while not data.endswith(b"\r\n\r\nok"):
        chunk = client.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def _until(condition, seconds=5.0):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.01)


def test_it_serves_requests_on_kept_alive_connections(worker, listener):
    client = _client(listener)
    answers = [_ask(client) for _ in range(5)]
    assert all(a.startswith(b"HTTP/1.1 200 OK\r\n") and b"Connection: keep-alive\r\n" in a for a in answers)
    assert worker.nr_conns == 1
    client.close()


def test_it_leaves_new_connections_to_other_workers_while_its_threads_are_busy(worker, listener, app):
    app.hold.clear()
    clients = [_client(listener) for _ in range(3)]
    for client in clients:
        client.sendall(b"GET / HTTP/1.1\r\nHost: test\r\n\r\n")
    _until(lambda: app.inside == 2)
    time.sleep(0.3)

    assert worker.nr_conns == 2  # the third waits in the listening socket's backlog, for any worker

    app.hold.set()
    assert all(_answer(client).endswith(b"ok") for client in clients)
    assert worker.nr_conns == 3
    for client in clients:
        client.close()


@contextlib.contextmanager
def _hammering(listener, clients: int, path: str = "/"):
    """Keep `clients` kept-alive connections asking for `path` one request after another, until the block ends."""
    stop = threading.Event()

    def hammer():
        client = _client(listener)
        while not stop.is_set():
            client.sendall(f"GET {path} HTTP/1.1\r\nHost: test\r\n\r\n".encode())
            _answer(client)
        client.close()

    busy = [threading.Thread(target=hammer) for _ in range(clients)]
    for thread in busy:
        thread.start()
    try:
        yield
    finally:
        stop.set()
        for thread in busy:
            thread.join()


def test_a_new_connection_is_not_starved_by_kept_alive_ones(worker, listener):
    with _hammering(listener, 4):
        time.sleep(0.2)
        started = time.monotonic()
        client = _client(listener)
        assert _ask(client).endswith(b"ok")
        assert time.monotonic() - started < 1.0
        client.close()


def test_a_burst_of_new_connections_is_taken_before_the_kept_alive_requests(worker, listener):
    served = []

    def app(environ, start_response):
        time.sleep(0.002)
        served.append(environ["PATH_INFO"])
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
        return [b"ok"]

    worker.wsgi = app
    with _hammering(listener, 6, "/old"):
        _until(lambda: served.count("/old") > 20)
        worker.set_accept_enabled(False)  # as a worker at worker_connections: they queue in the backlog
        burst = [_client(listener) for _ in range(10)]
        for client in burst:
            client.sendall(b"GET /new HTTP/1.1\r\nHost: test\r\n\r\n")
        worker.set_accept_enabled(True)
        assert all(_answer(client).endswith(b"ok") for client in burst)
    first, last = served.index("/new"), len(served) - 1 - served[::-1].index("/new")
    # Taking turns with the six kept-alive connections, the burst would see dozens of their requests
    # served among its own; first, only those already being served as it arrived.
    assert served[first:last + 1].count("/old") <= 4
    for client in burst:
        client.close()


def test_any_free_thread_serves_a_kept_alive_connection(worker, listener, app):
    clients = [_client(listener) for _ in range(4)]
    for _ in range(20):
        for client in clients:
            client.sendall(b"GET / HTTP/1.1\r\nHost: test\r\n\r\n")
        for client in clients:
            assert _answer(client).endswith(b"ok")
    assert app.served_by == {"gthread-0", "gthread-1"}
    for client in clients:
        client.close()


def test_a_body_the_app_left_unread_is_drained_before_the_next_request(worker, listener):
    client = _client(listener)
    client.sendall(b"POST / HTTP/1.1\r\nHost: test\r\nContent-Length: 5\r\n\r\nhello")
    assert _answer(client).endswith(b"ok")
    assert _ask(client).endswith(b"ok")  # parsed from where the next request starts, not from the body
    client.close()


def test_a_connection_that_fails_to_be_armed_again_is_closed_and_the_thread_serves_on(worker, listener, monkeypatch):
    real = worker.arm
    failed = []

    def arm(conn):
        if not failed:
            failed.append(conn)
            raise OSError("as if the socket were gone")
        real(conn)

    monkeypatch.setattr(worker, "arm", arm)
    client = _client(listener)
    assert _ask(client).endswith(b"ok")
    assert client.recv(10) == b""  # closed
    for _ in range(4):  # both threads still serve
        other = _client(listener)
        assert _ask(other).endswith(b"ok")
        other.close()
    _until(lambda: worker.nr_conns == 0)  # the failed one counted out too
    client.close()


def test_an_idle_connection_is_closed_after_its_keepalive_timeout(worker, listener):
    client = _client(listener)
    _ask(client)
    _until(lambda: len(worker.idle) == 1)  # armed again just after its answer went out
    worker.close_idle(time.monotonic())
    assert worker.nr_conns == 1  # not yet
    worker.close_idle(time.monotonic() + 6)
    assert client.recv(10) == b""
    assert worker.nr_conns == 0
    client.close()


def test_a_stopping_worker_answers_a_kept_alive_request_and_closes(worker, listener):
    client = _client(listener)
    _ask(client)
    worker.alive = False
    answer = _ask(client)
    assert b"Connection: close\r\n" in answer and answer.endswith(b"ok")
    assert client.recv(10) == b""
    client.close()


class _Socket:
    def __init__(self):
        self.sent = []

    def sendall(self, data):
        self.sent.append(data)


class _Request:
    method, version = "GET", (1, 1)

    def should_close(self):
        return False


def test_a_response_of_known_length_goes_out_with_its_headers_in_one_write():
    sock = _Socket()
    response = Response(_Request(), sock, Config())
    response.start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", "2")])
    response.write(b"{}")
    response.close()
    assert len(sock.sent) == 1
    head, body = sock.sent[0].split(b"\r\n\r\n")
    assert body == b"{}"
    assert head.startswith(b"HTTP/1.1 200 OK\r\n") and b"\r\nContent-Length: 2" in head and b"\r\nDate: " in head


def test_a_chunked_response_still_streams():
    sock = _Socket()
    response = Response(_Request(), sock, Config())
    response.start_response("200 OK", [("Content-Type", "text/plain")])
    response.write(b"one")
    response.write(b"two")
    response.close()
    assert b"Transfer-Encoding: chunked" in sock.sent[0]
    assert b"".join(sock.sent).endswith(b"3\r\none\r\n3\r\ntwo\r\n0\r\n\r\n")
