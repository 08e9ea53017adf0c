"""A gunicorn worker's cyclic garbage: what warm-up loaded is frozen, and the rest collected every N requests.

Nearly everything a request makes ends up in reference cycles (the request
and its messages storage, the lazy user's closure, DRF's view, request and
response, a serializer and its fields), about 240 objects a request that
reference counting never frees. CPython's collector finds them, but a
request's objects are still alive when the young generations are collected
mid-request, so many reach the oldest generation, which is collected only
once it has grown by a quarter of the ~175,000 objects the imports made:
every few hundred requests. Meanwhile their garbage fills new object arenas,
and the long-lived objects allocated among it keep those arenas from being
returned; the soak (bench/soak.py) saw workers' resident memory grow
15-29 % in 10 minutes.

A full collection every 100 requests frees the garbage before it spreads. It
would cost about 120 ms of CPU if it scanned the imported modules, classes
and functions each time; frozen after warm-up (`gc.freeze`: the permanent
generation, never scanned) it costs about 12 ms, some 0.1 ms a request.
gunicorn.conf.py calls `after_warm_up` in `post_worker_init` and
`request_finished` in `post_request`.
"""

import gc
import itertools

_every = 0
_requests = itertools.count(1)


def after_warm_up(*, every: int) -> None:
    """Freeze every object alive now into the permanent generation; then collect fully every `every` requests (0: never)."""
    global _every, _requests
    gc.collect()
    gc.freeze()
    _every, _requests = every, itertools.count(1)


def request_finished() -> None:
    """Count a request (in any of the worker's threads; next() is atomic under the GIL); collect fully on every Nth."""
    if _every and next(_requests) % _every == 0:
        gc.collect()
