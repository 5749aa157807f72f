from django.urls import path

from . import views

urlpatterns = [
    path("atom.xml", views.council_atom, name="council_atom"),
    path("meetings.ics", views.council_calendar, name="council_calendar"),
]
