"""The request tracker, under /staff/requests/."""

from django.urls import path

from kliento.dsr import views_staff

app_name = "dsr_staff"

urlpatterns = [
    path("", views_staff.request_list, name="list"),
    path("new/", views_staff.request_new, name="new"),
    path("<uuid:request_id>/", views_staff.request_detail, name="detail"),
    path("<uuid:request_id>/<slug:action>/", views_staff.request_action, name="action"),
]
