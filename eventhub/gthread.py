"""gunicorn's threaded worker, with its threads waiting on the connections themselves.

gunicorn's gthread worker runs one main thread that waits on every connection
and hands each request to a thread pool, which hands the connection back when
done: per kept-alive request two thread switches, a future, a pipe write and
read, and the connection taken off the poller and put on it again. For the
waiting room's polls (bench/waiting_room.py: thousands a second, each well
under a millisecond of work) that bookkeeping cost about as much as the answer.

Here each of the worker's `threads` waits on one shared epoll set itself
(leader/followers): the thread that a connection's next request wakes serves
it and arms the connection again (EPOLLONESHOT, so exactly one thread gets
each request). The main thread only keeps the worker alive: heartbeats, the
keep-alive timeouts, a graceful stop. The request itself is gunicorn's own
code (its parser, `handle`, the WSGI environ and response), except that a
response whose body is one block of known length goes out with its headers in
one `sendall` (a system call and a TCP segment fewer).

Balance between workers: every worker of a server waits on the same listening
socket, and a worker only takes a connection with a thread that is free and
serves that connection's first request straight away (as gthread does). So a
worker whose threads are all busy leaves new connections to the others: a
burst of them (a flash sale opening, nginx opening upstream connections) does
not pile onto whichever worker happened to be quickest, where its kept-alive
buyers would then wait in line while the others idled. A free thread takes a
connection waiting in the backlog first, else whatever epoll reports first: in
epoll's ready list the listening socket would get one turn per round of the
kept-alive requests, and at a burst of new connections the last of them would
wait in the backlog through many such rounds.
"""

import errno
import os
import select
import sys
import threading
import time
from datetime import datetime
from typing import ClassVar

from gunicorn import util
from gunicorn.http import message, wsgi
from gunicorn.http.body import LengthReader
from gunicorn.http.parser import RequestParser
from gunicorn.workers import gthread

ONESHOT = select.EPOLLIN | select.EPOLLONESHOT


class Response(wsgi.Response):
    """gunicorn's response, writing headers and a body of known length in one `sendall`."""

    _date: tuple[int, str] = (0, "")

    def default_headers(self):
        # gunicorn's, except that the Date header, which changes once a second, is formatted once a second.
        now = int(time.time())
        if Response._date[0] != now:
            Response._date = (now, util.http_date(now))
        if self.upgrade:
            connection = "upgrade"
        elif self.should_close():
            connection = "close"
        else:
            connection = "keep-alive"
        headers = [
            f"HTTP/{self.req.version[0]}.{self.req.version[1]} {self.status}\r\n",
            f"Server: {self.version}\r\n",
            f"Date: {Response._date[1]}\r\n",
            f"Connection: {connection}\r\n",
        ]
        if self.chunked:
            headers.append("Transfer-Encoding: chunked\r\n")
        return headers

    def _head(self) -> bytes:
        tosend = self.default_headers()
        tosend.extend([f"{k}: {v}\r\n" for k, v in self.headers])
        return util.to_bytestring("".join(tosend) + "\r\n", "latin-1")

    def send_headers(self):
        if self.headers_sent:
            return
        util.write(self.sock, self._head())
        self.headers_sent = True

    def write(self, arg):
        if (not self.headers_sent and isinstance(arg, bytes) and not self.chunked and not self._omits_body
                and self.response_length is not None and len(arg) <= self.response_length):
            head = self._head()
            self.headers_sent = True
            self.sent += len(arg)
            util.write(self.sock, head + arg)
            return
        super().write(arg)


class Request(message.Request):
    """gunicorn's request, remembering which peers may set forwarding headers instead of parsing the address each time."""

    _trusted: ClassVar[dict] = {}  # peer address -> what _peer_trusted_for_forwarded answered; settings are fixed

    def _peer_trusted_for_forwarded(self):
        peer = self.peer_addr[0] if isinstance(self.peer_addr, tuple) else None
        found = Request._trusted.get(peer)
        if found is None:
            if len(Request._trusted) > 10_000:
                Request._trusted.clear()
            found = Request._trusted[peer] = super()._peer_trusted_for_forwarded()
        return found


class TConn(gthread.TConn):
    def init(self):
        super().init()
        if type(self.parser) is RequestParser:  # plain HTTP/1 (not HTTP/2)
            self.parser.mesg_class = Request


