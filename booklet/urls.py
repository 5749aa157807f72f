from django.urls import path

from . import views

urlpatterns = [
    path("fukushi-map.pdf", views.download_view, name="booklet_download"),
]
