"""The request tracker, under /staff/requests/."""

from django.urls import path

from kliento.backoffice.views import requests as views

app_name = "dsr_staff"

urlpatterns = [
    path("", views.request_list, name="list"),
    path("new/", views.request_new, name="new"),
    path("<uuid:request_id>/", views.request_detail, name="detail"),
    path("<uuid:request_id>/<slug:action>/", views.request_action, name="action"),
]
