from django.urls import path

from . import import_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("imports/", import_views.import_data, name="import"),
]