class ThreadWorker(gthread.ThreadWorker):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.epoll = None
        self.lock = threading.Lock()  # guards idle, nr_conns and each connection's move between threads
        self.idle: dict[int, gthread.TConn] = {}  # fd -> connection armed in the epoll set, waiting for a request
        self.listeners: dict[int, object] = {}
        self.stopped = False  # the serving threads leave
        self.threads: list[threading.Thread] = []

    def init_process(self):
        self.epoll = select.epoll()
        super().init_process()

    def set_accept_enabled(self, enabled):
        if enabled == self._accepting:
            return
        for listener in self.sockets:
            if enabled:
                listener.setblocking(False)
                self.listeners[listener.fileno()] = listener
                self.epoll.register(listener.fileno(), select.EPOLLIN)
            else:
                self.epoll.unregister(listener.fileno())
        self._accepting = enabled

    def _wake(self):
        try:
            os.write(self.PIPE[1], b".")
        except OSError:
            pass

    def start_threads(self):
        self.threads = [threading.Thread(target=self.serve, name=f"gthread-{n}", daemon=True)
                        for n in range(self.cfg.threads)]
        for thread in self.threads:
            thread.start()

    def run(self):
        self.set_accept_enabled(True)
        self.start_threads()
        while self.alive:
            self.notify()
            if not self.is_parent_alive():
                self.alive = False
                break
            with self.lock:
                can_accept = self.nr_conns < self.worker_connections
            if can_accept != self._accepting:
                self.set_accept_enabled(can_accept)
            self.close_idle(time.monotonic())
            self._sleep(1.0)

        # A graceful stop: no new connections; kept-alive ones stay a little for a request already on
        # its way (answered with "Connection: close", RFC 9112 section 9.6); requests being served finish.
        self.set_accept_enabled(False)
        linger = time.monotonic() + gthread.STOP_KEEPALIVE_LINGER
        with self.lock:
            for conn in self.idle.values():
                conn.timeout = min(conn.timeout, linger)
        deadline = time.monotonic() + self.cfg.graceful_timeout
        while self.nr_conns > 0 and time.monotonic() < deadline:
            self.notify()
            self.close_idle(time.monotonic())
            self._sleep(0.1)
        self.close_idle(float("inf"))
        self.stopped = True
        for thread in self.threads:
            thread.join(1.0)
        self.epoll.close()
        for s in self.sockets:
            s.close()

    def _sleep(self, seconds):
        # Signals (gunicorn's wakeup fd) and a thread ending the worker (max_requests) wake it early.
        try:
            ready, _, _ = select.select([self.PIPE[0]], [], [], seconds)
        except InterruptedError:
            return
        if ready:
            try:
                while os.read(self.PIPE[0], 64):
                    pass
            except OSError:
                pass

    def close_idle(self, now):
        """Close the connections that have waited for a request past their keep-alive timeout."""
        with self.lock:
            expired = [(fd, conn) for fd, conn in self.idle.items() if conn.timeout <= now]
            for fd, conn in expired:
                del self.idle[fd]
                try:
                    self.epoll.unregister(fd)
                except (OSError, ValueError):
                    pass
                self.nr_conns -= 1
                conn.close()

    def serve(self):
        """One thread: wait for whichever connection is ready first, serve it, arm it again."""
        poll = self.epoll.poll
        while not self.stopped:
            # A new connection first: in epoll's ready list the listening socket would get one turn in
            # each round of the kept-alive requests, so at a burst (a sale opening: every buyer connects
            # at once) the last connections would wait in the backlog for many rounds of the others.
            conn = self.accept_waiting()
            if conn is None:
                try:
                    events = poll(0.5, 1)
                except OSError as e:  # the set closed as the worker stops
                    if e.errno == errno.EBADF or self.stopped:
                        return
                    raise
                for fd, _ in events:
                    listener = self.listeners.get(fd)
                    if listener is not None:
                        conn = self.accept(listener)
                    else:
                        with self.lock:
                            conn = self.idle.pop(fd, None)
                        if conn is not None:
                            conn.data_ready = True  # epoll said so: no second wait
            if conn is not None:
                try:
                    self.serve_connection(conn)
                except Exception:  # a thread that died here would never serve again
                    self.log.exception("Error serving a connection")
                    with self.lock:
                        self.nr_conns -= 1
                    conn.close()

    def accept_waiting(self):
        """Return a connection waiting in a listening socket's backlog, None when there is none.

        Only a free thread asks, so a worker whose threads are all busy still leaves new connections
        to the others.
        """
        for listener in self.listeners.values():
            conn = self.accept(listener)
            if conn is not None:
                return conn
        return None

    def accept(self, listener):
        """Return a new connection from `listener`, None when another worker (or thread) was quicker."""
        if not self._accepting:
            return None
        try:
            client_sock, client_addr = listener.accept()
        except OSError as e:
            if e.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return None
        client_sock.setblocking(True)
        with self.lock:
            self.nr_conns += 1
        return TConn(self.cfg, client_sock, client_addr, listener.getsockname())

    def serve_connection(self, conn):
        """Serve the requests `conn` has sent, then arm it for its next one or close it."""
        while True:
            result = self.handle(conn)
            if result is gthread._DEFER:  # a new connection that sent nothing yet: wait without a thread
                return self.arm(conn)
            if not result:
                with self.lock:
                    self.nr_conns -= 1
                conn.close(graceful=True)
                return
            if not conn.parser.unreader.buf.getvalue():
                return self.arm(conn)
            # Bytes of its next request were read already: they no longer make the socket readable.

    def arm(self, conn):
        """Put `conn` in the epoll set until it sends its next request or times out."""
        timeout = time.monotonic() + self.cfg.keepalive
        if not self.alive:
            timeout = min(timeout, time.monotonic() + gthread.STOP_KEEPALIVE_LINGER)
        fd = conn.sock.fileno()
        with self.lock:  # in `idle` before it is armed: the thread it wakes must find it there
            conn.timeout = timeout
            self.idle[fd] = conn
            if getattr(conn, "armed_before", False):
                self.epoll.modify(fd, ONESHOT)
            else:
                conn.armed_before = True
                self.epoll.register(fd, ONESHOT)

    def handle_exit(self, sig, frame):
        self.alive = False

    def _keepalive_after(self, conn, keepalive):
        # A request whose body has all been read off the socket (a GET's is empty) leaves nothing to drain:
        # gunicorn's drain would still set and reset the socket's timeout, two system calls a request.
        body = getattr(conn.parser.mesg, "body", None)
        reader = getattr(body, "reader", None)
        if keepalive and type(reader) is LengthReader and reader.length == 0 and not body.failed:
            return True
        return super()._keepalive_after(conn, keepalive)

    def handle_request(self, req, conn):
        # gunicorn's gthread handle_request, with the Response above and this worker's idle connections.
        environ = {}
        resp = None
        try:
            self.cfg.pre_request(self, req)
            request_start = datetime.now()
            resp, environ = wsgi.create(req, conn.sock, conn.client, conn.server, self.cfg, response_class=Response)
            environ["wsgi.multithread"] = True
            self.nr += 1
            if self.nr >= self.max_requests:
                if self.alive:
                    self.log.info("Autorestarting worker after current request.")
                    self.alive = False
                    self._wake()
                resp.force_close()
            if not self.alive or not self.cfg.keepalive or len(self.idle) >= self.max_keepalived:
                resp.force_close()

            respiter = self.wsgi(environ, resp.start_response)
            try:
                if isinstance(respiter, environ["wsgi.file_wrapper"]):
                    resp.write_file(respiter)
                else:
                    for item in respiter:
                        resp.write(item)
                resp.close()
            finally:
                request_time = datetime.now() - request_start
                self.log.access(resp, req, environ, request_time)
                if hasattr(respiter, "close"):
                    respiter.close()

            if resp.should_close():
                self.log.debug("Closing connection.")
                return False
        except OSError:
            util.reraise(*sys.exc_info())
        except (Exception, SystemExit):
            if resp and resp.headers_sent:
                self.log.exception("Error handling request")
                util.close_graceful(conn.sock)
                raise StopIteration()
            raise
        finally:
            try:
                self.cfg.post_request(self, req, environ, resp)
            except Exception:
                self.log.exception("Exception in post_request hook")
        return True
