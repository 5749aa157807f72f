from django.urls import path

from . import views

app_name = "offices"

urlpatterns = [
    path("invitation/<str:token>/", views.accept_view, name="accept"),
]
