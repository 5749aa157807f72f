from django.urls import path

from . import views

app_name = "corrections"

urlpatterns = [
    path("<int:facility_id>/", views.request_form, name="form"),
    path("<int:facility_id>/sent/", views.sent, name="sent"),
]
