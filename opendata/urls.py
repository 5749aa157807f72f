"""The dataset files, at /opendata/<dataset>.<format> (the page itself is served by Wagtail)."""

from django.urls import path

from . import views

urlpatterns = [
    path("<slug:slug>.<str:fmt>", views.dataset_file, name="opendata_file"),
]
