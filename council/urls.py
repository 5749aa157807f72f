from django.urls import path

from . import feeds

urlpatterns = [
    path("atom.xml", feeds.council_atom, name="council_atom"),
    path("meetings.ics", feeds.council_calendar, name="council_calendar"),
]
