"""Site pages of this app (included by eventhub/urls.py at /dashboard/files/)."""

from django.urls import path

from . import views

app_name = "files"
urlpatterns = [
    path("", views.my_files, name="list"),
    path("<uuid:pk>/download/", views.download, name="download"),
    path("<uuid:pk>/delete/", views.delete, name="delete"),
]
