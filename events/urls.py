"""Site pages of this app (included by eventhub/urls.py)."""

from django.urls import path

from . import views

app_name = "events"
urlpatterns = [
    path("", views.home, name="home"),
    path("events/", views.event_list, name="list"),
    path("events/<slug:slug>/", views.event_detail, name="detail"),
    path("events/<slug:slug>/queue/", views.event_queue, name="queue"),
    path("events/<slug:slug>/calendar.ics", views.calendar_file, name="calendar"),
    path("events/<slug:slug>/cover/<str:name>.jpg", views.cover, name="cover"),
]
