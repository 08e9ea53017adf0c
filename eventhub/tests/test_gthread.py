"""eventhub.gthread: a worker accepts a new connection only while one of its threads is free."""

import concurrent.futures
import io
import logging
import os
import selectors
import socket
import types

import pytest
from gunicorn.config import Config

from eventhub.gthread import ThreadWorker


class _Pool:
    """Holds submitted requests instead of running them, so the test decides when each finishes."""

    def __init__(self):
        self.submitted = []

    def submit(self, function, conn):
        future = concurrent.futures.Future()
        self.submitted.append((conn, future))
        return future


@pytest.fixture
def listener():
    sock = socket.create_server(("127.0.0.1", 0))
    yield sock
    sock.close()


@pytest.fixture
def worker(listener):
    cfg = Config()
    cfg.set("threads", 2)
    worker = ThreadWorker(0, os.getpid(), [listener], None, 30, cfg, logging.getLogger("test"))
    worker.tpool, worker.poller = _Pool(), selectors.DefaultSelector()
    worker.method_queue.init()
    worker.set_accept_enabled(True)
    yield worker
    for conn, _ in worker.tpool.submitted:
        conn.close()
    worker.poller.close()
    worker.method_queue.close()
    worker.tmp.close()


def _connect(listener, count):
    return [socket.create_connection(listener.getsockname()) for _ in range(count)]


def _finish(worker, index):
    conn, future = worker.tpool.submitted[index]
    future.set_result(False)  # answered; the connection closes
    worker.finish_request(conn, future)


def test_it_leaves_new_connections_to_other_workers_while_its_threads_are_busy(worker, listener):
    clients = _connect(listener, 3)

    for _ in range(3):
        worker.accept(listener)

    assert len(worker.tpool.submitted) == 2
    assert not worker._accepting
    assert listener not in [key.fileobj for key in worker.poller.get_map().values()]
    for client in clients:
        client.close()


def _main_loop_turn(worker):
    worker.set_accept_enabled(worker.nr_conns < worker.worker_connections)  # what its loop does before polling


def test_it_takes_one_new_connection_per_request_it_finishes_while_its_threads_are_busy(worker, listener):
    clients = _connect(listener, 4)
    worker.accept(listener)
    worker.accept(listener)

    conn, future = worker.tpool.submitted[0]
    conn.parser = types.SimpleNamespace(unreader=types.SimpleNamespace(buf=io.BytesIO()))  # nothing read ahead
    future.set_result(True)  # answered, kept alive; its next request is already there
    worker.finish_request(conn, future)
    worker.on_client_socket_readable(conn, conn.sock)
    _main_loop_turn(worker)
    worker.accept(listener)
    worker.accept(listener)

    # Two new connections, one kept-alive request and one more new connection: never starved by the kept-alive ones.
    assert len(worker.tpool.submitted) == 4
    assert worker.nr_conns == 3
    assert not worker._accepting
    for client in clients:
        client.close()


def test_requests_finished_while_idle_are_saved_up_to_its_threads(worker, listener):
    clients = _connect(listener, 6)
    worker.accept(listener)
    worker.accept(listener)
    for index in (0, 1):
        _finish(worker, index)
    _main_loop_turn(worker)

    for _ in range(6):
        worker.accept(listener)

    # Two threads free again, then the two requests it finished: four new connections, two left to others.
    assert worker.nr_conns == 4
    assert not worker._accepting
    for client in clients:
        client.close()
