import io
import json
import logging

from django.test import RequestFactory

from eventhub.log import JsonFormatter


def _logger(stream):
    logger = logging.getLogger("eventhub.tests.json")
    logger.handlers = []
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.INFO)
    return logger


def test_it_writes_one_json_object_per_record_with_its_extras():
    stream = io.StringIO()

    _logger(stream).info("Expired %d registrations", 3, extra={"ticket": "vip", "count": 3})

    (line,) = stream.getvalue().splitlines()
    entry = json.loads(line)
    assert entry["message"] == "Expired 3 registrations"
    assert entry["level"] == "INFO"
    assert entry["logger"] == "eventhub.tests.json"
    assert entry["time"].endswith("+00:00")
    assert entry["ticket"] == "vip" and entry["count"] == 3


def test_it_keeps_a_traceback_and_the_request_on_one_line():
    stream = io.StringIO()
    request = RequestFactory().post("/api/v1/registrations/")

    try:
        raise ValueError("boom\nsecond line")
    except ValueError:
        _logger(stream).exception("Internal Server Error: %s", request.path, extra={"request": request})

    (line,) = stream.getvalue().splitlines()
    entry = json.loads(line)
    assert entry["method"] == "POST" and entry["path"] == "/api/v1/registrations/"
    assert "ValueError: boom" in entry["exception"]
