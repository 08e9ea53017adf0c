"""gunicorn's threaded worker, taking new connections at the pace it serves requests once its threads are busy.

Every gthread worker of a server waits on the same listening socket and, as
they come, accepts whatever connections its main thread wakes up first for
(up to `worker_connections`, 1,000). A kept-alive connection then stays with
the worker that accepted it, and each worker serves its own connections in
turn with its few threads. So a burst of connections (a flash sale opening,
or nginx opening upstream connections under load) piles up on whichever
worker happened to be quickest: in bench/flash.py 35 of 50 connections on
one of three workers, whose buyers then waited 2-3 s while the others idled.

This worker accepts freely while a thread is free; once every thread is
busy, it accepts one new connection per request it has finished (up to its
number of threads saved up), and leaves the rest in the kernel's backlog for
the other workers. So connections spread
over the workers in proportion to the requests each gets through, and a new
one is never starved by the worker's kept-alive connections (only accepting
while a thread is idle would: those always have a next request waiting).
"""

from gunicorn.workers import gthread


class ThreadWorker(gthread.ThreadWorker):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.in_flight = 0  # requests handed to the threads and not finished yet
        self.credit = 0  # new connections it may accept while busy: one per request finished

    def _may_accept(self) -> bool:
        return self.in_flight < self.cfg.threads or self.credit > 0

    def set_accept_enabled(self, enabled):
        super().set_accept_enabled(enabled and self._may_accept())

    def accept(self, listener):
        # Events already polled may still name the listener after it was turned off.
        if not self._may_accept():
            return
        spends = self.in_flight >= self.cfg.threads
        before, self.credit = self.nr_conns, self.credit - spends  # spent before enqueue_req looks at it
        super().accept(listener)
        if spends and self.nr_conns == before:
            self.credit += 1  # another worker was quicker: still ours to spend

    def enqueue_req(self, conn):
        self.in_flight += 1
        super().enqueue_req(conn)
        if not self._may_accept():
            self.set_accept_enabled(False)

    def finish_request(self, conn, fs):
        # The main loop turns accepting back on (worker_connections permitting) before it polls again.
        self.in_flight -= 1
        self.credit = min(self.credit + 1, self.cfg.threads)
        super().finish_request(conn, fs)
