"""The Team page: staff members, invitations, roles (administrators only)."""

from django.urls import path

from kliento.backoffice.views import team as views

app_name = "staff_team"

urlpatterns = [
    path("", views.team, name="list"),
    path("invite/", views.invite, name="invite"),
    path("<uuid:member_id>/role/", views.role_change, name="role"),
    path("<uuid:member_id>/resend/", views.resend, name="resend"),
    path("<uuid:member_id>/remove/", views.remove, name="remove"),
]
