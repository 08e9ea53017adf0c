"""The queue's hot path at the WSGI level, ahead of Django's handler (eventhub/wsgi.py wraps it).

QueueMiddleware answers a join or poll before the rest of the middleware, but
Django's handler still runs around it: the request_started and
request_finished signals (which look at every database connection), the
script prefix, the middleware chain's wrappers. Under gunicorn this answers
the same requests with the same `QueueMiddleware.answer` — so the same status,
body, cookie and headers, written out as WSGIHandler writes a response, but
without building one — before any of that. What it leaves (any request `answer` declines, and one
whose answer fails unexpectedly) goes to Django unchanged, marked so the
middleware does not visit the store a second time.
"""

from django.core.handlers.wsgi import WSGIRequest

from .middleware import DECLINED, PREFIX, QueueMiddleware

# Set in the WSGI environ when this path answered: such a request leaves no reference cycles
# (gunicorn.conf.py's post_request does not count it towards a full collection).
ANSWERED = "eventhub.waiting_room.answered"


class QueueApplication:
    def __init__(self, application):
        self.application = application
        self.queue = QueueMiddleware(application)

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO", "").startswith(PREFIX):
            try:
                found = self.queue.answer(WSGIRequest(environ))
            except Exception:  # noqa: BLE001 - Django's handler answers it (and logs it) as it would without this path
                found = None
            else:
                if found is None:
                    environ[DECLINED] = True
            if found is not None:
                headers, body = found
                environ[ANSWERED] = True
                start_response("200 OK", headers)
                return [body]
        return self.application(environ, start_response)
