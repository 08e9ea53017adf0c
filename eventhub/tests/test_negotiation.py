"""The API's content negotiation (eventhub/negotiation.py) answers every request as DRF's own does."""

import itertools

import pytest
from django.test import RequestFactory
from rest_framework import renderers
from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.request import Request

from eventhub.negotiation import ContentNegotiation


class CharsetJSONRenderer(renderers.JSONRenderer):
    media_type = "application/json; charset=utf-8"


RENDERER_LISTS = [
    [renderers.JSONRenderer()],
    [renderers.JSONRenderer(), renderers.BrowsableAPIRenderer()],
    [renderers.BrowsableAPIRenderer(), renderers.JSONRenderer()],
    [CharsetJSONRenderer()],
    [renderers.JSONRenderer(), renderers.StaticHTMLRenderer()],
]
ACCEPTS = [None, "*/*", "application/json", "text/html", "application/json; indent=4", "application/*",
           "text/html, */*;q=0.8", "", "image/png", "application/json, text/html", "*/* "]
QUERIES = ["", "format=json", "format=api", "other=1"]


def _answer(negotiation, renderer_list, accept, query, suffix):
    extra = {} if accept is None else {"HTTP_ACCEPT": accept}
    request = Request(RequestFactory().get(f"/api/v1/events/?{query}", **extra))
    try:
        renderer, media_type = negotiation.select_renderer(request, renderer_list, suffix)
    except NotAcceptable:
        return "406"
    except Exception as error:  # noqa: BLE001 - Http404 for an unknown format suffix: the same either way
        return type(error).__name__
    return type(renderer).__name__, media_type


@pytest.mark.parametrize("renderer_list, accept, query, suffix",
                         list(itertools.product(RENDERER_LISTS, ACCEPTS, QUERIES, [None, "json"])))
def test_it_answers_as_drf_answers(renderer_list, accept, query, suffix):
    ours = _answer(ContentNegotiation(), renderer_list, accept, query, suffix)
    assert ours == _answer(DefaultContentNegotiation(), renderer_list, accept, query, suffix)


def test_the_api_uses_it(api_client):
    from rest_framework.settings import api_settings

    assert api_settings.DEFAULT_CONTENT_NEGOTIATION_CLASS is ContentNegotiation
    refused = api_client.get("/api/v1/auth/me/", HTTP_ACCEPT="text/html")
    assert refused.status_code == 406 and refused.json()["code"] == "not_acceptable"
