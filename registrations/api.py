"""API v1 routes of this app (included by eventhub/api.py)."""

urlpatterns = []
