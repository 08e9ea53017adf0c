"""DRF's content negotiation, answering at once the request that asks for nothing in particular."""

from rest_framework.negotiation import DefaultContentNegotiation


class ContentNegotiation(DefaultContentNegotiation):
    """DRF's negotiation; an Accept of `*/*` (or none), or exactly the first renderer's type, gets that renderer.

    That is what nearly every API request sends (the PWA, scanners, a flash
    sale's buyers), and DRF's way parses the header into media types and
    walks them against each renderer: about 2 % of a purchase's CPU under
    gunicorn. For such a request, with no format asked for (a suffix or
    `?format=`) and a first renderer whose type has no parameters, DRF
    always answers the first renderer and its own media type; anything else
    is negotiated by DRF as before.
    """

    def select_renderer(self, request, renderers, format_suffix=None):
        first = renderers[0] if renderers else None
        if (
            first is not None
            and not format_suffix
            and ";" not in first.media_type
            and request.META.get("HTTP_ACCEPT", "*/*") in ("*/*", first.media_type)
            and self.settings.URL_FORMAT_OVERRIDE not in request.query_params
        ):
            return first, first.media_type
        return super().select_renderer(request, renderers, format_suffix)
