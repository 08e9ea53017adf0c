"""Site pages of this app (included by eventhub/urls.py)."""

app_name = "events"
urlpatterns = []
